#!/usr/bin/python3
"""Run Optuna against a learning-curve table (lc-table/1) and write lc-trace/1 files.

Usage (from the repository root; Debian's python3-optuna is enough):

    /usr/bin/python3 bench/optuna-table.py --table FILE --variant NAME \
        [--seeds 20] [--budget-fte 100] --out FILE
    /usr/bin/python3 bench/optuna-table.py --table FILE --variant all \
        [--seeds 20] [--budget-fte 100] --out-dir DIR     # writes DIR/<variant>.json
    [--snap protocol|float]   how a suggestion is snapped to the grid (default protocol; see below)

Variants (the set in bench/optuna-digits-mlp/):
    random            RandomSampler, no pruner
    tpe               TPESampler (defaults), no pruner
    tpe-median        TPESampler + MedianPruner()
    tpe-asha          TPESampler + SuccessiveHalvingPruner()
    tpe-hyperband     TPESampler + HyperbandPruner(min_resource=1, max_resource=max_epochs, reduction_factor=3)
    random-hyperband  RandomSampler + the same HyperbandPruner
Seed s of a run is the sampler's seed: RandomSampler(seed=s) / TPESampler(seed=s), s = 0..seeds-1.

Protocol (docs/benchmarks/FORMAT.md), as implemented here:
- Suggestions: a categorical parameter uses suggest_categorical over its grid values.
  A numeric one uses suggest_float (type float) or suggest_int (type int) over
  [min(values), max(values)], with log=True where the table says log, in the
  table's space order, and the suggestion is snapped to the nearest grid value
  (in log space where log). This is the protocol's rule and what the shipped
  traces' strategy field ("suggestions snapped to the grid") says.
  Ties: with --snap protocol (the default) a tie goes to the smaller value, where
  distances within 1e-9 of the grid's span count as equal, exactly as
  lib/objectives/lc-table.ts snapIndex does. With --snap float the nearest value
  is taken in plain floating point, so an exact log-midpoint that suggest_int can
  return (32 between 16 and 64, 128 between 64 and 256) goes to the LARGER value,
  because log 32 - log 16 exceeds log 64 - log 32 by an ulp. bench/optuna-digits-mlp/
  was made that way: with --snap float and Optuna 3.1.0 this script reproduces all
  six of its files trace for trace (120 runs). The two differ only on such
  midpoints (a uniform log-int suggestion over 16..256 lands on 32 about 1% of the
  time), but one different trial changes everything sampled after it, so many
  runs' traces differ while the medians stay close.
- Each trial trains epoch by epoch; every epoch costs 1 (FTE = epochs / max_epochs).
  After epoch e it calls trial.report(curve[e-1], e) with the raw value of that
  epoch (what Optuna's pruners expect: the current intermediate value at step e),
  then trial.should_prune(); a pruned trial is told PRUNED (Optuna then records its
  last reported value) and is never resumed. Without a pruner every trial trains
  max_epochs.
- A finished trial's objective value is its best epoch's value (early stopping
  keeps the best epoch's weights, as the protocol's incumbent and score do).
- Optuna does not recognise a repeated configuration: a trial of a grid point that
  an earlier trial trained pays again from epoch 1.
- The incumbent is the best value observed over every epoch paid for (pruned
  trials included). The trace has a point [fte, incumbent] at every improvement
  (the first at the first epoch) and a last one at the cost where the run stopped.
  The run stops when the budget is spent; the trial running then is cut mid-curve
  and never told.
- In-memory storage; the study is named "<variant>-seed<s>" so that Hyperband's
  bracket assignment (a hash of the study name and trial number) is reproducible.
- `seconds` is the wall time of the whole run (study creation, sampling, pruning,
  table look-ups).
"""

import argparse
import json
import math
import os
import sys
import time

VARIANTS = ["random", "tpe", "tpe-median", "tpe-asha", "tpe-hyperband", "random-hyperband"]
COMMON = (
    "in-memory storage; report(value, epoch) every epoch, should_prune() after each; "
    "suggestions snapped to the grid; finished trials return their best epoch's value"
)


class UsageError(Exception):
    pass


def is_number(x):
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


def value_key(v):
    """A key that keeps booleans, numbers and strings apart (True == 1 in Python)."""
    if isinstance(v, bool):
        return ("b", v)
    if isinstance(v, (int, float)):
        return ("n", float(v))
    return ("s", v)


