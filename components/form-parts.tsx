import type { ReactNode } from "react";

export const baseInput =
  "rounded-md border-0 bg-white px-3 py-1.5 text-sm text-slate-900 shadow-sm ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-indigo-600 focus:outline-none aria-[invalid=true]:ring-rose-500";
export const inputClass = `block w-full ${baseInput}`;

/** A titled card of the new-study form. */
export function Section({ title, description, children }: { title: string; description: string; children: ReactNode }) {
  return (
    <section className="rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
      <h2 className="text-base font-semibold text-slate-900">{title}</h2>
      <p className="mt-0.5 text-sm text-slate-500">{description}</p>
      <div className="mt-4">{children}</div>
    </section>
  );
}

/** A labelled input with the errors filed under its API path (and any extra paths) below it. */
export function Field({
  label,
  path,
  errors,
  hint,
  extraPaths = [],
  className = "",
  children,
}: {
  label: string;
  path: string;
  errors: Record<string, string[]>;
  hint?: string;
  extraPaths?: string[];
  className?: string;
  children: ReactNode;
}) {
  const messages = [path, ...extraPaths].flatMap((p) => (errors[p] ?? []).map((message) => ({ p, message })));
  return (
    <label className={`block ${className}`}>
      <span className="flex items-baseline justify-between gap-2 text-sm font-medium text-slate-700">
        {label}
        {hint && <span className="text-xs font-normal text-slate-400">{hint}</span>}
      </span>
      <div className="mt-1">{children}</div>
      <FieldErrors label={label.toLowerCase()} messages={messages} />
    </label>
  );
}

/** A checkbox with a bold label and a line of explanation under it. */
export function CheckboxField({ label, hint, checked, onChange, testId }: { label: string; hint: string; checked: boolean; onChange: (checked: boolean) => void; testId: string }) {
  return (
    <label className="flex items-start gap-2 text-sm text-slate-700">
      <input type="checkbox" className="mt-0.5 accent-indigo-600" checked={checked} onChange={(e) => onChange(e.target.checked)} data-testid={testId} />
      <span>
        <span className="font-medium">{label}</span>
        <span className="block text-xs text-slate-500">{hint}</span>
      </span>
    </label>
  );
}

/** Error lines, each tagged with its path for tests. */
export function FieldErrors({ label, messages }: { label: string; messages: { p: string; message: string }[] }) {
  return messages.map(({ p, message }) => (
    <span key={`${p}:${message}`} className="mt-1 block text-xs text-rose-600" data-testid="field-error" data-path={p}>
      {label}: {message}
    </span>
  ));
}
