#!/usr/bin/python3
"""CPU time of each process of one `hypersieve run` of the PyTorch study (worker protocol), apart.

    /usr/bin/python3 bench/process-cpu.py [--study bench/pytorch-study.yaml]

Samples /proc/PID/stat (utime + stime, all threads) of the hypersieve wrapper, the CLI and every
process they start, every 0.1 s, and prints each one's last reading: a lower bound, short by at
most 0.1 s of a process's CPU before it exited. Needs the same Python packages as
bench/pytorch-vs-optuna.py.
"""
import argparse
import os
import re
import subprocess
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TICK = os.sysconf("SC_CLK_TCK")


def cpu_and_children(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            children = [int(c) for c in f.read().split()]
        with open(f"/proc/{pid}/cmdline") as f:
            name = " ".join(f.read().split("\0")[:3])[:90]
        if not name.strip():
            with open(f"/proc/{pid}/comm") as f:
                name = f.read().strip()
        return (int(fields[11]) + int(fields[12])) / TICK, children, name
    except OSError:
        return None


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--study", default=os.path.join(ROOT, "bench", "pytorch-study.yaml"))
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="hypersieve-process-cpu-")
    study = os.path.join(os.path.dirname(os.path.abspath(args.study)), f".process-cpu-{os.getpid()}.yaml")
    with open(study, "w") as f:
        f.write(re.sub(r"^protocol:.*$", "protocol: worker", open(args.study).read(), flags=re.M))
    start = time.monotonic()
    try:
        proc = subprocess.Popen(["node", os.path.join(ROOT, "bin", "hypersieve.mjs"), "run", study, "--db", os.path.join(work, "p.db")], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        last = {}
        while proc.poll() is None:
            todo = [proc.pid]
            while todo:
                pid = todo.pop()
                reading = cpu_and_children(pid)
                if reading:
                    last[pid] = (reading[0], reading[2])
                    todo.extend(reading[1])
            time.sleep(0.1)
    finally:
        os.remove(study)
    print(f"wall {time.monotonic() - start:.1f} s; load average {os.getloadavg()[0]:.1f}")
    for pid, (cpu, name) in sorted(last.items()):
        print(f"  {cpu:6.2f} s CPU  pid {pid}  {name}")


if __name__ == "__main__":
    main()