def load_table(path):
    """Reads and checks an lc-table/1 file; returns the table with a row index by grid position."""
    try:
        with open(path) as f:
            raw = json.load(f)
    except OSError as e:
        raise UsageError(f"--table {path}: cannot read it ({e.strerror})")
    except ValueError as e:
        raise UsageError(f"--table {path}: not valid JSON ({e})")

    def bad(msg):
        raise UsageError(f"--table {path}: {msg}")

    if not isinstance(raw, dict):
        bad("must be a JSON object")
    if raw.get("format") != "lc-table/1":
        bad(f'format must be "lc-table/1", got {json.dumps(raw.get("format"))}')
    for field in ("name", "metric"):
        if not isinstance(raw.get(field), str) or not raw[field]:
            bad(f"{field} must be a non-empty string")
    if raw.get("direction") not in ("minimize", "maximize"):
        bad('direction must be "minimize" or "maximize"')
    max_epochs = raw.get("max_epochs")
    if not isinstance(max_epochs, int) or isinstance(max_epochs, bool) or max_epochs < 1:
        bad("max_epochs must be a positive integer")
    space = raw.get("space")
    if not isinstance(space, list) or not space:
        bad("space must be a non-empty array")
    names = set()
    for i, p in enumerate(space):
        where = f"space[{i}]"
        if not isinstance(p, dict) or not isinstance(p.get("name"), str) or not p["name"]:
            bad(f"{where} must be an object with a non-empty name")
        if p["name"] in names:
            bad(f"space has two parameters named {p['name']!r}")
        names.add(p["name"])
        if p.get("type") not in ("float", "int", "categorical"):
            bad(f"{where} ({p['name']}).type must be float, int or categorical")
        values = p.get("values")
        if not isinstance(values, list) or not values:
            bad(f"{where} ({p['name']}).values must be a non-empty array")
        p["log"] = p.get("log") is True
        if p["type"] != "categorical":
            for j, v in enumerate(values):
                if not is_number(v):
                    bad(f"{where} ({p['name']}).values[{j}] must be a finite number")
                if p["type"] == "int" and v != int(v):
                    bad(f"{where} ({p['name']}).values[{j}] must be an integer")
                if p["log"] and v <= 0:
                    bad(f"{where} ({p['name']}).values[{j}] must be > 0 on a log scale")
                if j > 0 and v <= values[j - 1]:
                    bad(f"{where} ({p['name']}).values must be strictly increasing")
        elif len({value_key(v) for v in values}) != len(values):
            bad(f"{where} ({p['name']}).values must not repeat a value")
    rows = raw.get("rows")
    if not isinstance(rows, list):
        bad("rows must be an array")
    index = [{value_key(v): j for j, v in enumerate(p["values"])} for p in space]
    grid_size = 1
    for p in space:
        grid_size *= len(p["values"])
    curves = [None] * grid_size
    metric = raw["metric"]
    for r, row in enumerate(rows):
        where = f"rows[{r}]"
        if not isinstance(row, dict) or not isinstance(row.get("params"), dict) or not isinstance(row.get("curves"), dict):
            bad(f"{where} must have params and curves objects")
        key = 0
        for p, idx in zip(space, index):
            v = row["params"].get(p["name"])
            j = idx.get(value_key(v))
            if j is None:
                bad(f"{where}.params.{p['name']} = {json.dumps(v)} is not one of the space's values")
            key = key * len(p["values"]) + j
        if curves[key] is not None:
            bad(f"{where} repeats a configuration of an earlier row")
        curve = row["curves"].get(metric)
        if not isinstance(curve, list) or len(curve) != max_epochs or not all(is_number(v) for v in curve):
            bad(f"{where}.curves.{metric} must have max_epochs ({max_epochs}) finite numbers")
        curves[key] = curve
    if len(rows) != grid_size:
        bad(f"rows has {len(rows)} entries but the grid has {grid_size} combinations")
    return {
        "name": raw["name"],
        "direction": raw["direction"],
        "max_epochs": max_epochs,
        "space": space,
        "curves": curves,
    }


def snap_index_float(p, x):
    """Nearest grid value in plain floating point (how bench/optuna-digits-mlp/ was made)."""
    t = math.log if p["log"] else (lambda v: v)
    tv = [t(v) for v in p["values"]]
    tx = t(max(x, sys.float_info.min) if p["log"] else x)
    return min(range(len(tv)), key=lambda j: (abs(tv[j] - tx), j))


def snap_index(p, x):
    """Index of the grid value nearest to x (in log space where log); a tie goes to the smaller value."""
    t = math.log if p["log"] else (lambda v: v)
    tv = [t(v) for v in p["values"]]
    tx = t(max(x, sys.float_info.min) if p["log"] else x)
    # Rounding splits exact ties by an ulp (log 32 - log 16 > log 64 - log 32), so distances
    # closer than a billionth of the grid's span count as equal (as lib/objectives/lc-table.ts).
    tolerance = 1e-9 * (tv[-1] - tv[0])
    best, best_d = 0, math.inf
    for j, v in enumerate(tv):
        d = abs(v - tx)
        if d < best_d - tolerance:
            best, best_d = j, d
    return best


