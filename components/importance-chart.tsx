"use client";
import type { EffectView, ParamDef } from "@/lib/api/schemas";
import { formatValue } from "@/lib/client/format";
import { describeShape } from "./correlation-heatmap";

/** A main effect's importance, √(partial R²), and its 90% bootstrap interval, both as magnitudes in [0, 1]. */
export function importanceOf(effect: EffectView): { value: number; low: number; high: number } {
  const value = Math.abs(effect.strength);
  const ends = effect.interval.filter(Number.isFinite).map(Math.abs);
  // Both ends carry the effect's sign, so their magnitudes bound the importance. With few trials the
  // bootstrap interval of √R² can lie wholly above the estimate (its small-sample bias); it is drawn as it is.
  const [low, high] = ends.length === 2 ? [Math.min(...ends), Math.max(...ends)] : [value, value];
  return { value, low, high };
}

/**
 * Each parameter's importance: how much of the loss ranks it explains on its
 * own (√ partial R², a U-shape counted like a trend), with its 90% bootstrap
 * interval, most important first; ★ marks those significant after FDR control.
 */
export function ImportanceChart({ effects, space }: { effects: readonly EffectView[]; space: ParamDef[] }) {
  const main = effects
    .filter((e) => e.order === 1)
    .map((e) => ({ effect: e, ...importanceOf(e) }))
    .sort((a, b) => b.value - a.value);
  const top = Math.max(0.2, ...main.map((m) => m.high));
  const scale = Math.min(1, Math.ceil(top * 10) / 10);
  const ticks = Array.from({ length: Math.round(scale * 10) + 1 }, (_, i) => i / 10).filter((_, i, all) => all.length <= 6 || i % 2 === 0);
  const at = (v: number) => `${(Math.min(v, scale) / scale) * 100}%`;
  return (
    <div data-testid="importance-chart" data-count={main.length}>
      <div className="grid grid-cols-[minmax(4rem,9rem)_1fr_4.5rem] items-center gap-x-3 gap-y-1.5 text-xs">
        {main.map(({ effect, value, low, high }) => (
          <div key={effect.label} className="contents" data-testid="importance-row" data-param={effect.label} data-importance={value} data-significant={effect.significant}>
            <span className="truncate text-right font-medium text-slate-700" title={effect.label}>
              {effect.label}
            </span>
            <div className="relative h-4 rounded-sm bg-slate-50 ring-1 ring-slate-100" title={`${describeShape(effect, space)}; importance ${value.toFixed(2)}, 90% interval [${low.toFixed(2)}, ${high.toFixed(2)}], q = ${formatValue(effect.q)}`}>
              <div className={`absolute inset-y-0.5 left-0 rounded-sm ${effect.significant ? "bg-indigo-500" : "bg-slate-300"}`} style={{ width: at(value) }} />
              <div className="absolute top-1/2 h-px bg-slate-800" style={{ left: at(low), width: `calc(${at(high)} - ${at(low)})` }} />
              <div className="absolute top-0.5 bottom-0.5 w-px bg-slate-800" style={{ left: at(low) }} />
              <div className="absolute top-0.5 bottom-0.5 w-px bg-slate-800" style={{ left: at(high) }} />
            </div>
            <span className="font-mono tabular-nums text-slate-600">
              {value.toFixed(2)}
              {effect.significant && <span className="ml-1 font-sans text-indigo-600">★</span>}
            </span>
          </div>
        ))}
        <span />
        <div className="relative h-4 text-[10px] tabular-nums text-slate-400">
          {ticks.map((t) => (
            <span key={t} className="absolute -translate-x-1/2" style={{ left: at(t) }}>
              {t.toFixed(1)}
            </span>
          ))}
        </div>
        <span />
      </div>
      <p className="mt-2 text-xs text-slate-500">
        Importance: √(share of the loss ranks the parameter explains on its own), 0 to 1; the whiskers are its 90% bootstrap interval. Indigo and ★: significant after
        false-discovery-rate control; grey: not distinguishable from noise yet.
      </p>
    </div>
  );
}
