/**
 * The stdout side of the command protocol (docs/command-protocol.md): one JSON
 * object a line, `{"epoch": 3, "value": 0.41, "accuracy": 0.9}`; every other
 * line is a log line. Pure functions and small buffers, no processes.
 */

/** One epoch's measurement as a program printed it. */
export type MeasurementLine = { epoch: number; value: number; extra: Record<string, number> };

/** An object with an epoch but without the study's metric key: the keys it had instead, in order. */
export type MissingMetric = { missingMetric: string; keys: string[] };

/** Why a line is not a measurement: a plain log line, an object that breaks the protocol, or one that lacks the metric. */
export type LineRejection = "log" | "malformed" | MissingMetric;

/** At most this many extra metrics per line are kept, so one chatty program cannot bloat the measurements table. */
export const MAX_EXTRA_METRICS = 32;

/** Longer lines are cut; a measurement line is never near this long. */
export const MAX_LINE_CHARS = 64 * 1024;

/** A missing-metric failure lists at most this many of the keys the line had. */
const MAX_KEYS_SHOWN = 40;

const KEY_PATTERN = /^[A-Za-z_][A-Za-z0-9_.\-/]{0,63}$/;

// Python's json.dumps writes NaN and ±Infinity as bare tokens, which JSON.parse rejects.
const BARE_NON_FINITE = /([:\[,]\s*)(-?Infinity|NaN)(?=\s*[,}\]])/g;

function parseObject(line: string): Record<string, unknown> | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    try {
      parsed = JSON.parse(line.replace(BARE_NON_FINITE, '$1"$2"'));
    } catch {
      return null;
    }
  }
  return parsed !== null && typeof parsed === "object" && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : null;
}

/** A metric value: a number, null or "NaN" (a diverged run), or "Infinity"/"-Infinity"; undefined when it is none of those. */
function metricValue(raw: unknown): number | undefined {
  if (typeof raw === "number") return raw;
  if (raw === null || raw === "NaN" || raw === "nan") return NaN;
  if (raw === "Infinity" || raw === "inf") return Infinity;
  if (raw === "-Infinity" || raw === "-inf") return -Infinity;
  return undefined;
}

/**
 * Reads one stdout line. The measured value is under `metric`, and only
 * there: a line with an epoch but without that key is a MissingMetric (no
 * fallback to "value", which once let a study optimize the wrong number).
 * Every other numeric key but "epoch" is an extra metric.
 */
export function parseMeasurementLine(line: string, metric: string): MeasurementLine | LineRejection {
  const text = line.trim();
  if (!text.startsWith("{")) return "log";
  const object = parseObject(text);
  if (!object) return "malformed";
  const epoch = object.epoch;
  if (typeof epoch !== "number" || !Number.isSafeInteger(epoch) || epoch < 1) return "malformed";
  if (!Object.hasOwn(object, metric)) return { missingMetric: metric, keys: Object.keys(object).slice(0, MAX_KEYS_SHOWN).map((k) => k.slice(0, 64)) };
  const value = metricValue(object[metric]);
  if (value === undefined) return "malformed";
  const extra: Record<string, number> = {};
  let count = 0;
  for (const [name, raw] of Object.entries(object)) {
    if (name === "epoch" || name === metric || count >= MAX_EXTRA_METRICS || !KEY_PATTERN.test(name)) continue;
    const v = typeof raw === "number" ? raw : undefined;
    if (v === undefined || !Number.isFinite(v)) continue;
    extra[name] = v;
    count++;
  }
  return { epoch, value, extra };
}

/** The failure of a job whose first measurement line lacks the metric, listing what the line had. */
export function missingMetricMessage(m: MissingMetric): string {
  return `metric '${m.missingMetric}' not in the reported line; keys seen: ${m.keys.join(", ")}`;
}

/** What to do with a measurement of `epoch`: record it, drop it, end the job normally, or fail it. */
export type EpochVerdict = "report" | "repeat" | "past-end" | { fail: string };

/**
 * The epoch-order rule of a job that goes from `fromEpoch` to `toEpoch` and
 * has reported up to `last` (fromEpoch when nothing yet): the next epoch is
 * recorded, the last one again is a repeat, and so is any earlier one until
 * the job reports, since a resumed program may train again from an older
 * checkpoint; a gap or, once reporting, a step back fails the job.
 */
export function judgeEpoch(epoch: number, job: { fromEpoch: number; toEpoch: number; last: number }): EpochVerdict {
  const { fromEpoch, toEpoch, last } = job;
  if (epoch === last || (epoch < last && last === fromEpoch)) return "repeat";
  if (epoch < last) return { fail: `reported epoch ${epoch} after epoch ${last}; epochs must increase one at a time` };
  if (epoch > last + 1) {
    const after = last === fromEpoch ? "first" : `after epoch ${last}`;
    return { fail: `reported epoch ${epoch} ${after}; epoch ${last + 1} is missing` };
  }
  return epoch > toEpoch ? "past-end" : "report";
}

/** Splits a text stream into lines, whatever the chunk boundaries; a line longer than MAX_LINE_CHARS is cut there. */
export class LineSplitter {
  private pending = "";

  constructor(private readonly onLine: (line: string) => void) {}

  push(chunk: string): void {
    let text = this.pending + chunk;
    let newline: number;
    while ((newline = text.indexOf("\n")) >= 0) {
      this.onLine(text.slice(0, newline).replace(/\r$/, ""));
      text = text.slice(newline + 1);
    }
    while (text.length > MAX_LINE_CHARS) {
      this.onLine(text.slice(0, MAX_LINE_CHARS));
      text = text.slice(MAX_LINE_CHARS);
    }
    this.pending = text;
  }

  /** Hands over a last line that had no newline. */
  end(): void {
    if (this.pending.length > 0) this.onLine(this.pending.replace(/\r$/, ""));
    this.pending = "";
  }
}

/** The last `size` lines, each cut to `width` characters. */
export class LineTail {
  private readonly lines: string[] = [];

  constructor(
    private readonly size: number,
    private readonly width = 500,
  ) {}

  push(line: string): void {
    this.lines.push(line.length > this.width ? `${line.slice(0, this.width)}…` : line);
    if (this.lines.length > this.size) this.lines.shift();
  }

  /** The newest `n` lines (all by default), oldest first. */
  last(n = this.size): string[] {
    return this.lines.slice(-n);
  }
}

/** The last lines of a tail joined, keeping at most `maxChars` of its end. */
export function tailText(lines: string[], maxChars: number): string {
  const text = lines.join("\n");
  return text.length > maxChars ? `…${text.slice(text.length - maxChars)}` : text;
}
