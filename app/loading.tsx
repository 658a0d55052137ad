/** The loading state while a page's data is read. */
export default function Loading() {
  return (
    <div className="animate-pulse space-y-4" data-testid="page-loading" aria-busy="true">
      <div className="h-8 w-64 rounded bg-slate-200" />
      <div className="h-4 w-96 rounded bg-slate-200" />
      <div className="h-72 rounded-lg bg-slate-200" />
    </div>
  );
}
