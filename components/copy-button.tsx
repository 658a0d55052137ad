"use client";
import { useState } from "react";

/** Copies text to the clipboard, or selects it for a manual copy where the clipboard is not available (plain HTTP). */
export function CopyButton({ text, target, testId }: { text: string; target: () => HTMLElement | null; testId: string }) {
  const [state, setState] = useState<"idle" | "copied" | "selected">("idle");
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setState("copied");
    } catch {
      const element = target();
      if (element) window.getSelection()?.selectAllChildren(element);
      setState("selected");
    }
  };
  return (
    <button
      type="button"
      onClick={() => void copy()}
      className="shrink-0 rounded-md bg-white px-2.5 py-1 text-xs font-medium text-slate-700 shadow-sm ring-1 ring-inset ring-slate-300 hover:bg-slate-50"
      data-testid={testId}
    >
      {state === "copied" ? "Copied" : state === "selected" ? "Selected — press Ctrl+C" : "Copy"}
    </button>
  );
}
