/** How the dashboard reads the analysis's effects. Pure; browser-safe. */
import type { EffectView } from "@/lib/api/schemas";

/**
 * What raising a cell's parameter (diagonal) or both of its parameters together
 * (off the diagonal) does to the loss, as a signed strength: + raises it, −
 * lowers it; null when the effect has no one direction (a U-shape, choices).
 * The analysis signs an interaction + when raising both lowers the loss, so
 * off the diagonal the sign flips: one colour means one thing everywhere.
 */
export function raiseEffect(effect: EffectView): { value: number; interval: [number, number] } | null {
  if (effect.shape === "monotone") return { value: effect.strength, interval: effect.interval };
  if (effect.shape === "interaction") return { value: -effect.strength, interval: [-effect.interval[1], -effect.interval[0]] };
  return null;
}