def suggest_row(trial, table, snap=snap_index):
    """Suggests every parameter in space order and returns the grid position it snaps to."""
    key = 0
    for p in table["space"]:
        values = p["values"]
        if p["type"] == "categorical":
            v = trial.suggest_categorical(p["name"], values)
            j = next(j for j, w in enumerate(values) if value_key(w) == value_key(v))
        elif len(values) == 1:
            j = 0  # Optuna would record a fixed value; nothing to search.
        elif p["type"] == "int":
            j = snap(p, trial.suggest_int(p["name"], int(values[0]), int(values[-1]), log=p["log"]))
        else:
            j = snap(p, trial.suggest_float(p["name"], float(values[0]), float(values[-1]), log=p["log"]))
        key = key * len(values) + j
    return key


def make_variant(optuna, name, seed, max_epochs, snap="protocol"):
    """The sampler, the pruner, and the strategy description of a variant."""
    tpe_desc = "TPESampler(seed=seed) (defaults: n_startup_trials=10)"
    rnd_desc = "RandomSampler(seed=seed)"
    hb = f"HyperbandPruner(min_resource=1, max_resource={max_epochs}, reduction_factor=3)"
    none = "no pruner, every trial trains max_epochs"
    sampler, pruner, desc = {
        "random": (lambda: optuna.samplers.RandomSampler(seed=seed), lambda: optuna.pruners.NopPruner(), f"{rnd_desc} + {none}"),
        "tpe": (lambda: optuna.samplers.TPESampler(seed=seed), lambda: optuna.pruners.NopPruner(), f"{tpe_desc} + {none}"),
        "tpe-median": (
            lambda: optuna.samplers.TPESampler(seed=seed),
            lambda: optuna.pruners.MedianPruner(),
            f"{tpe_desc} + MedianPruner() (defaults: n_startup_trials=5, n_warmup_steps=0)",
        ),
        "tpe-asha": (
            lambda: optuna.samplers.TPESampler(seed=seed),
            lambda: optuna.pruners.SuccessiveHalvingPruner(),
            f"{tpe_desc} + SuccessiveHalvingPruner() (defaults: min_resource='auto', reduction_factor=4)",
        ),
        "tpe-hyperband": (
            lambda: optuna.samplers.TPESampler(seed=seed),
            lambda: optuna.pruners.HyperbandPruner(min_resource=1, max_resource=max_epochs, reduction_factor=3),
            f"{tpe_desc} + {hb}",
        ),
        "random-hyperband": (
            lambda: optuna.samplers.RandomSampler(seed=seed),
            lambda: optuna.pruners.HyperbandPruner(min_resource=1, max_resource=max_epochs, reduction_factor=3),
            f"{rnd_desc} + {hb}",
        ),
    }[name]
    common = COMMON if snap == "float" else COMMON.replace(
        "suggestions snapped to the grid", "suggestions snapped to the grid (nearest, a tie to the smaller value)"
    )
    return sampler(), pruner(), f"{name}: {desc}; {common}"


def run_one(optuna, table, variant, seed, budget_fte, snap="protocol"):
    """One seed of one variant; returns (trace, seconds, strategy)."""
    start = time.perf_counter()
    max_epochs = table["max_epochs"]
    sign = 1 if table["direction"] == "minimize" else -1
    budget_epochs = math.floor(budget_fte * max_epochs + 1e-9)
    sampler, pruner, strategy = make_variant(optuna, variant, seed, max_epochs, snap)
    snapper = snap_index_float if snap == "float" else snap_index
    study = optuna.create_study(
        study_name=f"{variant}-seed{seed}", direction=table["direction"], sampler=sampler, pruner=pruner
    )
    spent = 0
    incumbent = None
    trace = []

    def fte(epochs):
        return round(epochs / max_epochs, 6)

    while spent < budget_epochs:
        trial = study.ask()
        curve = table["curves"][suggest_row(trial, table, snapper)]
        best = None
        pruned = False
        for epoch in range(1, max_epochs + 1):
            if spent >= budget_epochs:
                break
            spent += 1
            value = curve[epoch - 1]
            if best is None or sign * value < sign * best:
                best = value
            if incumbent is None or sign * value < sign * incumbent:
                incumbent = value
                trace.append([fte(spent), value])
            trial.report(value, epoch)
            if trial.should_prune():
                pruned = True
                break
        else:
            study.tell(trial, best)
            continue
        if pruned:
            study.tell(trial, state=optuna.trial.TrialState.PRUNED)
        # Otherwise the budget ran out mid-curve: the trial is cut and never told.
    if trace[-1][0] != fte(spent):
        trace.append([fte(spent), incumbent])
    return trace, time.perf_counter() - start, strategy


