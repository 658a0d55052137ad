"use client";
import { useQuery } from "@tanstack/react-query";
import type { CompareResponse } from "@/lib/api/compare-schema";
import { apiFetch } from "./api";
import { isLive } from "./format";

const COMPARE_POLL_MS = 2000;

/** Studies side by side (`ids` in the order shown); polls every 2 s while any of them is live. */
export function useComparison(ids: readonly number[], initialData?: CompareResponse) {
  return useQuery({
    queryKey: ["compare", ...ids] as const,
    queryFn: () => apiFetch<CompareResponse>(`/api/compare?ids=${ids.join(",")}`),
    initialData,
    enabled: ids.length > 0,
    refetchInterval: (query) => (query.state.data?.series.some((s) => isLive(s.study)) ? COMPARE_POLL_MS : false),
  });
}
