import { describe, expect, it } from "vitest";
import { createRng } from "./rng";
import {
  assertSpace,
  decode,
  decodeValue,
  encode,
  encodeValue,
  paramsProblems,
  SpaceError,
  spaceProblems,
  type Param,
  type Params,
  type ParamValue,
  type Space,
} from "./space";

const lr: Param = { type: "float", name: "lr", low: 1e-5, high: 1, log: true };
const dropout: Param = { type: "float", name: "dropout", low: 0, high: 0.5 };
const layers: Param = { type: "int", name: "layers", low: 1, high: 4 };
const batch: Param = { type: "int", name: "batch", low: 16, high: 512, log: true };
const units: Param = { type: "int", name: "units", low: 8, high: 64, step: 8 };
const act: Param = { type: "categorical", name: "act", choices: ["relu", "tanh", 3, true] };
const space: Space = [lr, dropout, layers, batch, units, act];

describe("encode and decode", () => {
  it.each<[string, Param, ParamValue[]]>([
    ["float, linear", dropout, [0, 0.1, 0.25, 0.4999, 0.5]],
    ["float, log", lr, [1e-5, 3e-4, 0.01, 0.5, 1]],
    ["int, linear", layers, [1, 2, 3, 4]],
    ["int, log", batch, [16, 17, 31, 64, 100, 511, 512]],
    ["int, step", units, [8, 16, 24, 32, 40, 48, 56, 64]],
    ["categorical", act, ["relu", "tanh", 3, true]],
  ])("round-trips every value of a %s parameter", (_, p, values) => {
    for (const v of values) {
      const z = encodeValue(p, v);
      expect(z).toBeGreaterThanOrEqual(0);
      expect(z).toBeLessThanOrEqual(1);
      const back = decodeValue(p, z);
      if (p.type === "float") expect(back).toBeCloseTo(v as number, 12);
      else expect(back).toBe(v);
    }
  });

  it.each<[string, Param, number[]]>([
    ["float, linear", dropout, [0, 0.2, 0.5, 0.9, 1]],
    ["float, log", lr, [0, 0.2, 0.5, 0.9, 1]],
  ])("decodes and re-encodes a %s coordinate to itself", (_, p, zs) => {
    for (const z of zs) expect(encodeValue(p, decodeValue(p, z))).toBeCloseTo(z, 12);
  });

  it("maps a log-scale float's geometric midpoint to 0.5", () => {
    expect(encodeValue(lr, Math.sqrt(1e-5 * 1))).toBeCloseTo(0.5, 12);
    expect(decodeValue(lr, 0.5)).toBeCloseTo(Math.sqrt(1e-5), 12);
  });

  it.each<[string, Param, ParamValue[]]>([
    ["int, linear", layers, [1, 2, 3, 4]],
    ["int, step", units, [8, 16, 24, 32, 40, 48, 56, 64]],
    ["categorical", act, ["relu", "tanh", 3, true]],
  ])("gives each value of a %s parameter an equal-width cell and encodes it at the centre", (_, p, values) => {
    const n = values.length;
    values.forEach((v, i) => {
      expect(encodeValue(p, v)).toBeCloseTo((i + 0.5) / n, 12);
      // Just inside both edges of cell i, and nowhere else, decodes to value i.
      expect(decodeValue(p, i / n + 1e-9)).toBe(v);
      expect(decodeValue(p, (i + 1) / n - 1e-9)).toBe(v);
    });
    expect(decodeValue(p, 1)).toBe(values[n - 1]);
  });

  it("gives a log-scale int's values cells of equal width in log space", () => {
    const p: Param = { type: "int", name: "n", low: 1, high: 3, log: true };
    // Cells are [0.5, 1.5), [1.5, 2.5), [2.5, 3.5) in log space.
    const width = Math.log(3.5) - Math.log(0.5);
    expect(encodeValue(p, 1)).toBeCloseTo((Math.log(1) - Math.log(0.5)) / width, 12);
    expect(decodeValue(p, (Math.log(1.5) - Math.log(0.5)) / width - 1e-9)).toBe(1);
    expect(decodeValue(p, (Math.log(1.5) - Math.log(0.5)) / width + 1e-9)).toBe(2);
    expect(decodeValue(p, (Math.log(2.5) - Math.log(0.5)) / width + 1e-9)).toBe(3);
  });

  it("clamps coordinates outside [0, 1] to the nearest edge", () => {
    expect(decodeValue(dropout, -0.3)).toBe(0);
    expect(decodeValue(dropout, 1.7)).toBe(0.5);
    expect(decodeValue(lr, 2)).toBe(1);
    expect(decodeValue(units, -1)).toBe(8);
    expect(decodeValue(act, 5)).toBe(true);
  });

  it("keeps unit coordinates within [0, 1] even for out-of-range numbers", () => {
    for (const p of [dropout, lr, layers, batch, units]) {
      const hi = (p as { high: number }).high;
      expect(encodeValue(p, hi * 10)).toBe(1);
    }
    expect(encodeValue(layers, -10)).toBe(0);
    expect(encodeValue(units, 0)).toBe(0);
  });

  it("encodes a degenerate range to 0.5 and decodes it to its only value", () => {
    const fixed: Param = { type: "float", name: "f", low: 0.3, high: 0.3, log: true };
    const one: Param = { type: "int", name: "i", low: 5, high: 5 };
    expect(encodeValue(fixed, 0.3)).toBe(0.5);
    expect(decodeValue(fixed, 0.9)).toBe(0.3);
    expect(encodeValue(one, 5)).toBe(0.5);
    expect(decodeValue(one, 0.1)).toBe(5);
  });

  it("refuses to encode a categorical value that is not a choice", () => {
    expect(() => encodeValue(act, "gelu")).toThrow(SpaceError);
    expect(() => encodeValue(act, "3")).toThrow(/act: "3" is not one of the choices/);
  });

  it("decodes 1000 seeded random points into valid configurations that re-encode into the same cells", () => {
    const rng = createRng(42);
    for (let i = 0; i < 1000; i++) {
      const z = space.map(() => rng.next());
      const params = decode(space, z);
      expect(paramsProblems(space, params)).toEqual([]);
      const again = decode(space, encode(space, params));
      for (const p of space) {
        if (p.type === "float") expect(again[p.name]).toBeCloseTo(params[p.name] as number, 12);
        else expect(again[p.name]).toBe(params[p.name]);
      }
    }
  });

  it("decodes in the order of the space and rejects a point of the wrong length", () => {
    expect(Object.keys(decode(space, space.map(() => 0.5)))).toEqual(space.map((p) => p.name));
    expect(() => decode(space, [0.5])).toThrow(/expected 6 coordinates, got 1/);
  });
});

