#!/usr/bin/python3
"""The PyTorch example's study through Hypersieve and through Optuna, in one run.

    /usr/bin/python3 bench/pytorch-vs-optuna.py [--study bench/pytorch-study.yaml] [--rounds 1]
        [--protocols worker,persistent,per-job] [--methods sieve,tpe+hyperband] [--keep DIR] [--same-seed]

For each round, runs in turn (never side by side, so they do not share the CPU;
every other round in the reverse order):
- `hypersieve run STUDY --db <fresh db>` once per protocol and method (the
  study file's `protocol` and `method` lines are rewritten for that row);
  `--methods tpe+hyperband` runs Optuna's own algorithm (TPE proposing,
  Hyperband with eta 3 from 1 to max_epochs stopping) through Hypersieve, so
  the two rows differ in overhead, not in the trials they choose;
- bench/optuna-pytorch.py: TPE + HyperbandPruner, the same space, max epochs,
  epoch budget and seed, training in-process.
Round r runs every row with the study's seed + r (--same-seed: the study's seed in every round): which networks a
seed draws decides much of what its epochs cost, so one seed measures one draw.
Then prints a table: wall time, CPU time (user + sys of the process and every
descendant it waited for, from wait4), process starts of the training
program, trials, epochs, best validation loss. Hypersieve's row includes
Node, starting the CLI (its bundle, dist/hypersieve-cli.mjs) and the server side of the study; Optuna's
includes Python importing torch, optuna and sklearn.

Needs /usr/bin/python3 with torch, scikit-learn and optuna (Debian:
python3-torch python3-sklearn python3-optuna). Run from anywhere; paths are
relative to the repository.
"""
import argparse
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "examples", "pytorch"))  # train.load_data(), for the training set's size


def run_measured(argv, env, cwd=ROOT):
    """Runs argv to its end; returns (wall s, stdout, stderr, exit code)."""
    start = time.monotonic()
    proc = subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out, err = proc.communicate()
    wall = time.monotonic() - start
    # communicate() reaped the child; the rusage of the whole tree comes from RUSAGE_CHILDREN deltas instead.
    return wall, out, err, proc.returncode


def cpu_children():
    import resource
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def starts_in(path):
    if not os.path.exists(path):
        return 0
    with open(path) as f:
        return sum(1 for line in f if line.strip())


def hypersieve_row(study, protocol, method, seed, work):
    text = open(study).read()
    text = re.sub(r"^protocol:.*$", f"protocol: {protocol}", text, flags=re.M)
    text = re.sub(r"^method:.*$", f"method: {method}", text, flags=re.M)
    text = re.sub(r"^seed:.*$", f"seed: {seed}", text, flags=re.M)
    tag = f"{protocol}-{method.replace('+', '-')}"
    study_file = os.path.join(os.path.dirname(os.path.abspath(study)), f".bench-{tag}-{os.getpid()}.yaml")
    with open(study_file, "w") as f:
        f.write(text)
    db = os.path.join(work, f"{tag}.db")
    starts = os.path.join(work, f"{tag}.starts")
    env = dict(os.environ, TRAIN_STARTS_FILE=starts, HYPERSIEVE_DB=db)
    try:
        before = cpu_children()
        wall, out, err, code = run_measured(["node", os.path.join(ROOT, "bin", "hypersieve.mjs"), "run", study_file, "--db", db], env)
        cpu = cpu_children() - before
    finally:
        os.remove(study_file)
    if code != 0:
        sys.stderr.write(err[-3000:])
        raise SystemExit(f"hypersieve run ({protocol}, {method}) exited with {code}")
    con = sqlite3.connect(db)
    (study_id,) = con.execute("select max(id) from studies").fetchone()
    (trials,) = con.execute("select count(*) from trials where study_id = ?", (study_id,)).fetchone()
    (epochs,) = con.execute("select count(*) from measurements m join trials t on m.trial_id = t.id where t.study_id = ?", (study_id,)).fetchone()
    (best,) = con.execute("select best_value from studies where id = ?", (study_id,)).fetchone()
    # The program's own time in its epochs (training and evaluation), which it reports as the extra metric epoch_seconds.
    (trained,) = con.execute(
        "select coalesce(sum(json_extract(m.extra, '$.epoch_seconds')), 0) from measurements m join trials t on m.trial_id = t.id where t.study_id = ?",
        (study_id,),
    ).fetchone()
    networks = [(json.loads(params), epochs) for params, epochs in con.execute(
        "select t.params, count(m.id) from trials t join measurements m on m.trial_id = t.id where t.study_id = ? group by t.id", (study_id,))]
    con.close()
    return {"run": f"hypersieve ({protocol}, {method})", "seed": seed, "wall": wall, "cpu": cpu, "starts": starts_in(starts), "trials": trials, "epochs": epochs, "best": best, "trained": trained,
            "networks": networks}


