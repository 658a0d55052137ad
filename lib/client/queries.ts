"use client";
/**
 * React-query hooks, one per API resource. Live resources poll while the
 * study still changes and stop once it is finished. Client-only.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type {
  AnalysisResponse,
  CreateStudyBody,
  CurvesResponse,
  HistoryResponse,
  ObjectiveInfo,
  RaceResponse,
  RuleChangeResponse,
  ScatterResponse,
  StudyAction,
  StudyDetail,
  StudySummary,
  TrialDetail,
  TrialRow,
  TrialsPage,
  TrialsQuery,
  UserRuleInput,
} from "@/lib/api/schemas";
import { apiFetch } from "./api";
import { isLive } from "./format";

/** Query keys, so every hook and invalidation names a resource the same way. */
export const queryKeys = {
  objectives: ["objectives"] as const,
  studies: ["studies"] as const,
  study: (id: number) => ["study", id] as const,
  curves: (id: number) => ["study", id, "curves"] as const,
  analysis: (id: number) => ["study", id, "analysis"] as const,
  trials: (id: number, query?: TrialsQuery) => (query ? (["study", id, "trials", query] as const) : (["study", id, "trials"] as const)),
  trial: (id: number, trial: number) => ["study", id, "trial", trial] as const,
  scatter: (id: number, x: string, y: string) => ["study", id, "scatter", x, y] as const,
  race: (id: number) => ["study", id, "race"] as const,
  history: (id: number) => ["study", id, "history"] as const,
};

import { RACE_CURVES } from "./race-curves";
export { RACE_CURVES };

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
    queryFn: () => apiFetch<CurvesResponse>(`/api/studies/${id}/curves?limit=${RACE_CURVES.limit}&points=${RACE_CURVES.points}`),
    initialData,
    refetchInterval: live ? STUDY_POLL_MS : false,
  });
}

const poll = (live: boolean, ms = STUDY_POLL_MS) => (live ? ms : false);

/** The sieve's analysis rounds and the study's rules; polls every 2 s while `live`. */
export function useAnalysis(id: number, live: boolean) {
  return useQuery({
    queryKey: queryKeys.analysis(id),
    queryFn: () => apiFetch<AnalysisResponse>(`/api/studies/${id}/analysis`),
    refetchInterval: poll(live, 2000),
  });
}

/** One page of a study's trials, sorted and filtered on the server; keeps the last page on screen while the next loads. */
export function useTrialsPage(id: number, query: TrialsQuery, live: boolean) {
  const search = new URLSearchParams({ sort: query.sort, order: query.order, offset: String(query.offset), limit: String(query.limit) });
  if (query.status) search.set("status", query.status);
  return useQuery({
    queryKey: queryKeys.trials(id, query),
    queryFn: () => apiFetch<TrialsPage>(`/api/studies/${id}/trials?${search}`),
    refetchInterval: poll(live),
    placeholderData: (previous) => previous,
  });
}

/** One trial: its curve, extra metrics and events; polls while the trial runs. */
export function useTrialDetail(id: number, trial: number) {
  return useQuery({
    queryKey: queryKeys.trial(id, trial),
    queryFn: () => apiFetch<TrialDetail>(`/api/studies/${id}/trials/${trial}`),
    refetchInterval: (query) => (query.state.data?.trial.status === "running" ? STUDY_POLL_MS : false),
  });
}

/** Two parameters of every trial (or a sample), with the trials' values. */
export function useScatter(id: number, x: string, y: string, live: boolean) {
  return useQuery({
    queryKey: queryKeys.scatter(id, x, y),
    queryFn: () => apiFetch<ScatterResponse>(`/api/studies/${id}/scatter?${new URLSearchParams({ x, y, limit: "2000" })}`),
    refetchInterval: poll(live, 2000),
    placeholderData: (previous) => (previous && previous.x === x && previous.y === y ? previous : undefined),
  });
}

/** The race's rungs and the rank agreement between them. */
export function useRace(id: number, live: boolean) {
  return useQuery({
    queryKey: queryKeys.race(id),
    queryFn: () => apiFetch<RaceResponse>(`/api/studies/${id}/race`),
    refetchInterval: poll(live, 2000),
  });
}

/** The best value so far against the epochs spent. */
export function useHistory(id: number, live: boolean) {
  return useQuery({
    queryKey: queryKeys.history(id),
    queryFn: () => apiFetch<HistoryResponse>(`/api/studies/${id}/history`),
    refetchInterval: poll(live),
  });
}

/** Everything a rule change can alter: the analysis, the subspace's scatter, the trials. */
function invalidateStudy(queryClient: ReturnType<typeof useQueryClient>, id: number) {
  void queryClient.invalidateQueries({ queryKey: queryKeys.study(id) });
}

/** Adds a user rule (pin, range or exclude). */
export function useAddRule(id: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (rule: UserRuleInput) => apiFetch<RuleChangeResponse>(`/api/studies/${id}/rules`, { method: "POST", body: JSON.stringify(rule) }),
    onSuccess: () => invalidateStudy(queryClient, id),
  });
}

/** Accepts or rejects a rule; rejecting a user rule withdraws it. */
export function useDecideRule(id: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ ruleId, status }: { ruleId: string; status: "active" | "rejected" }) =>
      apiFetch<RuleChangeResponse>(`/api/studies/${id}/rules/${encodeURIComponent(ruleId)}`, { method: "PATCH", body: JSON.stringify({ status }) }),
    onSuccess: () => invalidateStudy(queryClient, id),
  });
}

/** Stops running trials, one request each. */
export function useStopTrials(id: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (numbers: number[]) =>
      Promise.all(numbers.map((n) => apiFetch<TrialRow>(`/api/studies/${id}/trials/${n}/stop`, { method: "POST" }))),
    onSettled: () => invalidateStudy(queryClient, id),
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
    mutationFn: (input: CreateStudyBody) =>
      apiFetch<StudySummary>("/api/studies", { method: "POST", body: JSON.stringify(input) }),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.studies });
    },
  });
}
