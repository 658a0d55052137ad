"use client";
import { COMMAND_PROTOCOLS, type CommandProtocolName } from "@/lib/api/command";
import { argvFromText, type TrainingFields, type TrainingKind } from "@/lib/client/training-spec";
import { Field, FieldErrors, inputClass } from "./form-parts";

const ARGV_PLACEHOLDER = ["python", "train.py", "--lr", "{lr}", "--epochs", "{epochs}", "--checkpoint-dir={checkpoint_dir}", "--resume={resume_from}"].join("\n");

/** What each command protocol means, in one line (docs/command-protocol.md). */
const PROTOCOL_LINES: Record<CommandProtocolName, string> = {
  "per-job": "A new process for every job (each rung of a trial); any program that prints JSON lines works.",
  persistent: "One process per trial: it trains to the epoch it is given, then waits on stdin for the next instruction.",
  worker: "As persistent, and a waiting process may take another trial's job, so a study starts about one process per parallel slot.",
};

/** The error messages under "command.argv" and "command.argv.<i>", each labelled with its line. */
function argvMessages(errors: Record<string, string[]>, argv: string[]): { p: string; message: string }[] {
  const indexOf = (p: string) => (p === "command.argv" ? -1 : Number(p.slice("command.argv.".length)));
  return Object.entries(errors)
    .filter(([p]) => p === "command.argv" || p.startsWith("command.argv."))
    .sort(([a], [b]) => indexOf(a) - indexOf(b))
    .flatMap(([p, messages]) => {
      const i = indexOf(p);
      const where = i < 0 ? "" : `line ${i + 1}${argv[i] ? ` (${argv[i]})` : ""}: `;
      // The server's own messages name "argv[i]"; the line label says it already.
      return messages.map((message) => ({ p, message: `${where}${i < 0 ? message : message.replace(`argv[${i}] `, "")}` }));
    });
}

