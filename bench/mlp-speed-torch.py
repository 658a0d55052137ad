"""The same network as bench/mlp-speed.ts in PyTorch, on the same machine:
digits (the project's CSV, 70/30 split, standardized), depth 2, batch 32,
ReLU, SGD with momentum 0.9 or Adam, one thread, training plus validation.
Run with Debian's Python: `/usr/bin/python3 bench/mlp-speed-torch.py`
(apt-get install python3-torch). Prints figures; never part of the tests."""
import csv
import os
import time

import torch

torch.set_num_threads(1)
torch.manual_seed(1)
rows = list(csv.reader(open(os.path.join(os.path.dirname(__file__), "..", "lib", "objectives", "datasets", "digits.csv"))))[1:]
x = torch.tensor([[float(v) for v in r[:-1]] for r in rows])
y = torch.tensor([int(r[-1]) for r in rows])
perm = torch.randperm(len(rows))
cut = int(len(rows) * 0.7)
xt, yt, xv, yv = x[perm[:cut]], y[perm[:cut]], x[perm[cut:]], y[perm[cut:]]
mean, std = xt.mean(0), xt.std(0)
std[std == 0] = 1
xt, xv = (xt - mean) / std, (xv - mean) / std
EPOCHS = 4

print(f"PyTorch {torch.__version__}, 1 thread. MLP on digits, depth 2, batch 32: seconds per epoch (train + validation)")
for width in (64, 256):
    for name in ("sgd", "adam"):
        model = torch.nn.Sequential(torch.nn.Linear(64, width), torch.nn.ReLU(), torch.nn.Linear(width, width), torch.nn.ReLU(), torch.nn.Linear(width, 10))
        opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9) if name == "sgd" else torch.optim.Adam(model.parameters(), lr=0.01)
        loss_fn = torch.nn.CrossEntropyLoss()

        def epoch():
            model.train()
            order = torch.randperm(len(xt))
            for i in range(0, len(xt), 32):
                idx = order[i : i + 32]
                opt.zero_grad()
                loss_fn(model(xt[idx]), yt[idx]).backward()
                opt.step()
            model.eval()
            with torch.no_grad():
                loss_fn(model(xv), yv).item()

        epoch()
        wall0, cpu0 = time.perf_counter(), time.process_time()
        for _ in range(EPOCHS):
            epoch()
        wall, cpu = (time.perf_counter() - wall0) / EPOCHS, (time.process_time() - cpu0) / EPOCHS
        print(f"  width {width:3d}  {name:4s}  {wall:.3f} s wall  {cpu:.3f} s cpu")