describe("spaceProblems", () => {
  it("accepts a valid space", () => {
    expect(spaceProblems(space)).toEqual([]);
    expect(() => assertSpace(space)).not.toThrow();
  });

  it.each<[string, Space, RegExp]>([
    ["an empty space", [], /at least one parameter/],
    ["low above high", [{ type: "float", name: "x", low: 2, high: 1 }], /space\[0\] \(x\): low \(2\) must not exceed high \(1\)/],
    ["a non-finite bound", [{ type: "float", name: "x", low: 0, high: Infinity }], /space\[0\] \(x\)\.high must be a finite number/],
    ["log with low 0", [{ type: "float", name: "lr", low: 0, high: 1, log: true }], /space\[0\] \(lr\): a log-scale parameter needs low > 0 \(got 0\)/],
    ["log int with negative low", [{ type: "int", name: "n", low: -1, high: 8, log: true }], /space\[0\] \(n\): a log-scale parameter needs low > 0/],
    ["a duplicate name", [dropout, { ...layers, name: "dropout" }], /parameter name 'dropout' is used twice/],
    ["empty choices", [{ type: "categorical", name: "act", choices: [] }], /space\[0\] \(act\)\.choices must list at least one value/],
    ["repeated choices", [{ type: "categorical", name: "act", choices: ["a", "a"] }], /space\[0\] \(act\)\.choices must not repeat a value/],
    ["an int step that does not divide the range", [{ type: "int", name: "u", low: 8, high: 60, step: 8 }], /space\[0\] \(u\): high - low must be a multiple of step/],
    ["a zero step", [{ type: "int", name: "u", low: 8, high: 64, step: 0 }], /space\[0\] \(u\)\.step must be a positive integer/],
    ["step with log", [{ type: "int", name: "u", low: 8, high: 64, step: 8, log: true }], /space\[0\] \(u\): step and log cannot be combined/],
    ["fractional int bounds", [{ type: "int", name: "u", low: 0.5, high: 4 }], /space\[0\] \(u\): int bounds must be integers/],
    ["a name with a space", [{ type: "float", name: "bad name", low: 0, high: 1 }], /space\[0\] \(bad name\)\.name must be/],
    ["a name that would be an object's prototype", [{ type: "float", name: "__proto__", low: 0, high: 1 }], /space\[0\] \(__proto__\)\.name must not be/],
    ["an unknown type", [{ type: "bool", name: "b" } as unknown as Param], /space\[0\] \(b\)\.type must be float, int or categorical/],
  ])("rejects %s, naming the parameter and the field", (_, bad, message) => {
    const problems = spaceProblems(bad);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(message);
    expect(() => assertSpace(bad)).toThrow(SpaceError);
  });

  it("lists every problem, not only the first", () => {
    const problems = spaceProblems([
      { type: "float", name: "a", low: 2, high: 1 },
      { type: "categorical", name: "a", choices: [] },
    ]);
    expect(problems).toHaveLength(3);
    try {
      assertSpace([{ type: "float", name: "a", low: 2, high: 1 }]);
      expect.unreachable();
    } catch (e) {
      expect((e as SpaceError).problems).toEqual(["space[0] (a): low (2) must not exceed high (1)"]);
    }
  });
});

