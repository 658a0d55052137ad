#!/usr/bin/python3
"""The PyTorch example's study through Optuna, as an Optuna user writes it.

TPE + HyperbandPruner(min_resource=1, max_resource=MAX_EPOCHS,
reduction_factor=3) over the space of bench/pytorch-study.yaml, training
examples/pytorch/train.py's MLP in this process (its functions are
imported: same data split, model, optimizer, shuffle and evaluation),
reporting the validation loss after every epoch and asking should_prune().
The study ends when the epoch budget is spent: the epoch that spends it is
the last one trained, as Hypersieve's epoch budget ends its study.

    /usr/bin/python3 bench/optuna-pytorch.py [--budget 200] [--max-epochs 20] [--seed 0] [--trials-out FILE]

Prints one JSON line: trials, epochs, best value, Optuna's version, and the seconds
spent training and evaluating (epoch_seconds, as the example reports them).
"""
import argparse
import json
import os
import sys
import time

import optuna
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "examples", "pytorch"))
import train  # noqa: E402  (examples/pytorch/train.py)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--budget", type=int, default=200, help="epochs in all")
    parser.add_argument("--max-epochs", type=int, default=20)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--trials-out", help="write each trial's params, epochs and epoch seconds to this file (JSON lines)")
    args = parser.parse_args()
    torch.set_num_threads(int(os.environ.get("TORCH_NUM_THREADS", "1")))
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    x_train, y_train, x_val, y_val = train.load_data()
    spent = 0
    epoch_seconds = [0.0]  # training and evaluation, as the example's epoch_seconds
    seconds_of = {}  # the same per trial (--trials-out)

    def objective(trial):
        nonlocal spent
        config = {
            "lr": trial.suggest_float("lr", 1e-4, 0.1, log=True),
            "width": trial.suggest_int("width", 16, 256, log=True),
            "depth": trial.suggest_int("depth", 1, 3),
            "dropout": trial.suggest_float("dropout", 0.0, 0.5),
            "weight_decay": trial.suggest_float("weight_decay", 1e-6, 0.01, log=True),
            "batch_size": trial.suggest_int("batch_size", 16, 128, log=True),
            "optimizer": trial.suggest_categorical("optimizer", ["sgd", "adam"]),
            "seed": args.seed * 1000 + trial.number,
        }
        torch.manual_seed(config["seed"])
        model = train.build_model(config)
        optimizer = train.build_optimizer(config, model)
        best = float("inf")
        for epoch in range(1, args.max_epochs + 1):
            began = time.monotonic()
            train.train_one_epoch(model, optimizer, x_train, y_train, config, epoch)
            val_loss, _ = train.evaluate(model, x_val, y_val)
            epoch_seconds[0] += time.monotonic() - began
            seconds_of[trial.number] = seconds_of.get(trial.number, 0.0) + time.monotonic() - began
            spent += 1
            best = min(best, val_loss) if val_loss == val_loss else best
            trial.report(val_loss, epoch)
            if spent >= args.budget:
                trial.study.stop()
                return best
            if trial.should_prune():
                raise optuna.TrialPruned()
        return best

    sampler = optuna.samplers.TPESampler(seed=args.seed)
    pruner = optuna.pruners.HyperbandPruner(min_resource=1, max_resource=args.max_epochs, reduction_factor=3)
    # HyperbandPruner puts a trial in a bracket by a hash of the study's name: a fixed name makes the run repeatable.
    study = optuna.create_study(study_name=f"pytorch-digits-{args.seed}", direction="minimize", sampler=sampler, pruner=pruner)
    study.optimize(objective)
    # The best value over every epoch trained, pruned trials included, as Hypersieve's best value is.
    values = [v for t in study.trials for v in t.intermediate_values.values() if v == v]
    if args.trials_out:  # per trial: params, epochs trained, their seconds (bench/README.md, "Which networks")
        with open(args.trials_out, "w") as f:
            for t in study.trials:
                f.write(json.dumps({"params": t.params, "epochs": len(t.intermediate_values), "seconds": seconds_of.get(t.number, 0.0)}) + "\n")
    print(json.dumps({"trials": len(study.trials), "epochs": spent, "best": min(values), "optuna": optuna.__version__, "epoch_seconds": epoch_seconds[0]}))


if __name__ == "__main__":
    main()
