"use client";
/**
 * React-query hooks, one per API resource. Live resources poll while the
 * study still changes and stop once it is finished. Client-only.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { CreateStudyInput, CurvesResponse, ObjectiveInfo, StudyAction, StudyDetail, StudySummary } from "@/lib/api/schemas";
import { apiFetch } from "./api";
import { isLive } from "./format";

/** Query keys, so every hook and invalidation names a resource the same way. */
export const queryKeys = {
  objectives: ["objectives"] as const,
  studies: ["studies"] as const,
  study: (id: number) => ["study", id] as const,
  curves: (id: number) => ["study", id, "curves"] as const,
};

const STUDY_POLL_MS = 1000;
const STUDIES_POLL_MS = 2000;

/** The objectives a study can optimize. */
export function useObjectives(initialData?: ObjectiveInfo[]) {
  return useQuery({
    queryKey: queryKeys.objectives,
    queryFn: () => apiFetch<ObjectiveInfo[]>("/api/objectives"),
    initialData,
    staleTime: 60_000,
  });
}

/** Every study; polls every 2 s while any of them is running. */
export function useStudies(initialData?: StudySummary[]) {
  return useQuery({
    queryKey: queryKeys.studies,
    queryFn: () => apiFetch<StudySummary[]>("/api/studies"),
    initialData,
    refetchInterval: (query) => (query.state.data?.some((s) => isLive(s)) ? STUDIES_POLL_MS : false),
  });
}

/** One study with its trials; polls every second while it is live. */
export function useStudy(id: number, initialData?: StudyDetail) {
  return useQuery({
    queryKey: queryKeys.study(id),
    queryFn: () => apiFetch<StudyDetail>(`/api/studies/${id}`),
    initialData,
    refetchInterval: (query) => (isLive(query.state.data?.study) ? STUDY_POLL_MS : false),
  });
}

/** One study's learning curves; polls every second while `live`. */
export function useStudyCurves(id: number, live: boolean, initialData?: CurvesResponse) {
  return useQuery({
    queryKey: queryKeys.curves(id),
    queryFn: () => apiFetch<CurvesResponse>(`/api/studies/${id}/curves`),
    initialData,
    refetchInterval: live ? STUDY_POLL_MS : false,
  });
}

/** Pauses, resumes or stops a study, then refreshes everything that shows it. */
export function useStudyAction(id: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (action: StudyAction) =>
      apiFetch<StudySummary>(`/api/studies/${id}/actions`, { method: "POST", body: JSON.stringify({ action }) }),
    onSuccess: (study) => {
      queryClient.setQueryData<StudyDetail>(queryKeys.study(id), (old) => (old ? { ...old, study } : old));
      void queryClient.invalidateQueries({ queryKey: queryKeys.study(id) });
      void queryClient.invalidateQueries({ queryKey: queryKeys.studies });
    },
  });
}

/** Creates a study; the caller navigates to it. */
export function useCreateStudy() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: CreateStudyInput) =>
      apiFetch<StudySummary>("/api/studies", { method: "POST", body: JSON.stringify(input) }),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.studies });
    },
  });
}
