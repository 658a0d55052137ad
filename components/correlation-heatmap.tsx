"use client";
import { Fragment, useState } from "react";
import type { EffectView, ParamDef, SnapshotView } from "@/lib/api/schemas";
import { formatValue } from "@/lib/client/format";
import { raiseEffect } from "@/lib/client/effects";
import { darkOnDiverging, divergingColor, formatUnit, undirectedColor } from "@/lib/client/units";

const SATURATION = 0.6;
const HATCH = "repeating-linear-gradient(45deg, #f1f5f9 0 4px, #e2e8f0 4px 8px)";

/** The effect of a cell: a parameter's main effect on the diagonal, the pair's interaction off it. */
function effectIndex(snapshot: SnapshotView | null): Map<string, EffectView> {
  const byKey = new Map<string, EffectView>();
  for (const e of snapshot?.effects ?? []) {
    if (e.order === 1) byKey.set(`${e.group[0]}`, e);
    if (e.order === 2) byKey.set(`${Math.min(...e.group)},${Math.max(...e.group)}`, e);
  }
  return byKey;
}

function cellKey(row: number, col: number): string {
  return row === col ? `${row}` : `${Math.min(row, col)},${Math.max(row, col)}`;
}

/** A cell's background, text colour and label. */
function cellLook(effect: EffectView): { background: string; dark: boolean; text: string } {
  const raise = raiseEffect(effect);
  if (raise) {
    const v = raise.value;
    return { background: divergingColor(v, SATURATION), dark: darkOnDiverging(v, SATURATION), text: `${v > 0 ? "+" : v < 0 ? "−" : ""}${Math.abs(v).toFixed(2)}` };
  }
  const s = Math.abs(effect.strength);
  return { background: undirectedColor(s, SATURATION), dark: darkOnDiverging(s, SATURATION), text: `${effect.shape === "interior" ? "∪" : ""}${s.toFixed(2)}` };
}

/** What an effect's shape means, in words and in the parameter's units. */
export function describeShape(effect: EffectView, space: ParamDef[]): string {
  const p = space[effect.group[0]];
  switch (effect.shape) {
    case "interior":
      return effect.vertex !== undefined && p ? `U-shaped (interior optimum near ${p.name} = ${formatUnit(p, effect.vertex)})` : "U-shaped (interior optimum)";
    case "monotone":
      return effect.sign > 0 ? `rising: larger ${p?.name ?? "values"} → higher loss` : `falling: larger ${p?.name ?? "values"} → lower loss`;
    case "categorical":
      return "the loss differs across its choices";
    case "interaction":
      return effect.sign > 0
        ? "raising both together lowers the loss (beyond each one's own effect)"
        : "raising both together raises the loss: raising one while lowering the other lowers it";
  }
}

/** The parameter × parameter grid of one analysis round: main effects on the diagonal, interactions off it, coloured by signed strength. */
export function CorrelationHeatmap({
  space,
  snapshot,
  selected,
  onSelect,
}: {
  space: ParamDef[];
  snapshot: SnapshotView | null;
  selected: [number, number] | null;
  onSelect: (row: number, col: number) => void;
}) {
  const [hover, setHover] = useState<{ row: number; col: number } | null>(null);
  const effects = effectIndex(snapshot);
  const d = space.length;
  const cell = d <= 8 ? 64 : d <= 14 ? 44 : 30;
  // The details panel shows the hovered cell, else the selected one.
  const shown = hover ?? (selected ? { row: selected[0], col: selected[1] } : null);
  const longNames = space.some((p) => p.name.length * 7 > cell);

  return (
    <div className="flex flex-wrap items-start gap-6">
      <div className="max-w-full overflow-x-auto pb-1" onMouseLeave={() => setHover(null)}>
        <div
          className="grid gap-px"
          style={{ gridTemplateColumns: `auto repeat(${d}, ${cell}px)` }}
          data-testid="heatmap"
          data-round={snapshot?.round ?? ""}
          role="grid"
          aria-label="correlation heatmap"
        >
          <div />
          {space.map((p) => (
            <div
              key={p.name}
              className={`flex px-0.5 pb-1 text-[11px] font-medium text-slate-500 ${longNames ? "items-end justify-center" : "items-end justify-center truncate"}`}
              title={p.name}
            >
              <span className={longNames ? "max-h-28 truncate [writing-mode:vertical-rl] rotate-180" : "truncate"}>{p.name}</span>
            </div>
          ))}
          {space.map((rowParam, row) => (
            <Fragment key={rowParam.name}>
              <div className="flex items-center justify-end truncate pr-2 text-right text-xs font-medium text-slate-600" style={{ height: cell, maxWidth: 140 }} title={rowParam.name}>
                {rowParam.name}
              </div>
              {space.map((colParam, col) => {
                const effect = effects.get(cellKey(row, col));
                const isSelected = selected !== null && ((selected[0] === row && selected[1] === col) || (selected[0] === col && selected[1] === row));
                const look = effect ? cellLook(effect) : null;
                return (
                  <button
                    key={colParam.name}
                    type="button"
                    role="gridcell"
                    onClick={() => onSelect(row, col)}
                    onMouseEnter={() => setHover({ row, col })}
                    onFocus={() => setHover({ row, col })}
                    className={`relative grid place-items-center text-[11px] tabular-nums outline-offset-1 transition-shadow hover:z-10 hover:ring-2 hover:ring-slate-900 focus-visible:outline-2 focus-visible:outline-indigo-600 ${
                      isSelected ? "z-10 ring-2 ring-indigo-600" : ""
                    } ${row === col ? "rounded-sm" : ""}`}
                    style={{
                      width: cell,
                      height: cell,
                      background: look ? look.background : HATCH,
                      color: look ? (look.dark ? "white" : "#334155") : "#94a3b8",
                      boxShadow: row === col && effect ? "inset 0 0 0 1px rgba(15,23,42,0.25)" : undefined,
                    }}
                    aria-label={`${rowParam.name} × ${colParam.name}${effect ? `: ${describeShape(effect, space)}, strength ${Math.abs(effect.strength).toFixed(2)}` : ": not enough trials yet"}`}
                    data-testid="heatmap-cell"
                    data-row={rowParam.name}
                    data-col={colParam.name}
                    data-strength={effect ? effect.strength : ""}
                    data-raise={effect ? (raiseEffect(effect)?.value ?? "undirected") : ""}
                    data-significant={effect?.significant ? "true" : "false"}
                  >
                    {look && cell >= 40 && <span>{look.text}</span>}
                    {effect?.significant && (
                      <span className="absolute top-0.5 right-1 text-xs leading-none" aria-hidden>
                        ★
                      </span>
                    )}
                  </button>
                );
              })}
            </Fragment>
          ))}
        </div>
      </div>
      <div className="w-72 space-y-4">
        {shown ? (
          <CellDetails effect={effects.get(cellKey(shown.row, shown.col))} space={space} row={shown.row} col={shown.col} hovering={hover !== null} />
        ) : (
          <p className="rounded-md border border-dashed border-slate-200 px-3 py-2 text-xs text-slate-500">Point at a cell for its numbers; click it for its scatter.</p>
        )}
        <HeatmapLegend />
      </div>
    </div>
  );
}