describe("paramsProblems", () => {
  const valid: Params = { lr: 0.01, dropout: 0.1, layers: 2, batch: 64, units: 24, act: "relu" };

  it("accepts a valid configuration", () => {
    expect(paramsProblems(space, valid)).toEqual([]);
  });

  it.each<[string, Params, string]>([
    ["a missing value", { ...valid, lr: undefined as unknown as number }, "lr is missing"],
    ["a value below low", { ...valid, dropout: -0.1 }, "dropout: -0.1 is outside [0, 0.5]"],
    ["a value above high", { ...valid, lr: 2 }, "lr: 2 is outside [0.00001, 1]"],
    ["a non-integer int", { ...valid, layers: 2.5 }, "layers: 2.5 is not a valid integer value"],
    ["an int off its step", { ...valid, units: 20 }, "units: 20 is not a valid integer value"],
    ["a string for a number", { ...valid, dropout: "0.1" }, "dropout must be a finite number"],
    ["NaN", { ...valid, dropout: NaN }, "dropout must be a finite number"],
    ["a bad categorical", { ...valid, act: "gelu" }, 'act: "gelu" is not one of ["relu","tanh",3,true]'],
    ["a categorical of the wrong type", { ...valid, act: "3" }, 'act: "3" is not one of ["relu","tanh",3,true]'],
    ["an unknown key", { ...valid, momentum: 0.9 }, "momentum is not a parameter of the space"],
  ])("flags %s", (_, params, message) => {
    expect(paramsProblems(space, params)).toEqual([message]);
  });

  it("flags a key that is absent even when it names an inherited property", () => {
    const p: Space = [{ type: "float", name: "constructor", low: 0, high: 1 }];
    expect(paramsProblems(p, {})).toEqual(["constructor is missing"]);
  });

  it("flags a missing key once and still checks the others", () => {
    const { lr: _lr, ...rest } = valid;
    expect(paramsProblems(space, { ...rest, act: "gelu", extra: 1 })).toEqual([
      "lr is missing",
      'act: "gelu" is not one of ["relu","tanh",3,true]',
      "extra is not a parameter of the space",
    ]);
  });
});
