import { raceScheduler } from "@/lib/optimizer/schedulers/race";
import { strategyParts } from "@/lib/optimizer/strategy-name";

/** How many curves the race asks for, and how many points per curve (server and client agree on it). */
export const RACE_CURVES = { limit: 200, points: 200 };

/** The rungs the race view shows for a study before its race answers: fifo has only the end, the rest the race's default ladder (as the stored check uses). */
export function defaultRungs(strategy: string, maxEpochs: number): number[] {
  return (strategyParts(strategy)[1] ?? "fifo") === "fifo" ? [maxEpochs] : raceScheduler().rungs(maxEpochs);
}
