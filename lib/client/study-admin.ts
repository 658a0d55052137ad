"use client";
/**
 * React-query mutations for what users do with a study after it ran: notes
 * and tags, a larger budget, deletion; and study files (preview, launch).
 */
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { AnnotationInput, StudyDetail, StudyPreview, StudySummary, TrialRow } from "@/lib/api/schemas";
import { apiFetch } from "./api";
import { queryKeys } from "./queries";

/** Puts a changed summary into the study's cache and refreshes the study and the list. */
function useStudyChanged(id: number) {
  const queryClient = useQueryClient();
  return (study: StudySummary) => {
    queryClient.setQueryData<StudyDetail>(queryKeys.study(id), (old) => (old ? { ...old, study } : old));
    void queryClient.invalidateQueries({ queryKey: queryKeys.study(id) });
    void queryClient.invalidateQueries({ queryKey: queryKeys.studies });
  };
}

/** Sets a study's notes and/or tags. */
export function useAnnotateStudy(id: number) {
  const changed = useStudyChanged(id);
  return useMutation({
    mutationFn: (input: AnnotationInput) => apiFetch<StudySummary>(`/api/studies/${id}`, { method: "PATCH", body: JSON.stringify(input) }),
    onSuccess: changed,
  });
}

/** Sets a trial's notes and/or tags. */
export function useAnnotateTrial(id: number, number: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: AnnotationInput) => apiFetch<TrialRow>(`/api/studies/${id}/trials/${number}`, { method: "PATCH", body: JSON.stringify(input) }),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.trial(id, number) });
      void queryClient.invalidateQueries({ queryKey: queryKeys.trials(id) });
    },
  });
}

/** Raises a finished study's budget; it goes on running. */
export function useExtendBudget(id: number) {
  const changed = useStudyChanged(id);
  return useMutation({
    mutationFn: (value: number) => apiFetch<StudySummary>(`/api/studies/${id}/budget`, { method: "POST", body: JSON.stringify({ value }) }),
    onSuccess: changed,
  });
}

/** Deletes a study; the caller leaves its page. */
export function useDeleteStudy(id: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => apiFetch<{ id: number; checkpoints: string }>(`/api/studies/${id}`, { method: "DELETE" }),
    onSuccess: () => {
      queryClient.removeQueries({ queryKey: queryKeys.study(id) });
      void queryClient.invalidateQueries({ queryKey: queryKeys.studies });
    },
  });
}

/** Checks a study file on the server: the study it would make, or its problems with their lines. */
export function usePreviewStudyFile() {
  return useMutation({
    mutationFn: (studyFile: string) => apiFetch<StudyPreview>("/api/studies", { method: "POST", body: JSON.stringify({ studyFile, dryRun: true }) }),
  });
}

/** Creates and starts the study a file defines. */
export function useCreateStudyFromFile() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (studyFile: string) => apiFetch<StudySummary>("/api/studies", { method: "POST", body: JSON.stringify({ studyFile }) }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: queryKeys.studies }),
  });
}
