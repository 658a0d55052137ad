/** Strategy names, shared by the registry and the browser (which must not load the samplers). */

/** Short names: `sieve` is the method of DESIGN.md, the correlation sieve with the learning-curve race; `bohb` is BOHB, its density models inside Hyperband. */
export const STRATEGY_ALIASES: Record<string, string> = { sieve: "sieve+race", bohb: "bohb+hyperband" };

/** A strategy name's parts, aliases resolved: "sieve" gives ["sieve", "race"], "tpe+asha" gives ["tpe", "asha"]. */
export function strategyParts(name: string): string[] {
  return (STRATEGY_ALIASES[name] ?? name).split("+");
}
