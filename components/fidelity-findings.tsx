"use client";

import type { FidelityEffect } from "@/lib/optimizer/analysis/fidelity";

/** Parameters whose effect reverses with the budget, as the sieve's round found them. */
export function FidelityFindings({ findings, note }: { findings: readonly FidelityEffect[] | undefined; note?: string }) {
  if (!findings || findings.length === 0) return null;
  return (
    <div className="mt-4 rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900" data-testid="fidelity-findings">
      <p className="font-medium">Changes with the training budget</p>
      <ul className="mt-1 list-disc space-y-0.5 pl-5">
        {findings.map((f) => (
          <li key={f.param} data-testid="fidelity-finding" data-param={f.param}>
            {f.summary}
          </li>
        ))}
      </ul>
      <p className="mt-1 text-xs text-amber-800">{note ?? "The sieve narrows only on fidelities whose ranks predict the end, so these early trends do not shrink the space."}</p>
    </div>
  );
}
