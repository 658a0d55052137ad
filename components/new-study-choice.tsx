"use client";
import { useState } from "react";
import type { ObjectiveInfo } from "@/lib/api/schemas";
import { NewStudyForm } from "./new-study-form";
import { StudyFileForm } from "./study-file-form";

/** The two ways to launch a study: fill in the form, or give a study file (the CLI's and the API's dialect). */
export function NewStudyChoice({ objectives }: { objectives: ObjectiveInfo[] }) {
  const [mode, setMode] = useState<"form" | "file">("form");
  const tab = (value: "form" | "file", label: string) => (
    <button
      type="button"
      role="tab"
      aria-selected={mode === value}
      onClick={() => setMode(value)}
      className={`-mb-px border-b-2 px-4 py-2 text-sm font-medium ${mode === value ? "border-indigo-600 text-indigo-700" : "border-transparent text-slate-500 hover:text-slate-800"}`}
      data-testid={`new-study-mode-${value}`}
    >
      {label}
    </button>
  );
  return (
    <div className="space-y-6">
      <nav className="flex gap-1 border-b border-slate-200" role="tablist" aria-label="How to define the study">
        {tab("form", "Fill in")}
        {tab("file", "From file")}
      </nav>
      {mode === "form" ? <NewStudyForm objectives={objectives} /> : <StudyFileForm />}
    </div>
  );
}
