import { decode } from "../space";
import type { Sampler } from "../types";

/** Independent uniform sampling in the unit cube (Bergstra and Bengio 2012, JMLR 13). */
export function randomSampler(): Sampler {
  return {
    name: "random",
    sample(view, rng) {
      return decode(view.space, view.space.map(() => rng.next()));
    },
  };
}
