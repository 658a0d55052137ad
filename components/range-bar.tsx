"use client";
import { useEffect, useRef, useState, type PointerEvent } from "react";
import type { ParamDef } from "@/lib/api/schemas";
import { formatParam } from "@/lib/client/format";
import { formatUnit, unitOf, unitTicks, unitToValue } from "@/lib/client/units";

/** The interval of values a dragged span [z0, z1] of a numeric parameter stands for, rounded for people; null when empty. */
export function rangeOf(p: ParamDef, z0: number, z1: number): [number, number] | null {
  if (p.type === "categorical") return null;
  const a = Math.max(0, Math.min(z0, z1));
  const b = Math.min(1, Math.max(z0, z1));
  let low = unitToValue(p, a);
  let high = unitToValue(p, b);
  if (p.type === "int") {
    low = Math.max(p.low, Math.round(low));
    high = Math.min(p.high, Math.round(high));
  } else {
    low = Math.max(p.low, Number(low.toPrecision(3)));
    high = Math.min(p.high, Number(high.toPrecision(3)));
  }
  return low <= high ? [low, high] : null;
}

/**
 * A parameter's full range as a bar (log scale where log), its current range
 * highlighted and a pinned value marked; dragging across it selects a range.
 */
export function RangeBar({
  param,
  range,
  pinned,
  proposed = [],
  disabled,
  onSelect,
}: {
  param: ParamDef;
  range: [number, number];
  pinned: number | string | boolean | undefined;
  /** Proposed slabs on this parameter alone, drawn dashed until accepted. */
  proposed?: { id: string; span: [number, number] }[];
  disabled: boolean;
  onSelect: (low: number, high: number) => void;
}) {
  const barRef = useRef<HTMLDivElement>(null);
  const [drag, setDrag] = useState<[number, number] | null>(null);
  const numeric = param.type !== "categorical";
  // Ticks are thinned to what the bar's width holds: labels of ~6 px a character, apart by a gap.
  const [width, setWidth] = useState(480);
  useEffect(() => {
    const el = barRef.current;
    if (!el) return;
    const observer = new ResizeObserver(([entry]) => setWidth(entry.contentRect.width));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  const longest = Math.max(1, ...unitTicks(param, 0).map((t) => t.label.length));
  const ticks = unitTicks(param, Math.max(0.05, (longest * 6 + 10) / Math.max(1, width)));
  const pinZ = pinned === undefined ? Number.NaN : unitOf(param, pinned);
  const [lo, hi] = range;
  const point = hi - lo < 1e-9;

  const unitAt = (event: PointerEvent<HTMLDivElement>) => {
    const rect = barRef.current!.getBoundingClientRect();
    return Math.min(1, Math.max(0, (event.clientX - rect.left) / rect.width));
  };
  const onDown = (event: PointerEvent<HTMLDivElement>) => {
    if (!numeric || disabled || event.button !== 0) return;
    event.currentTarget.setPointerCapture(event.pointerId);
    const z = unitAt(event);
    setDrag([z, z]);
  };
  const onMove = (event: PointerEvent<HTMLDivElement>) => {
    if (!drag) return;
    const z = unitAt(event);
    setDrag((d) => (d ? [d[0], z] : d));
  };
  const onUp = () => {
    if (!drag) return;
    const [a, b] = drag;
    setDrag(null);
    if (Math.abs(b - a) < 0.02) return;
    const values = rangeOf(param, a, b);
    if (values) onSelect(values[0], values[1]);
  };
  const selection = drag ? rangeOf(param, drag[0], drag[1]) : null;

  return (
    <div className="min-w-0 pb-4">
      <div
        ref={barRef}
        className={`relative h-7 rounded bg-slate-100 ring-1 ring-inset ring-slate-200 select-none touch-none ${numeric && !disabled ? "cursor-col-resize" : ""}`}
        onPointerDown={onDown}
        onPointerMove={onMove}
        onPointerUp={onUp}
        onPointerCancel={() => setDrag(null)}
        title={numeric ? `Drag to restrict ${param.name} to a range` : undefined}
        data-testid={`range-bar-${param.name}`}
        data-range-low={lo}
        data-range-high={hi}
      >
        {param.type === "categorical" &&
          param.choices.slice(1).map((_, i) => (
            <div key={i} className="absolute inset-y-0 w-px bg-white" style={{ left: `${((i + 1) / param.choices.length) * 100}%` }} />
          ))}
        {!point && (
          <div
            className="absolute inset-y-0.5 rounded-sm bg-indigo-500/25 ring-1 ring-inset ring-indigo-500"
            style={{ left: `${lo * 100}%`, width: `${(hi - lo) * 100}%` }}
            data-testid="current-range"
            title={`current range: ${formatUnit(param, lo)} … ${formatUnit(param, hi)}`}
          />
        )}
        {proposed.map(({ id, span: [a, b] }) => (
          <div
            key={id}
            className="pointer-events-none absolute -inset-y-0.5 rounded-sm border-2 border-dashed border-amber-500 bg-amber-400/10"
            style={{ left: `${a * 100}%`, width: `${(b - a) * 100}%` }}
            title={`proposed: ${id}`}
            data-testid="proposed-range"
          />
        ))}
        {Number.isFinite(pinZ) && (
          <div className="absolute -inset-y-1 w-0.5 -translate-x-1/2 bg-slate-900" style={{ left: `${pinZ * 100}%` }} title={`pinned at ${formatParam(pinned!)}`} data-testid={`pin-marker-${param.name}`}>
            <div className="absolute -top-1 left-1/2 size-2 -translate-x-1/2 rotate-45 bg-slate-900" />
          </div>
        )}
        {drag && (
          <div
            className="absolute inset-y-0 border-2 border-dashed border-indigo-600 bg-indigo-600/15"
            style={{ left: `${Math.min(...drag) * 100}%`, width: `${Math.abs(drag[1] - drag[0]) * 100}%` }}
            data-testid="range-selection"
          />
        )}
        {drag && selection && (
          <div className="pointer-events-none absolute -top-7 z-10 -translate-x-1/2 rounded bg-slate-900 px-1.5 py-0.5 text-xs whitespace-nowrap text-white tabular-nums" style={{ left: `${((drag[0] + drag[1]) / 2) * 100}%` }}>
            {formatParam(selection[0])} … {formatParam(selection[1])}
          </div>
        )}
      </div>
      <div className="relative mt-0.5 h-3 text-[10px] text-slate-500">
        {ticks.map((t) => (
          <span
            key={t.label}
            // Labels at the ends are anchored inwards, so they stay within the bar's width.
            className={`absolute tabular-nums whitespace-nowrap ${t.z < 0.03 ? "" : t.z > 0.97 ? "-translate-x-full" : "-translate-x-1/2"}`}
            style={{ left: `${t.z * 100}%` }}
          >
            {t.label}
          </span>
        ))}
      </div>
    </div>
  );
}