def optuna_row(budget, max_epochs, seed, omp_threads=None):
    """Optuna's run; with omp_threads, under OMP_NUM_THREADS as Hypersieve starts its programs (see --optuna-omp)."""
    env = dict(os.environ)
    if omp_threads is not None:
        env["OMP_NUM_THREADS"] = str(omp_threads)
    trials_file = tempfile.mktemp(prefix="optuna-trials-", suffix=".jsonl")
    before = cpu_children()
    wall, out, err, code = run_measured(
        [sys.executable, os.path.join(ROOT, "bench", "optuna-pytorch.py"), "--budget", str(budget), "--max-epochs", str(max_epochs), "--seed", str(seed),
         "--trials-out", trials_file],
        env,
    )
    cpu = cpu_children() - before
    networks = []
    if os.path.exists(trials_file):
        with open(trials_file) as f:
            networks = [(r["params"], r["epochs"]) for r in map(json.loads, f) if r["epochs"] > 0]
        os.remove(trials_file)
    if code != 0:
        sys.stderr.write(err[-3000:])
        raise SystemExit(f"optuna-pytorch.py exited with {code}")
    result = json.loads(out.strip().splitlines()[-1])
    name = f"optuna {result['optuna']} (tpe+hyperband)" + (f", OMP {omp_threads}" if omp_threads is not None else "")
    return {"run": name, "seed": seed, "wall": wall, "cpu": cpu, "starts": 1, "trials": result["trials"], "epochs": result["epochs"], "best": result["best"], "trained": result["epoch_seconds"],
            "networks": networks}


