#!/usr/bin/env python3
"""A training program for a Hypersieve command study, in PyTorch.

An MLP on scikit-learn's handwritten digits (8x8 images, 10 classes) that
follows docs/command-protocol.md: params from HYPERSIEVE_PARAMS (flags
override), one JSON line per epoch on stdout, checkpoints in
HYPERSIEVE_CHECKPOINT_DIR (torch.save) at the job's last epoch, after a
SIGTERM and at least every --checkpoint-seconds (30; 0: every epoch),
resume from HYPERSIEVE_RESUME_FROM, and a clean exit on SIGTERM. Under the persistent protocol
(HYPERSIEVE_PROTOCOL=persistent) one process trains its trial across jobs:
at the epoch it was given it waits on stdin for {"continue_to": N} or
{"stop": true}, so torch is imported once per trial, not once per rung.
Under the worker protocol (HYPERSIEVE_PROTOCOL=worker) it also takes
{"start": {"argv": [...], "env": {...}}}, another trial's job, so torch is
imported once per process, not once per trial.
"""
import argparse
import json
import math
import os
import re
import signal
import sys
import time

import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

DEFAULTS = {"lr": 0.01, "width": 64, "depth": 1, "dropout": 0.1, "weight_decay": 1e-4,
            "batch_size": 32, "optimizer": "adam", "epochs": 20, "seed": 0, "checkpoint_seconds": 30.0}

stopping = False
waiting = False


def on_sigterm(signum, frame):
    # Finish the current mini-batch, then leave the loop: a checkpoint is never half written.
    global stopping
    stopping = True
    if waiting:
        sys.exit(0)  # waiting for an instruction: the last epoch's checkpoint is on disk


def next_instruction():
    """The next instruction on stdin: ("continue", epoch), ("start", config) or None to stop (also at the end of stdin)."""
    global waiting
    waiting = True
    try:
        line = sys.stdin.readline()
    finally:
        waiting = False
    if not line:
        return None
    instruction = json.loads(line)
    if instruction.get("stop"):
        return None
    if "start" in instruction:
        # Another trial's job: set up as if this process had been started with its argv and environment.
        start = instruction["start"]
        return "start", configuration({**os.environ, **start["env"]}, start["argv"][2:])
    return "continue", int(instruction["continue_to"])


def configuration(env, argv):
    config = dict(DEFAULTS)
    config.update(json.loads(env.get("HYPERSIEVE_PARAMS") or "{}"))
    if env.get("HYPERSIEVE_EPOCHS"):
        config["epochs"] = int(env["HYPERSIEVE_EPOCHS"])
    if env.get("HYPERSIEVE_SEED"):
        config["seed"] = int(env["HYPERSIEVE_SEED"])
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for key, default in DEFAULTS.items():
        parser.add_argument("--" + key.replace("_", "-"), dest=key, type=type(default), default=None)
    for key, value in vars(parser.parse_args(argv)).items():
        if value is not None:
            config[key] = value
    config["width"] = int(config["width"])
    config["depth"] = int(config["depth"])
    config["batch_size"] = int(config["batch_size"])
    config["checkpoint_dir"] = env.get("HYPERSIEVE_CHECKPOINT_DIR", "")
    config["resume_from"] = env.get("HYPERSIEVE_RESUME_FROM", "")
    # A branch's first job (a warm start, a schedule's next segment): another trial's checkpoint to start from.
    config["parent_checkpoint"] = env.get("HYPERSIEVE_PARENT_CHECKPOINT", "")
    config["shrink_perturb"] = env.get("HYPERSIEVE_SHRINK_PERTURB") == "true"
    config["from_epoch"] = int(env.get("HYPERSIEVE_FROM_EPOCH") or 0)
    return config


def load_data():
    digits = load_digits()
    x = torch.tensor(digits.data / 16.0, dtype=torch.float32)
    y = torch.tensor(digits.target, dtype=torch.long)
    # The split is the same for every trial, whatever its seed.
    train, val = train_test_split(range(len(y)), test_size=0.3, stratify=digits.target, random_state=0)
    return x[train], y[train], x[val], y[val]


def build_model(config):
    layers, width_in = [], 64
    for _ in range(config["depth"]):
        layers += [torch.nn.Linear(width_in, config["width"]), torch.nn.ReLU(), torch.nn.Dropout(config["dropout"])]
        width_in = config["width"]
    layers.append(torch.nn.Linear(width_in, 10))
    return torch.nn.Sequential(*layers)


