"use client";
/** React-query hooks of the exploration views: the effect tests on stored trials, and the trials as points. Client-only. */
import { useQuery } from "@tanstack/react-query";
import type { EffectsResponse, PointsResponse } from "@/lib/api/explore-schemas";
import { apiFetch } from "./api";

/** Trials a view asks for at most; beyond it the server sends the best half and an even sample of the rest. */
export const POINTS_LIMIT = 2000;

export const exploreKeys = {
  effects: (id: number, epoch?: number) => ["study", id, "effects", epoch ?? "auto"] as const,
  points: (id: number) => ["study", id, "points"] as const,
};

/** The effect tests on the study's stored trials; polls every 5 s while `live` (the server recomputes only as the trials grow). */
export function useStoredEffects(id: number, live: boolean, enabled = true, epoch?: number) {
  return useQuery({
    queryKey: exploreKeys.effects(id, epoch),
    queryFn: () => apiFetch<EffectsResponse>(`/api/studies/${id}/effects${epoch === undefined ? "" : `?epoch=${epoch}`}`),
    placeholderData: (previous) => previous,
    refetchInterval: live ? 5000 : false,
    enabled,
  });
}

/** Every trial (or a bounded sample) as a point; polls every 5 s while `live` (up to 2,000 trials with their params: the heaviest poll of the page). */
export function useTrialPoints(id: number, live: boolean) {
  return useQuery({
    queryKey: exploreKeys.points(id),
    queryFn: () => apiFetch<PointsResponse>(`/api/studies/${id}/points?limit=${POINTS_LIMIT}`),
    refetchInterval: live ? 5000 : false,
    placeholderData: (previous) => previous,
  });
}
