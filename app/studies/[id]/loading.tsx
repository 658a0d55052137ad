/** The study page's loading state: the shape of the page, pulsing. */
export default function StudyLoading() {
  return (
    <div className="animate-pulse space-y-6" data-testid="study-loading" aria-busy="true">
      <div className="h-8 w-72 rounded bg-slate-200" />
      <div className="grid gap-4 md:grid-cols-3">
        <div className="h-32 rounded-lg bg-slate-200" />
        <div className="h-32 rounded-lg bg-slate-200" />
        <div className="h-32 rounded-lg bg-slate-200" />
      </div>
      <div className="h-96 rounded-lg bg-slate-200" />
    </div>
  );
}