def build_optimizer(config, model):
    if config["optimizer"] == "sgd":
        return torch.optim.SGD(model.parameters(), lr=config["lr"], momentum=0.9, weight_decay=config["weight_decay"])
    if config["optimizer"] == "adam":
        return torch.optim.Adam(model.parameters(), lr=config["lr"], weight_decay=config["weight_decay"])
    raise SystemExit(f"optimizer must be sgd or adam (got {config['optimizer']!r})")


def save_checkpoint(directory, epoch, model, optimizer, best):
    path = os.path.join(directory, f"epoch-{epoch}.pt")
    state = {"epoch": epoch, "model": model.state_dict(), "optimizer": optimizer.state_dict(), "rng": torch.get_rng_state(),
             "optimizer_kind": type(optimizer).__name__, "best": best.summary()}
    torch.save(state, path + ".tmp")
    os.replace(path + ".tmp", path)  # a kill mid-write never leaves a torn checkpoint
    best.write(directory)
    # Keep this one and the newest before it: a job stopped between this save and its line resumes from the older.
    older = sorted(e for e in checkpoint_epochs(directory) if e < epoch)
    for e in older[:-1]:
        os.remove(os.path.join(directory, f"epoch-{e}.pt"))


class BestWeights:
    """The weights of the trial's lowest validation loss so far, kept in memory and written to best.pt with each
    checkpoint. The epoch files are only the newest two, so without it the best epoch's weights would be gone;
    Hypersieve shows best.pt as the trial's best checkpoint when no epoch file of the best epoch is left."""

    def __init__(self, summary=None):
        self.epoch, self.value = (summary["epoch"], summary["value"]) if summary else (0, math.inf)
        self.model, self.written = None, True

    def summary(self):
        return {"epoch": self.epoch, "value": self.value} if self.epoch else None

    def offer(self, epoch, value, model):
        if value < self.value:  # NaN never is
            self.epoch, self.value, self.written = epoch, value, False
            self.model = {k: v.detach().clone() for k, v in model.state_dict().items()}

    def write(self, directory):
        if self.written or self.model is None:
            return
        path = os.path.join(directory, "best.pt")
        torch.save({"epoch": self.epoch, "value": self.value, "model": self.model}, path + ".tmp")
        os.replace(path + ".tmp", path)
        self.written = True


def checkpoint_epochs(directory):
    return [int(m.group(1)) for f in os.listdir(directory) if (m := re.fullmatch(r"epoch-(\d+)\.pt", f))]


def load_checkpoint(directory, from_epoch):
    """The newest checkpoint at or before the epoch this job starts from, or None."""
    if not directory or not os.path.isdir(directory):
        return None
    epochs = [e for e in checkpoint_epochs(directory) if e <= from_epoch]
    if not epochs:
        return None
    # The trial's own file, written by save_checkpoint; torch 1.13's weights-only loader cannot read optimizer floats.
    return torch.load(os.path.join(directory, f"epoch-{max(epochs)}.pt"), weights_only=False)


def evaluate(model, x, y):
    model.eval()
    with torch.no_grad():
        logits = model(x)
        loss = torch.nn.functional.cross_entropy(logits, y).item()
        accuracy = (logits.argmax(dim=1) == y).float().mean().item()
    model.train()
    return loss, accuracy


def train_one_epoch(model, optimizer, x_train, y_train, config, epoch):
    """One pass over the training set; the mean training loss, or None when SIGTERM came mid-epoch."""
    # The shuffle depends on (seed, epoch) alone, so a resumed trial trains exactly as an uninterrupted one.
    order = torch.randperm(len(y_train), generator=torch.Generator().manual_seed(config["seed"] * 100003 + epoch))
    total = 0.0
    for b in range(0, len(order), config["batch_size"]):
        if stopping:
            return None
        batch = order[b:b + config["batch_size"]]
        optimizer.zero_grad()
        loss = torch.nn.functional.cross_entropy(model(x_train[batch]), y_train[batch])
        loss.backward()
        optimizer.step()
        total += loss.item() * len(batch)
    return total / len(order)


def finite(v):
    return v if math.isfinite(v) else None  # null is read as NaN: a diverged run


