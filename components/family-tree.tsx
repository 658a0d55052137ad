"use client";
/**
 * Warm starts and schedule branches as a family tree: each trial that
 * started from another's checkpoint hangs under its parent, with the epoch
 * it started from.
 */
import Link from "next/link";
import type { TrialRow } from "@/lib/api/schemas";
import { formatValue } from "@/lib/client/format";

type Node = { trial: TrialRow; children: Node[] };

/** The forest of trials that have or are a parent, roots first by number. */
export function familyForest(trials: readonly TrialRow[]): Node[] {
  const byNumber = new Map(trials.map((t) => [t.number, { trial: t, children: [] as Node[] }]));
  const roots: Node[] = [];
  for (const node of byNumber.values()) {
    const parent = node.trial.parent === null ? undefined : byNumber.get(node.trial.parent);
    if (parent) parent.children.push(node);
    else if (node.trial.parent !== null || trials.some((t) => t.parent === node.trial.number)) roots.push(node);
  }
  const sort = (nodes: Node[]) => {
    nodes.sort((a, b) => a.trial.number - b.trial.number);
    nodes.forEach((n) => sort(n.children));
  };
  sort(roots);
  return roots;
}

function Branch({ node, studyId, depth }: { node: Node; studyId: number; depth: number }) {
  const t = node.trial;
  return (
    <li data-testid="family-node" data-trial-number={t.number}>
      <div className="flex items-baseline gap-2" style={{ paddingLeft: depth * 16 }}>
        {depth > 0 && <span className="text-slate-300">└</span>}
        <Link href={`/studies/${studyId}/trials/${t.number}`} className="font-medium text-indigo-600 hover:underline">
          #{t.number}
        </Link>
        {t.parent !== null && <span className="text-slate-400">from #{t.parent} at epoch {t.startEpoch}</span>}
        <span className="ml-auto font-mono tabular-nums text-slate-700">{formatValue(t.bestValue)}</span>
      </div>
      {node.children.length > 0 && (
        <ul>
          {node.children.map((c) => (
            <Branch key={c.trial.number} node={c} studyId={studyId} depth={depth + 1} />
          ))}
        </ul>
      )}
    </li>
  );
}

/** The family tree of a study's warm starts and schedule branches (among the trials given). */
export function FamilyTree({ trials, studyId }: { trials: readonly TrialRow[]; studyId: number }) {
  const forest = familyForest(trials);
  if (forest.length === 0) {
    return <p className="text-sm text-slate-500">No warm starts or schedule branches yet. Objectives that checkpoint (the built-in MLPs) can branch.</p>;
  }
  return (
    <ul className="max-h-56 space-y-1 overflow-auto pr-1 text-xs" data-testid="family-tree">
      {forest.map((n) => (
        <Branch key={n.trial.number} node={n} studyId={studyId} depth={0} />
      ))}
    </ul>
  );
}
