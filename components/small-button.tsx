import type { ReactNode } from "react";

const TONES = {
  primary: "bg-indigo-600 text-white hover:bg-indigo-500",
  neutral: "bg-white text-slate-700 ring-1 ring-inset ring-slate-300 hover:bg-slate-50",
  danger: "bg-white text-rose-700 ring-1 ring-inset ring-rose-300 hover:bg-rose-50",
} as const;

/** The small action button of rule rows and notices. */
export function SmallButton({
  tone,
  type = "button",
  disabled,
  onClick,
  testId,
  size = "sm",
  children,
}: {
  tone: keyof typeof TONES;
  type?: "button" | "submit";
  disabled?: boolean;
  onClick?: () => void;
  testId: string;
  /** "md" matches the study header's buttons (Pause, Stop). */
  size?: "sm" | "md";
  children: ReactNode;
}) {
  return (
    <button type={type} disabled={disabled} onClick={onClick} className={`rounded-md px-3 ${size === "md" ? "py-1.5" : "py-1"} text-sm font-medium shadow-sm disabled:opacity-50 ${TONES[tone]}`} data-testid={testId}>
      {children}
    </button>
  );
}