def trial(config, data, waits):
    """Trains one trial; returns the next trial's config (worker protocol), or None when the process should exit."""
    x_train, y_train, x_val, y_val = data
    torch.manual_seed(config["seed"])
    model = build_model(config)
    optimizer = build_optimizer(config, model)

    start, best = 0, BestWeights()
    if config["parent_checkpoint"]:
        # A branch: the parent's weights, this trial's params (docs/command-protocol.md, "Warm starts and branches").
        parent = torch.load(config["parent_checkpoint"], weights_only=False)
        try:
            model.load_state_dict(parent["model"])
        except RuntimeError as error:
            raise SystemExit(f"warm start: the parent's network does not fit this trial's (width {config['width']}, depth {config['depth']}): {error}")
        if config["shrink_perturb"]:
            # Shrink and perturb (Ash and Adams 2020): w <- 0.5 w + 0.01 sigma_layer eps; the optimizer starts afresh.
            with torch.no_grad():
                for p in model.parameters():
                    p.mul_(0.5).add_(0.01 * (p.std() if p.numel() > 1 else p.abs()) * torch.randn_like(p))
        elif parent.get("optimizer_kind") == type(optimizer).__name__:
            optimizer.load_state_dict(parent["optimizer"])  # the moments go on; lr and weight decay are set below
        start = parent["epoch"]
        best = BestWeights(parent.get("best"))  # the inherited epochs' best; its weights stay in the parent's folder
        print(f"branched from epoch {start} of {config['parent_checkpoint']}", file=sys.stderr)
    else:
        checkpoint = load_checkpoint(config["resume_from"], config["from_epoch"])
        if checkpoint is not None:
            model.load_state_dict(checkpoint["model"])
            optimizer.load_state_dict(checkpoint["optimizer"])
            torch.set_rng_state(checkpoint["rng"])
            start = checkpoint["epoch"]
            best = BestWeights(checkpoint.get("best"))
            print(f"resumed from epoch {start}", file=sys.stderr)
    # load_state_dict restores the saved learning rate and weight decay: this trial's params win (the same values on
    # an ordinary resume; a branch's own on a warm start or a schedule's next segment).
    for group in optimizer.param_groups:
        group["lr"] = config["lr"]
        group["weight_decay"] = config["weight_decay"]
    if config["checkpoint_dir"]:
        os.makedirs(config["checkpoint_dir"], exist_ok=True)

    target, epoch = config["epochs"], start
    saved_at = time.monotonic()
    while True:
        epoch += 1
        if epoch > target:
            # Per-job protocol: done. Persistent and worker: wait, with the model in memory, for the next instruction.
            instruction = next_instruction() if waits else None
            if instruction is None:
                return None
            if instruction[0] == "start":
                return instruction[1]
            target = instruction[1]
        began = time.monotonic()
        train_loss = train_one_epoch(model, optimizer, x_train, y_train, config, epoch)
        if train_loss is None:
            print(f"stopping in epoch {epoch} (SIGTERM)", file=sys.stderr)
            return None
        val_loss, accuracy = evaluate(model, x_val, y_val)
        epoch_seconds = time.monotonic() - began
        best.offer(epoch, val_loss, model)
        # A checkpoint where the next job goes on (the last epoch of this one: the process waits or exits there), where
        # a SIGTERM ends the process, and every checkpoint_seconds against a crash; a job that resumes from an older one
        # trains the epochs since again, and the server drops their lines as repeats (docs/command-protocol.md).
        due = epoch == target or stopping or time.monotonic() - saved_at >= config["checkpoint_seconds"]
        if config["checkpoint_dir"] and due:
            save_checkpoint(config["checkpoint_dir"], epoch, model, optimizer, best)
            saved_at = time.monotonic()
        line = {"epoch": epoch, "value": finite(val_loss), "accuracy": accuracy, "train_loss": finite(train_loss),
                "epoch_seconds": round(epoch_seconds, 6)}  # training and evaluation, without the checkpoint
        print(json.dumps(line), flush=True)
        if stopping:
            print(f"stopping after epoch {epoch} (SIGTERM)", file=sys.stderr)
            return None


def main():
    signal.signal(signal.SIGTERM, on_sigterm)
    config = configuration(os.environ, sys.argv[1:])
    if os.environ.get("TRAIN_STARTS_FILE"):  # for benchmarks and tests: one line per process start
        with open(os.environ["TRAIN_STARTS_FILE"], "a") as f:
            f.write(f"{os.getpid()} {config['from_epoch']}\n")
    waits = os.environ.get("HYPERSIEVE_PROTOCOL") in ("persistent", "worker")
    torch.set_num_threads(int(os.environ.get("TORCH_NUM_THREADS", "1")))  # parallel trials share the CPU
    data = load_data()
    while config is not None:
        config = trial(config, data, waits)


if __name__ == "__main__":
    main()