def network_cost(rows, train_rows):
    """What an epoch of the networks a run trained costs, weighted by the epochs each trained: mini-batch steps per
    epoch and multiply-adds per sample of the MLP (64 inputs, depth x width, 10 outputs), and the seconds per epoch."""
    epochs = steps = macs = seconds = 0
    for row in rows:
        seconds += row["trained"]
        for params, n in row["networks"]:
            w, d = params["width"], params["depth"]
            epochs += n
            steps += n * -(-train_rows // params["batch_size"])
            macs += n * (64 * w + (d - 1) * w * w + 10 * w)
    return (steps / epochs, macs / epochs, 1000 * seconds / epochs) if epochs else None


def study_numbers(study):
    text = open(study).read()
    grab = lambda pattern: int(re.search(pattern, text, flags=re.M).group(1))
    return grab(r"^budget:\s*\{\s*epochs:\s*(\d+)"), grab(r"^max_epochs:\s*(\d+)"), grab(r"^seed:\s*(\d+)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--study", default=os.path.join(ROOT, "bench", "pytorch-study.yaml"))
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--same-seed", action="store_true",
                        help="every round with the study file's seed; by default round r uses seed + r (the same for every row of"
                             " the round), so the ratio is not one seed's draw of networks, whose epochs cost what they cost")
    parser.add_argument("--protocols", default="worker,persistent,per-job")
    parser.add_argument("--methods", default="sieve", help="comma-separated methods for Hypersieve's rows (tpe+hyperband: Optuna's algorithm)")
    parser.add_argument("--keep", help="keep the databases and start logs in this folder")
    parser.add_argument("--optuna-omp", type=int, default=max(1, (os.cpu_count() or 1) - 1),
                        help="also run Optuna under OMP_NUM_THREADS=N, the value Hypersieve gives a study's one program when the"
                             " environment sets none (cores - 1); 0: only Optuna as it starts by default")
    args = parser.parse_args()
    budget, max_epochs, seed = study_numbers(args.study)
    work = args.keep or tempfile.mkdtemp(prefix="hypersieve-vs-optuna-")
    os.makedirs(work, exist_ok=True)
    rows = []
    try:
        for r in range(args.rounds):
            round_dir = os.path.join(work, f"round-{r}")
            os.makedirs(round_dir, exist_ok=True)
            s = seed if args.same_seed else seed + r
            runs = [lambda p=p, m=m: hypersieve_row(args.study, p, m, s, round_dir) for p in args.protocols.split(",") for m in args.methods.split(",")]
            runs.append(lambda: optuna_row(budget, max_epochs, s))
            if args.optuna_omp > 0 and "OMP_NUM_THREADS" not in os.environ:
                runs.append(lambda: optuna_row(budget, max_epochs, s, args.optuna_omp))
            # Every other round in the reverse order, so a load that rises or falls during a round favours neither side.
            for run in runs if r % 2 == 0 else runs[::-1]:
                load = os.getloadavg()[0]
                rows.append(dict(run(), load=load))
                print(f"  {rows[-1]}", file=sys.stderr)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    seeds = f"seed {seed}" if args.same_seed or args.rounds == 1 else f"seeds {seed}-{seed + args.rounds - 1} (one a round)"
    print(f"study: {os.path.relpath(args.study, ROOT)}: {budget} epochs, at most {max_epochs} a trial, {seeds}; load average {os.getloadavg()[0]:.1f} (load: the 1-minute load average as each row started)")
    print("epochs s: the program's own time in its epochs (training and evaluation; what the samplers' choices of network cost); rest s: wall - epochs s")
    print(f"{'run':<40} {'seed':>4} {'wall s':>7} {'epochs s':>8} {'rest s':>7} {'CPU s':>7} {'starts':>7} {'trials':>7} {'epochs':>7} {'best':>8} {'load':>5}")
    for row in rows:
        print(f"{row['run']:<40} {row['seed']:>4} {row['wall']:>7.1f} {row['trained']:>8.1f} {row['wall'] - row['trained']:>7.1f} {row['cpu']:>7.1f} {row['starts']:>7} {row['trials']:>7} {row['epochs']:>7} {row['best']:>8.4f} {row['load']:>5.1f}")
    # The strongest baseline: of Optuna's variants (as it starts by default, and under OMP_NUM_THREADS), the one with the
    # lower pooled wall time.
    variants = {}
    for r in rows:
        if r["run"].startswith("optuna"):
            variants.setdefault(r["run"], []).append(r)
    best_name, optuna = min(variants.items(), key=lambda item: sum(r["wall"] for r in item[1]))
    if len(variants) > 1:
        pooled = ", ".join(f"{name}: {sum(r['wall'] for r in v):.1f} s" for name, v in variants.items())
        print(f"against {best_name}, the faster of Optuna's rows (wall pooled: {pooled})")
    for protocol in args.protocols.split(","):
        for method in args.methods.split(","):
            name = f"hypersieve ({protocol}, {method})"
            ours = [r for r in rows if r["run"] == name]
            ratio = sum(r["wall"] for r in ours) / sum(r["wall"] for r in optuna)
            cpu = sum(r["cpu"] for r in ours) / sum(r["cpu"] for r in optuna)
            rest = sum(r["wall"] - r["trained"] for r in ours) / sum(r["wall"] - r["trained"] for r in optuna)
            print(f"{name} / optuna: wall {ratio:.2f}x, CPU {cpu:.2f}x, wall outside the epochs {rest:.2f}x")
    # Same epochs, other networks: which networks each search trained decides what its epochs cost.
    train_rows = len(__import__("train").load_data()[1])
    print(f"networks trained, per epoch (epoch-weighted, all rounds; {train_rows} training rows):")
    for name in dict.fromkeys(r["run"] for r in rows):
        cost = network_cost([r for r in rows if r["run"] == name], train_rows)
        if cost:
            print(f"  {name:<40} {cost[0]:5.1f} steps, {cost[1] / 1000:5.1f}k multiply-adds a sample, {cost[2]:5.2f} ms")


if __name__ == "__main__":
    main()