/** The fields of a study that trains the user's own program: a command run here, or remote agents. */
export function TrainingFieldsEditor({
  kind,
  fields,
  onChange,
  errors,
}: {
  kind: TrainingKind;
  fields: TrainingFields;
  onChange: (fields: TrainingFields) => void;
  errors: Record<string, string[]>;
}) {
  const set = <K extends keyof TrainingFields>(key: K, value: TrainingFields[K]) => onChange({ ...fields, [key]: value });
  const argv = argvFromText(fields.argvText);
  const argvErrors = kind === "command" ? argvMessages(errors, argv) : [];
  const lines = fields.argvText.split("\n").length;

  return (
    <div className="space-y-4" data-testid="training-fields" data-kind={kind}>
      {kind === "command" && (
        <>
          <label className="block">
            <span className="flex items-baseline justify-between gap-2 text-sm font-medium text-slate-700">
              Training command
              <span className="text-xs font-normal text-slate-400">one argument per line · {argv.length} {argv.length === 1 ? "argument" : "arguments"}</span>
            </span>
            <textarea
              className={`${inputClass} mt-1 font-mono leading-6`}
              rows={Math.min(16, Math.max(6, lines + 1))}
              value={fields.argvText}
              placeholder={ARGV_PLACEHOLDER}
              spellCheck={false}
              autoCapitalize="off"
              autoComplete="off"
              aria-invalid={argvErrors.length > 0}
              onChange={(e) => set("argvText", e.target.value)}
              data-testid="field-command-argv"
            />
            <span className="mt-1 block text-xs text-slate-500">
              The first line is the program, each further line one argument, passed as is: it is <strong className="font-medium text-slate-700">never run through a shell</strong>{" "}
              (no quoting, <code>$VAR</code>, pipes or globbing). Use <code className="text-indigo-700">{"{param}"}</code> placeholders for the parameters below, and{" "}
              <code className="text-indigo-700">{"{epochs}"}</code>, <code className="text-indigo-700">{"{checkpoint_dir}"}</code>, <code className="text-indigo-700">{"{resume_from}"}</code> (the folder),{" "}
              <code className="text-indigo-700">{"{resume_file}"}</code> (its newest checkpoint file, empty when none),{" "}
              <code className="text-indigo-700">{"{parent_checkpoint}"}</code> (for a trial branched from another, the parent&apos;s checkpoint to start from; taking it lets
              strategies branch this program), <code className="text-indigo-700">{"{seed}"}</code>. The program prints one JSON line per epoch, such as <code>{'{"epoch": 3, "value": 0.41}'}</code>.
            </span>
            <FieldErrors label="command" messages={argvErrors} />
          </label>
          <div className="grid gap-4 sm:grid-cols-2">
            <Field label="Working directory" path="command.cwd" errors={errors} hint="relative to the server's working directory">
              <input className={`${inputClass} font-mono`} value={fields.cwd} spellCheck={false} onChange={(e) => set("cwd", e.target.value)} aria-invalid={!!errors["command.cwd"]} data-testid="field-command-cwd" />
            </Field>
            <Field label="Processes" path="command.protocol" errors={errors} hint="the program must speak the protocol">
              <select className={inputClass} value={fields.protocol} onChange={(e) => set("protocol", e.target.value as CommandProtocolName)} data-testid="field-command-protocol">
                {COMMAND_PROTOCOLS.map((protocol) => (
                  <option key={protocol} value={protocol}>
                    {protocol}
                  </option>
                ))}
              </select>
              <span className="mt-1 block text-xs text-slate-500" data-testid="command-protocol-line">
                {PROTOCOL_LINES[fields.protocol]}
              </span>
            </Field>
          </div>
          <div className="grid gap-4 sm:grid-cols-3">
            <CommonFields kind={kind} fields={fields} set={set} errors={errors} />
          </div>
          <p className="rounded-md bg-amber-50 px-3 py-2 text-xs text-amber-800 ring-1 ring-amber-200">
            The command runs on this server, as the server&apos;s user. Whoever can create a command study can run any program here.
          </p>
        </>
      )}
      {kind === "agent" && (
        <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
          <CommonFields kind={kind} fields={fields} set={set} errors={errors} />
          <Field label="Lease" path="agent.leaseSeconds" errors={errors} hint="seconds">
            <input className={`${inputClass} tabular-nums`} inputMode="numeric" value={fields.leaseSeconds} onChange={(e) => set("leaseSeconds", e.target.value)} aria-invalid={!!errors["agent.leaseSeconds"]} data-testid="field-agent-lease" />
          </Field>
          <label className="flex items-start gap-2 text-sm text-slate-700 sm:col-span-2 lg:col-span-4">
            <input type="checkbox" className="mt-0.5 accent-indigo-600" checked={fields.requeue} onChange={(e) => set("requeue", e.target.checked)} data-testid="field-agent-requeue" />
            <span>
              <span className="font-medium">Re-queue stale jobs</span>
              <span className="block text-xs text-slate-500">
                When an agent stops renewing its lease (it crashed, or lost the network), give its job to another agent instead of failing the trial.
              </span>
            </span>
          </label>
        </div>
      )}
    </div>
  );
}

function CommonFields({
  kind,
  fields,
  set,
  errors,
}: {
  kind: TrainingKind;
  fields: TrainingFields;
  set: <K extends keyof TrainingFields>(key: K, value: TrainingFields[K]) => void;
  errors: Record<string, string[]>;
}) {
  return (
    <>
      <Field label="Metric" path={`${kind}.metric`} errors={errors} hint="key in each JSON line">
        <input className={`${inputClass} font-mono`} value={fields.metric} spellCheck={false} onChange={(e) => set("metric", e.target.value)} aria-invalid={!!errors[`${kind}.metric`]} data-testid="field-training-metric" />
      </Field>
      <Field label="Direction" path={`${kind}.direction`} errors={errors}>
        <select className={inputClass} value={fields.direction} onChange={(e) => set("direction", e.target.value as TrainingFields["direction"])} data-testid="field-training-direction">
          <option value="minimize">minimize</option>
          <option value="maximize">maximize</option>
        </select>
      </Field>
      <Field label="Max epochs" path={`${kind}.maxEpochs`} errors={errors} hint="one full training">
        <input className={`${inputClass} tabular-nums`} inputMode="numeric" value={fields.maxEpochs} onChange={(e) => set("maxEpochs", e.target.value)} aria-invalid={!!errors[`${kind}.maxEpochs`]} data-testid="field-training-max-epochs" />
      </Field>
    </>
  );
}
