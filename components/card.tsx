import type { ReactNode } from "react";

/** A white panel with a small grey title, the dashboard's unit of layout. */
export function Card({
  title,
  subtitle,
  flush = false,
  actions,
  children,
  testId,
}: {
  title: string;
  subtitle?: ReactNode;
  flush?: boolean;
  actions?: ReactNode;
  children: ReactNode;
  testId?: string;
}) {
  return (
    <section className="overflow-hidden rounded-lg border border-slate-200 bg-white shadow-sm" data-testid={testId}>
      <header className={`flex flex-wrap items-baseline justify-between gap-3 ${flush ? "border-b border-slate-200 px-5 py-3" : "px-5 pt-4"}`}>
        <h2 className="text-sm font-medium text-slate-500">{title}</h2>
        <div className="flex items-baseline gap-3">
          {subtitle && <span className="text-xs text-slate-400">{subtitle}</span>}
          {actions}
        </div>
      </header>
      <div className={flush ? "" : "px-5 pt-3 pb-5"}>{children}</div>
    </section>
  );
}

/** A dashed box that says why a chart is empty. */
export function EmptyState({ children, testId, className = "h-48" }: { children: ReactNode; testId?: string; className?: string }) {
  return (
    <div className={`grid place-items-center rounded-md border border-dashed border-slate-200 px-6 text-center text-sm text-slate-500 ${className}`} data-testid={testId}>
      <div>{children}</div>
    </div>
  );
}
