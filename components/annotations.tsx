"use client";
import { useState } from "react";
import type { AnnotationInput } from "@/lib/api/schemas";
import { inputClass } from "./form-parts";
import { SmallButton } from "./small-button";

/** Tags typed as one line, separated by commas or spaces. */
export function parseTags(text: string): string[] {
  return [...new Set(text.split(/[,\s]+/).map((t) => t.trim()).filter((t) => t !== ""))];
}

/** A row of tag chips; each may be a button (to filter by it). */
export function TagChips({ tags, onPick, active }: { tags: string[]; onPick?: (tag: string) => void; active?: string | null }) {
  if (tags.length === 0) return null;
  return (
    <span className="inline-flex flex-wrap gap-1" data-testid="tags">
      {tags.map((tag) =>
        onPick ? (
          <button
            key={tag}
            type="button"
            onClick={() => onPick(tag)}
            className={`rounded-full px-2 py-0.5 text-xs font-medium ${active === tag ? "bg-indigo-600 text-white" : "bg-indigo-50 text-indigo-700 hover:bg-indigo-100"}`}
            data-testid="tag"
          >
            {tag}
          </button>
        ) : (
          <span key={tag} className="rounded-full bg-indigo-50 px-2 py-0.5 text-xs font-medium text-indigo-700" data-testid="tag">
            {tag}
          </span>
        ),
      )}
    </span>
  );
}

/**
 * Notes and tags of a study or a trial: shown as text and chips, edited in
 * place; `save` sends both, and its error is shown beside the fields.
 */
export function Annotations({
  notes,
  tags,
  save,
  pending,
  error,
  what,
}: {
  notes: string;
  tags: string[];
  save: (input: AnnotationInput, done: () => void) => void;
  pending: boolean;
  error: Error | null;
  what: string;
}) {
  const [editing, setEditing] = useState(false);
  const [draftNotes, setDraftNotes] = useState(notes);
  const [draftTags, setDraftTags] = useState(tags.join(", "));
  const start = () => {
    setDraftNotes(notes);
    setDraftTags(tags.join(", "));
    setEditing(true);
  };
  if (!editing) {
    return (
      <div className="space-y-2" data-testid="annotations">
        <TagChips tags={tags} />
        {notes ? (
          <p className="whitespace-pre-wrap break-words text-sm text-slate-700" data-testid="notes-text">
            {notes}
          </p>
        ) : (
          <p className="text-sm text-slate-400" data-testid="notes-empty">
            No notes on this {what}.
          </p>
        )}
        <SmallButton tone="neutral" onClick={start} testId="btn-edit-notes">
          Edit notes and tags
        </SmallButton>
      </div>
    );
  }
  return (
    <form
      className="space-y-2"
      data-testid="annotations-form"
      onSubmit={(event) => {
        event.preventDefault();
        save({ notes: draftNotes, tags: parseTags(draftTags) }, () => setEditing(false));
      }}
    >
      <label className="block text-sm font-medium text-slate-700">
        Notes
        <textarea className={`${inputClass} mt-1 min-h-24 font-normal`} value={draftNotes} onChange={(e) => setDraftNotes(e.target.value)} data-testid="field-notes" />
      </label>
      <label className="block text-sm font-medium text-slate-700">
        Tags <span className="font-normal text-slate-400">separated by commas or spaces</span>
        <input className={`${inputClass} mt-1 font-normal`} value={draftTags} onChange={(e) => setDraftTags(e.target.value)} data-testid="field-tags" />
      </label>
      {error && (
        <p className="text-xs text-rose-600" data-testid="annotations-error">
          {error.message}
        </p>
      )}
      <div className="flex gap-2">
        <SmallButton tone="primary" type="submit" disabled={pending} testId="btn-save-notes">
          Save
        </SmallButton>
        <SmallButton tone="neutral" disabled={pending} onClick={() => setEditing(false)} testId="btn-cancel-notes">
          Cancel
        </SmallButton>
      </div>
    </form>
  );
}
