/**
 * The three matrix kernels of a fully connected layer (weights row-major,
 * out × in, as torch's Linear). Each works on four rows at a time, so one load
 * of an input or a weight feeds four multiply-adds: about twice as fast in V8
 * as the plain triple loop. The summation order is fixed, so results are
 * deterministic.
 */
import type { FloatArray } from "./network";

/** target[b, o] = bias[o] + Σ_i W[o, i] · input[b, i] for the first `count` rows. */
export function denseForward(w: FloatArray, wOff: number, bOff: number, input: Float64Array, target: Float64Array, count: number, nIn: number, nOut: number): void {
  for (let b = 0; b < count; b++) {
    const xo = b * nIn;
    const to = b * nOut;
    let o = 0;
    for (; o + 4 <= nOut; o += 4) {
      const r0 = wOff + o * nIn;
      const r1 = r0 + nIn;
      const r2 = r1 + nIn;
      const r3 = r2 + nIn;
      let s0 = w[bOff + o];
      let s1 = w[bOff + o + 1];
      let s2 = w[bOff + o + 2];
      let s3 = w[bOff + o + 3];
      for (let i = 0; i < nIn; i++) {
        const x = input[xo + i];
        s0 += w[r0 + i] * x;
        s1 += w[r1 + i] * x;
        s2 += w[r2 + i] * x;
        s3 += w[r3 + i] * x;
      }
      target[to + o] = s0;
      target[to + o + 1] = s1;
      target[to + o + 2] = s2;
      target[to + o + 3] = s3;
    }
    for (; o < nOut; o++) {
      const r = wOff + o * nIn;
      let s = w[bOff + o];
      for (let i = 0; i < nIn; i++) s += w[r + i] * input[xo + i];
      target[to + o] = s;
    }
  }
}

/** Sets grad of W to Σ_b dOut[b, o] · input[b, i] and grad of the bias to Σ_b dOut[b, o]. */
export function denseWeightGradient(grad: FloatArray, wOff: number, bOff: number, dOut: Float64Array, input: Float64Array, count: number, nIn: number, nOut: number): void {
  for (let o = 0; o < nOut; o++) {
    const r = wOff + o * nIn;
    for (let i = 0; i < nIn; i++) grad[r + i] = 0;
    let bias = 0;
    let b = 0;
    for (; b + 4 <= count; b += 4) {
      const d0 = dOut[b * nOut + o];
      const d1 = dOut[(b + 1) * nOut + o];
      const d2 = dOut[(b + 2) * nOut + o];
      const d3 = dOut[(b + 3) * nOut + o];
      bias += d0 + d1 + d2 + d3;
      const x0 = b * nIn;
      const x1 = x0 + nIn;
      const x2 = x1 + nIn;
      const x3 = x2 + nIn;
      for (let i = 0; i < nIn; i++) grad[r + i] += d0 * input[x0 + i] + d1 * input[x1 + i] + d2 * input[x2 + i] + d3 * input[x3 + i];
    }
    for (; b < count; b++) {
      const d = dOut[b * nOut + o];
      bias += d;
      const x = b * nIn;
      for (let i = 0; i < nIn; i++) grad[r + i] += d * input[x + i];
    }
    grad[bOff + o] = bias;
  }
}

/** Sets dIn[b, i] = Σ_o dOut[b, o] · W[o, i] for the first `count` rows. */
export function denseInputGradient(w: FloatArray, wOff: number, dOut: Float64Array, dIn: Float64Array, count: number, nIn: number, nOut: number): void {
  for (let b = 0; b < count; b++) {
    const xo = b * nIn;
    const d = b * nOut;
    for (let i = 0; i < nIn; i++) dIn[xo + i] = 0;
    let o = 0;
    for (; o + 4 <= nOut; o += 4) {
      const d0 = dOut[d + o];
      const d1 = dOut[d + o + 1];
      const d2 = dOut[d + o + 2];
      const d3 = dOut[d + o + 3];
      const r0 = wOff + o * nIn;
      const r1 = r0 + nIn;
      const r2 = r1 + nIn;
      const r3 = r2 + nIn;
      for (let i = 0; i < nIn; i++) dIn[xo + i] += d0 * w[r0 + i] + d1 * w[r1 + i] + d2 * w[r2 + i] + d3 * w[r3 + i];
    }
    for (; o < nOut; o++) {
      const g = dOut[d + o];
      const r = wOff + o * nIn;
      for (let i = 0; i < nIn; i++) dIn[xo + i] += g * w[r + i];
    }
  }
}