function CellDetails({ effect, space, row, col, hovering }: { effect: EffectView | undefined; space: ParamDef[]; row: number; col: number; hovering: boolean }) {
  const title = row === col ? space[row].name : `${space[Math.min(row, col)].name} × ${space[Math.max(row, col)].name}`;
  const raise = effect ? raiseEffect(effect) : null;
  return (
    <div className="rounded-md border border-slate-200 bg-slate-50 px-3 py-2 text-xs" data-testid="heatmap-tooltip" aria-live="polite">
      <div className="mb-1 flex items-baseline justify-between gap-2">
        <span className="font-medium text-slate-800">{effect?.label ?? title}</span>
        <span className="text-slate-400">{row === col ? "main effect" : "interaction"}</span>
      </div>
      {!effect ? (
        <p className="text-slate-500">Not enough trials yet: this {row === col ? "parameter" : "pair"} has not been tested.</p>
      ) : (
        <>
          <p className="mb-1.5 text-slate-600">{describeShape(effect, space)}</p>
          <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-0.5 font-mono tabular-nums">
            <dt className="font-sans text-slate-500">{raise ? (row === col ? "raising it" : "raising both") : "strength"}</dt>
            <dd>
              {(raise ? raise.value : Math.abs(effect.strength)).toFixed(3)} <span className="text-slate-400">(R² {effect.partialR2.toFixed(3)})</span>
            </dd>
            {raise && (
              <>
                <dt className="font-sans text-slate-500">90% interval</dt>
                <dd>
                  [{raise.interval[0].toFixed(2)}, {raise.interval[1].toFixed(2)}]
                </dd>
              </>
            )}
            <dt className="font-sans text-slate-500">p</dt>
            <dd>{formatValue(effect.p)}</dd>
            <dt className="font-sans text-slate-500">q (FDR)</dt>
            <dd>
              {formatValue(effect.q)}{" "}
              {effect.significant ? <span className="font-sans text-emerald-700">★ significant</span> : <span className="font-sans text-slate-400">not significant</span>}
            </dd>
            <dt className="font-sans text-slate-500">trials</dt>
            <dd>{effect.n}</dd>
          </dl>
        </>
      )}
      <p className="mt-1.5 text-slate-400">{hovering ? "Click to open the scatter." : "Shown in the scatter below."}</p>
    </div>
  );
}

function HeatmapLegend() {
  const stops = [-0.6, -0.45, -0.3, -0.15, 0, 0.15, 0.3, 0.45, 0.6];
  return (
    <div className="space-y-3 text-xs text-slate-600" data-testid="heatmap-legend">
      <div>
        <div className="mb-1 font-medium text-slate-700">What raising does to the loss</div>
        <div className="flex h-3 overflow-hidden rounded-sm ring-1 ring-slate-200">
          {stops.map((s) => (
            <div key={s} className="flex-1" style={{ background: divergingColor(s, SATURATION) }} />
          ))}
        </div>
        <div className="mt-0.5 flex justify-between tabular-nums text-slate-500">
          <span>−0.6 lowers</span>
          <span>0</span>
          <span>raises +0.6</span>
        </div>
        <p className="mt-1 text-slate-500">
          Blue: the loss falls, red: it rises, when you raise the parameter (diagonal) or both parameters together, beyond each one&apos;s own effect (off the diagonal).
        </p>
      </div>
      <div className="flex items-start gap-2">
        <span className="mt-0.5 h-3 w-5 shrink-0 rounded-sm ring-1 ring-slate-200" style={{ background: undirectedColor(0.45, SATURATION) }} />
        <span>matters, but not one way: a U-shape (∪, best inside the range) or a categorical parameter&apos;s choices</span>
      </div>
      <div className="flex items-center gap-2">
        <span className="grid size-5 place-items-center rounded-sm bg-slate-100 text-xs ring-1 ring-slate-200">★</span>
        significant after FDR control
      </div>
      <div className="flex items-center gap-2">
        <span className="size-5 rounded-sm ring-1 ring-slate-200" style={{ background: HATCH }} />
        not enough trials yet
      </div>
    </div>
  );
}
