#!/usr/bin/python3
"""Re-trains, in this one process, every trial of a Hypersieve run of the PyTorch study, and compares epoch times.

    /usr/bin/python3 bench/replay-cost.py DB

For each trial in DB (a `hypersieve run bench/pytorch-study.yaml --db DB`): its params, as many epochs as it reported,
trained with the example's own functions as bench/optuna-pytorch.py trains (one thread), timing each epoch's training
and evaluation. Prints per trial and in all: the epoch seconds the program reported inside Hypersieve, and the wall and
main-thread CPU seconds here. Same networks, same epochs: a difference is what running inside Hypersieve costs the
epochs (bench/README.md, "OpenMP threads"). Needs the packages of bench/pytorch-vs-optuna.py.
"""
import json
import os
import sqlite3
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "examples", "pytorch"))
import torch  # noqa: E402
import train  # noqa: E402


def main():
    if len(sys.argv) != 2:
        raise SystemExit(__doc__.splitlines()[2].strip())
    torch.set_num_threads(1)
    con = sqlite3.connect(sys.argv[1])
    rows = con.execute(
        "select t.number, t.params, count(m.id), sum(json_extract(m.extra, '$.epoch_seconds')) from trials t"
        " join measurements m on m.trial_id = t.id group by t.id order by t.number"
    ).fetchall()
    x_train, y_train, x_val, y_val = train.load_data()
    inside = wall = cpu = 0.0
    for number, params, epochs, reported in rows:
        config = dict(train.DEFAULTS, **json.loads(params), seed=number)
        torch.manual_seed(number)
        model = train.build_model(config)
        optimizer = train.build_optimizer(config, model)
        w = c = 0.0
        for epoch in range(1, epochs + 1):
            began, began_cpu = time.monotonic(), time.thread_time()
            train.train_one_epoch(model, optimizer, x_train, y_train, config, epoch)
            train.evaluate(model, x_val, y_val)
            w += time.monotonic() - began
            c += time.thread_time() - began_cpu
        inside, wall, cpu = inside + (reported or 0), wall + w, cpu + c
        print(f"#{number:3d} width {config['width']:3d} depth {config['depth']} epochs {epochs:3d}: inside {reported or 0:6.3f} s, here {w:6.3f} s wall, {c:6.3f} s CPU")
    print(f"all {len(rows)} trials: epochs inside Hypersieve {inside:.2f} s; here {wall:.2f} s wall, {cpu:.2f} s main-thread CPU; load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
