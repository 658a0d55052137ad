/**
 * The objectives a study can optimize, by id: replays of the learning-curve
 * tables shipped in lib/objectives/tables, and synthetic functions.
 */
import "server-only";
import fs from "node:fs";
import path from "node:path";
import { commandCanWarmStart } from "../api/command";
import { reachableOffLoopback } from "../api/listen-address";
import type { ObjectiveInfo } from "../api/schemas";
import { parseLcTable, rowValue, snapRow, tableSpace, topTarget, type LcTable } from "./lc-table";
import { createCommandObjective, type CommandSpec } from "./command";
import { DATASET_IDS } from "./mlp/dataset";
import { createMlpObjective } from "./mlp/objective";
import { SYNTHETIC_FUNCTIONS, type SyntheticFunction } from "./synthetic";
import { replayCurve, type Objective } from "./types";

const TABLES_DIR = path.join(process.cwd(), "lib", "objectives", "tables");
const TABLE_IDS = ["digits-mlp"] as const;

const tableTitles: Record<(typeof TABLE_IDS)[number], string> = {
  "digits-mlp": "Digits MLP (replayed PyTorch curves)",
};

const cacheKey = Symbol.for("hypersieve.tables");
const cache = globalThis as unknown as { [cacheKey]?: Map<string, LcTable> };

/** Loads and parses a shipped table once per process. */
function loadTable(id: string): LcTable {
  const tables = (cache[cacheKey] ??= new Map());
  let table = tables.get(id);
  if (!table) {
    table = parseLcTable(JSON.parse(fs.readFileSync(path.join(TABLES_DIR, `${id}.json`), "utf8")));
    tables.set(id, table);
  }
  return table;
}

function tableObjective(id: (typeof TABLE_IDS)[number]): Objective {
  const table = loadTable(id);
  const best = topTarget(table, 0);
  return {
    info: {
      id: `lc-table:${id}`,
      title: tableTitles[id],
      description: table.description,
      metric: table.metric,
      direction: table.direction,
      maxEpochs: table.maxEpochs,
      space: tableSpace(table),
      defaultEpochDelayMs: 50,
      optimum: table.direction === "minimize" ? best : -best,
    },
    train(request) {
      const row = snapRow(table, request.params);
      return replayCurve(request, (epoch) => rowValue(table, row, epoch));
    },
  };
}

function syntheticObjective(f: SyntheticFunction): Objective {
  return {
    info: {
      id: f.id,
      title: f.title,
      description: f.description,
      metric: f.metric,
      direction: f.direction,
      maxEpochs: f.maxEpochs,
      space: f.space,
      defaultEpochDelayMs: 30,
      optimum: f.optimum,
    },
    train(request) {
      return replayCurve(request, (epoch) => f.valueAt(request.params, epoch));
    },
  };
}

const objectiveKey = Symbol.for("hypersieve.objectives");
const objectiveCache = globalThis as unknown as { [objectiveKey]?: Map<string, Objective> };

function allObjectives(): Map<string, Objective> {
  let map = objectiveCache[objectiveKey];
  if (!map) {
    map = new Map();
    for (const id of TABLE_IDS) {
      const o = tableObjective(id);
      map.set(o.info.id, o);
    }
    for (const id of DATASET_IDS) {
      const o = createMlpObjective(id);
      map.set(o.info.id, o);
    }
    for (const f of SYNTHETIC_FUNCTIONS) map.set(f.id, syntheticObjective(f));
    objectiveCache[objectiveKey] = map;
  }
  return map;
}

/** Every objective's description, for the "new study" form and GET /api/objectives. */
export function listObjectives(): ObjectiveInfo[] {
  return [...allObjectives().values()].map((o) => o.info);
}

/** The objective with this id, or undefined. */
export function getObjective(id: string): Objective | undefined {
  return allObjectives().get(id);
}

/** A human title for an objective id, without loading any table. */
export function objectiveTitle(id: string): string {
  const [kind, name] = id.split(":");
  if (kind === "lc-table" && name in tableTitles) return tableTitles[name as keyof typeof tableTitles];
  // A study's own training ("command", "agent") is no registered objective: building them all (tables, datasets) costs
  // about 0.3 s of CPU that a `hypersieve run` of a command study would spend at its start for nothing.
  if (!id.includes(":")) return id;
  return allObjectives().get(id)?.info.title ?? id;
}

/** Whether a study's objective can warm start (ObjectiveInfo.warmStart), without building it: a command says so in its spec or argv; agents never do. */
export function objectiveCanWarmStart(id: string, config: unknown): boolean {
  if (id === "command") return !!config && commandCanWarmStart(config as CommandSpec);
  return allObjectives().get(id)?.info.warmStart === true;
}

/** The objective a study trains: a registered one, or its own command (objective "command", spec in its settings). */
export function objectiveForStudy(id: string, config: unknown): Objective | undefined {
  if (id === "command") return config ? createCommandObjective(config as CommandSpec) : undefined;
  return getObjective(id);
}

/**
 * Whether this server runs users' own training commands: when it listens on loopback only (the real sockets,
 * not just $HOST: `next start -H 0.0.0.0` sets none), or when HYPERSIEVE_ALLOW_COMMANDS=1.
 */
export function commandsAllowed(): boolean {
  if (process.env.HYPERSIEVE_ALLOW_COMMANDS === "1") return true;
  if (process.env.HYPERSIEVE_ALLOW_COMMANDS === "0") return false;
  return !reachableOffLoopback();
}
