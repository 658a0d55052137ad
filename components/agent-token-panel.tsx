"use client";
import { useRef } from "react";
import { CopyButton } from "./copy-button";

/**
 * Shown once after an agent study is created: its token, which the server
 * keeps only as a hash, and the command line that starts an agent with it.
 */
export function AgentTokenPanel({ studyId, name, token, command, onOpen }: { studyId: number; name: string; token: string; command: string; onOpen: () => void }) {
  const tokenRef = useRef<HTMLElement>(null);
  const commandRef = useRef<HTMLElement>(null);
  return (
    <section className="space-y-5 rounded-lg border border-amber-300 bg-white p-6 shadow-sm" data-testid="agent-token-panel" data-study-id={studyId}>
      <div>
        <p className="text-sm font-medium text-emerald-700">Study #{studyId} “{name}” is running and waits for agents.</p>
        <h2 className="mt-1 text-lg font-semibold text-slate-900">Your agent token</h2>
        <p className="mt-1 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 ring-1 ring-amber-200" role="alert">
          <strong className="font-semibold">Copy it now; it is not shown again.</strong> The server keeps only a hash of it. Anyone holding it can claim this study&apos;s jobs
          and report values, so keep it out of logs and shared files.
        </p>
      </div>

      <div>
        <div className="flex items-center justify-between gap-2">
          <span className="text-sm font-medium text-slate-700">Token</span>
          <CopyButton text={token} target={() => tokenRef.current} testId="btn-copy-token" />
        </div>
        <code ref={tokenRef} className="mt-1 block break-all rounded-md bg-slate-900 px-3 py-2 font-mono text-sm text-emerald-300" data-testid="agent-token">
          {token}
        </code>
      </div>

      <div>
        <div className="flex items-center justify-between gap-2">
          <span className="text-sm font-medium text-slate-700">Start an agent</span>
          <CopyButton text={command} target={() => commandRef.current} testId="btn-copy-command" />
        </div>
        <pre className="mt-1 overflow-x-auto rounded-md bg-slate-900 px-3 py-2 font-mono text-sm whitespace-pre-wrap break-words text-slate-100">
          <code ref={commandRef} data-testid="agent-command">
            {command}
          </code>
        </pre>
        <p className="mt-1 text-xs text-slate-500">
          Run it on each machine that trains, from your project&apos;s folder: the first line downloads the agent, one file that needs only Node 20 or later (no
          repository, no <code>npm ci</code>); a Slurm or Kubernetes job can run the same two lines. Replace <code>python train.py …</code> after <code>--</code> with your own program; the{" "}
          <code>{"{param}"}</code> placeholders work as in a command study.
        </p>
      </div>

      <div className="flex justify-end">
        <button
          type="button"
          onClick={onOpen}
          className="rounded-md bg-indigo-600 px-5 py-2 text-sm font-semibold text-white shadow-sm hover:bg-indigo-500"
          data-testid="btn-open-study"
        >
          I have copied it — open the study
        </button>
      </div>
    </section>
  );
}
