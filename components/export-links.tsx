/** Downloads of a study's trials and measurements, as plain links to the export endpoint. */
export function ExportLinks({ studyId }: { studyId: number }) {
  const href = (format: "csv" | "json", what: "trials" | "measurements") => `/api/studies/${studyId}/export?format=${format}&what=${what}`;
  const link = "rounded px-1.5 py-0.5 font-medium text-indigo-600 hover:bg-indigo-50 hover:text-indigo-500";
  return (
    <div className="flex items-center gap-1 text-xs text-slate-500" data-testid="export-links">
      <span className="mr-1">Export</span>
      <span>trials</span>
      <a className={link} href={href("csv", "trials")} download data-testid="export-csv">
        CSV
      </a>
      <a className={link} href={href("json", "trials")} download data-testid="export-json">
        JSON
      </a>
      <span className="ml-2">measurements</span>
      <a className={link} href={href("csv", "measurements")} download data-testid="export-measurements-csv">
        CSV
      </a>
      <a className={link} href={href("json", "measurements")} download data-testid="export-measurements-json">
        JSON
      </a>
    </div>
  );
}
