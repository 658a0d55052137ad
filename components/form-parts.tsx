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

/** Error lines, each tagged with its path for tests. */
export function FieldErrors({ label, messages }: { label: string; messages: { p: string; message: string }[] }) {
  return messages.map(({ p, message }) => (
    <span key={`${p}:${message}`} className="mt-1 block text-xs text-rose-600" data-testid="field-error" data-path={p}>
      {label}: {message}
    </span>
  ));
}
