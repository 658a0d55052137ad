/** The compare page while its studies are read: the chart's and the table's outlines. */
export default function Loading() {
  return (
    <div className="animate-pulse space-y-6" data-testid="compare-loading" aria-busy="true">
      <div className="h-8 w-64 rounded bg-slate-200" />
      <div className="h-[420px] rounded-lg bg-slate-200" />
      <div className="h-40 rounded-lg bg-slate-200" />
    </div>
  );
}