def run_variant(optuna, table, variant, seeds, budget_fte, snap="protocol"):
    runs = []
    strategy = ""
    for seed in range(seeds):
        trace, seconds, strategy = run_one(optuna, table, variant, seed, budget_fte, snap)
        runs.append({"seed": seed, "seconds": round(seconds, 3), "trace": trace})
    return {
        "format": "lc-trace/1",
        "table": table["name"],
        "optimizer": f"optuna {optuna.__version__}",
        "strategy": strategy,
        "budget_fte": float(budget_fte),
        "runs": runs,
    }


def write_json(path, obj):
    directory = os.path.dirname(path) or "."
    tmp = os.path.join(directory, f".{os.path.basename(path)}.tmp{os.getpid()}")
    with open(tmp, "w") as f:
        json.dump(obj, f)
        f.write("\n")
    os.replace(tmp, path)


def parse_args(argv):
    class Parser(argparse.ArgumentParser):
        def error(self, message):
            raise UsageError(message)

    ap = Parser(prog="bench/optuna-table.py", description="Run Optuna against an lc-table/1 table and write lc-trace/1 files.")
    ap.add_argument("--table", required=True, help="lc-table/1 file")
    ap.add_argument("--variant", required=True, help=f"one of {', '.join(VARIANTS)}, or all")
    ap.add_argument("--seeds", default="20", help="number of seeds, 0..N-1 (default 20)")
    ap.add_argument("--budget-fte", default="100", help="budget per run in full-training equivalents (default 100)")
    ap.add_argument("--snap", default="protocol", help="protocol (a tie to the smaller value) or float (as bench/optuna-digits-mlp/)")
    ap.add_argument("--out", help="output trace file (one variant)")
    ap.add_argument("--out-dir", help="output directory (--variant all): one <variant>.json per variant")
    a = ap.parse_args(argv)
    if a.variant != "all" and a.variant not in VARIANTS:
        raise UsageError(f"--variant must be one of {', '.join(VARIANTS)} or all, got {a.variant!r}")
    if a.snap not in ("protocol", "float"):
        raise UsageError(f"--snap must be protocol or float, got {a.snap!r}")
    try:
        a.seeds = int(a.seeds)
    except ValueError:
        raise UsageError(f"--seeds must be a positive integer, got {a.seeds!r}")
    if a.seeds < 1:
        raise UsageError(f"--seeds must be a positive integer, got {a.seeds}")
    try:
        a.budget_fte = float(a.budget_fte)
    except ValueError:
        raise UsageError(f"--budget-fte must be a positive number, got {a.budget_fte!r}")
    if not (math.isfinite(a.budget_fte) and a.budget_fte > 0):
        raise UsageError(f"--budget-fte must be a positive number, got {a.budget_fte}")
    if a.variant == "all":
        if a.out is not None or a.out_dir is None:
            raise UsageError("--variant all needs --out-dir DIR (and no --out)")
        if not os.path.isdir(a.out_dir):
            raise UsageError(f"--out-dir {a.out_dir}: not a directory")
    else:
        if a.out is None or a.out_dir is not None:
            raise UsageError(f"--variant {a.variant} needs --out FILE (and no --out-dir)")
        parent = os.path.dirname(a.out) or "."
        if not os.path.isdir(parent):
            raise UsageError(f"--out {a.out}: directory {parent} does not exist")
    return a


def main(argv):
    try:
        args = parse_args(argv)
        table = load_table(args.table)
        if args.budget_fte * table["max_epochs"] < 1 - 1e-9:
            raise UsageError(
                f"--budget-fte {args.budget_fte:g} is less than one epoch of {table['name']} (1/{table['max_epochs']} FTE)"
            )
    except UsageError as e:
        print(f"optuna-table: {e}", file=sys.stderr)
        print("usage: bench/optuna-table.py --table FILE --variant NAME|all [--seeds 20] [--budget-fte 100] [--snap protocol|float] (--out FILE | --out-dir DIR)", file=sys.stderr)
        return 2
    try:
        import optuna
    except ImportError:
        print("optuna-table: cannot import optuna (install python3-optuna, or pip install optuna)", file=sys.stderr)
        return 1
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    variants = VARIANTS if args.variant == "all" else [args.variant]
    for variant in variants:
        out = os.path.join(args.out_dir, f"{variant}.json") if args.variant == "all" else args.out
        start = time.perf_counter()
        trace = run_variant(optuna, table, variant, args.seeds, args.budget_fte, args.snap)
        write_json(out, trace)
        print(
            f"{variant}: {args.seeds} seeds x {args.budget_fte:g} FTE on {table['name']} in {time.perf_counter() - start:.1f} s -> {out}",
            file=sys.stderr,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
