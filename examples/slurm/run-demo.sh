#!/usr/bin/env bash
# A Hypersieve study on a real Slurm cluster of one node (this machine), end to end:
#   1. installs Slurm (Debian's slurm-wlm) if it is missing, makes a munge key, writes a slurm.conf
#      with this host as controller and node, and starts munged, slurmctld and slurmd;
#   2. starts the Hypersieve server and creates an agent study whose checkpoints go to a shared folder;
#   3. submits an array job of four agents (sbatch --array=0-3); each node downloads the one-file
#      agent from the server (curl) into an empty folder and runs it with nothing but node;
#   4. midway, sends SIGTERM to one array task (scancel --signal=TERM JOB_TASK), whose agent gives its
#      job back; waits for the study to finish;
#   5. checks: nothing lost (every acknowledged report is in the database), the interrupted trial
#      resumed on another agent, no training process left (pgrep), and prints a summary.
# Needs root (the daemons) and a built server (npm run build; NEXT_DIST_DIR picks another build).
# Exits non-zero, saying why, when Slurm cannot be installed or started, or when a check fails.
# Everything it starts it stops again; its files stay in $WORK (printed at the start).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
WORK=${HYPERSIEVE_SLURM_WORK:-$(mktemp -d /tmp/hypersieve-slurm-XXXXXX)}
PORT=${PORT:-3190}
CTLD_PORT=${SLURMCTLD_PORT:-16817}
SLURMD_PORT=${SLURMD_PORT:-16818}
NODE_BIN=$(command -v node || true)
TRAIN="$ROOT/examples/slurm/train.mjs"
NODE=$(hostname -s)
SERVER="http://127.0.0.1:$PORT"
export SLURM_CONF="$WORK/etc/slurm.conf"

say() { echo "[run-demo] $*"; }
die() {
  echo "[run-demo] FAILED: $*" >&2
  exit 1
}

PIDS=()
cleanup() {
  local code=$?
  set +e
  [ -n "${ARRAY_JOB:-}" ] && scancel "$ARRAY_JOB" 2>/dev/null
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null
  done
  [ -S "$WORK/munge/munge.socket" ] && munged --stop --socket="$WORK/munge/munge.socket" >/dev/null 2>&1
  exit "$code"
}
trap cleanup EXIT

[ "$(id -u)" = 0 ] || die "this demo starts munged, slurmctld and slurmd, which needs root; run it as root (in a container or a VM)"
[ -n "$NODE_BIN" ] || die "node is not on PATH"
say "work folder: $WORK"
mkdir -p "$WORK"/{etc,munge,state,spool,log,run,logs,acks,nodes,checkpoints}
chmod 700 "$WORK/munge"

# --- 1. Slurm -----------------------------------------------------------------------------------
if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v munged >/dev/null; then
  say "installing slurm-wlm (apt-get)…"
  command -v apt-get >/dev/null || die "Slurm is not installed and there is no apt-get to install it with; install slurm-wlm and munge"
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y slurm-wlm >"$WORK/log/apt.log" 2>&1; then
    DEBIAN_FRONTEND=noninteractive apt-get update >>"$WORK/log/apt.log" 2>&1 || true
    DEBIAN_FRONTEND=noninteractive apt-get install -y slurm-wlm >>"$WORK/log/apt.log" 2>&1 ||
      die "could not install slurm-wlm (see $WORK/log/apt.log): $(tail -n 2 "$WORK/log/apt.log" | tr '\n' ' ')"
  fi
fi
say "$(slurmctld -V)"

mungekey --create --keyfile="$WORK/munge/munge.key" >/dev/null 2>&1 || die "mungekey could not create a key in $WORK/munge"
munged --force --key-file="$WORK/munge/munge.key" --socket="$WORK/munge/munge.socket" --pid-file="$WORK/munge/munged.pid" \
  --log-file="$WORK/log/munged.log" --seed-file="$WORK/munge/munged.seed" >"$WORK/log/munged.out" 2>&1 ||
  die "munged did not start: $(tail -n 3 "$WORK/log/munged.log" "$WORK/log/munged.out" 2>/dev/null | tr '\n' ' ')"
PIDS+=("$(cat "$WORK/munge/munged.pid")")

cat >"$SLURM_CONF" <<EOF
ClusterName=hypersieve-demo
SlurmctldHost=$NODE
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$WORK/munge/munge.socket
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$WORK/state
SlurmdSpoolDir=$WORK/spool
SlurmctldPidFile=$WORK/run/slurmctld.pid
SlurmdPidFile=$WORK/run/slurmd.pid
SlurmctldLogFile=$WORK/log/slurmctld.log
SlurmdLogFile=$WORK/log/slurmd.log
# Tracking by process group: Slurm itself does not see the training program (it leads its own group),
# so what ends it when its agent goes is Hypersieve's own handling, the thing this demo shows.
ProctrackType=proctrack/pgid
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
ReturnToService=2
KillWait=30
# Four agents on this machine whatever its core count: the agents mostly wait on their programs.
SlurmdParameters=config_overrides
NodeName=$NODE CPUs=4 RealMemory=1024 State=UNKNOWN
PartitionName=demo Nodes=$NODE Default=YES MaxTime=INFINITE State=UP
EOF

slurmctld -D -i -f "$SLURM_CONF" >"$WORK/log/slurmctld.out" 2>&1 &
PIDS+=($!)
slurmd -D -f "$SLURM_CONF" -N "$NODE" >"$WORK/log/slurmd.out" 2>&1 &
PIDS+=($!)
for i in $(seq 60); do
  state=$(sinfo -h -N -o %t 2>/dev/null | head -1 || true)
  [ "$state" = idle ] && break
  for pid in "${PIDS[@]:1}"; do
    kill -0 "$pid" 2>/dev/null || die "a Slurm daemon exited at start: $(tail -n 5 "$WORK/log/slurmctld.log" "$WORK/log/slurmd.log" "$WORK/log/"*.out 2>/dev/null | tr '\n' ' ')"
  done
  sleep 1
done
[ "${state:-}" = idle ] || die "the Slurm node did not come up idle (state '${state:-none}'): $(tail -n 5 "$WORK/log/slurmctld.log" "$WORK/log/slurmd.log" 2>/dev/null | tr '\n' ' ')"
say "Slurm is up: $(sinfo -h -o '%P %D node(s) %t, %c CPUs')"

# --- 2. the Hypersieve server and the study ---------------------------------------------------------
cd "$ROOT"
DIST=${NEXT_DIST_DIR:-.next}
if [ ! -f "$DIST/BUILD_ID" ]; then
  say "no server build in $DIST: npm run build (a few minutes)…"
  npm run build >"$WORK/log/build.log" 2>&1 || die "npm run build failed (see $WORK/log/build.log)"
fi
# The file the server serves at /api/agent/download, from this checkout's sources.
node scripts/build-agent.mjs >/dev/null || die "could not bundle the agent (node scripts/build-agent.mjs)"
curl -fs "$SERVER/api/objectives" >/dev/null 2>&1 && die "port $PORT is in use; set PORT to a free one"
HOST=127.0.0.1 PORT=$PORT HYPERSIEVE_DB="$WORK/demo.db" NEXT_DIST_DIR="$DIST" node scripts/start.mjs >"$WORK/log/server.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 120); do curl -fs "$SERVER/api/objectives" >/dev/null 2>&1 && break; sleep 0.5; done
curl -fs "$SERVER/api/objectives" >/dev/null || die "the server did not start: $(tail -n 5 "$WORK/log/server.log")"

cat >"$WORK/study.json" <<EOF
{"name": "slurm demo", "objective": "agent", "strategy": "random+fifo", "budget": {"kind": "trials", "value": 10},
 "parallelism": 4, "seed": 7,
 "agent": {"metric": "loss", "direction": "minimize", "maxEpochs": 6, "leaseSeconds": 30, "requeue": true,
           "sharedCheckpoints": "$WORK/checkpoints",
           "space": [{"type": "float", "name": "lr", "low": 0.001, "high": 0.1, "log": true},
                     {"type": "int", "name": "width", "low": 16, "high": 256, "log": true}]}}
EOF
# Creating a study changes state: it needs the server token, which the server wrote beside its database (mode 0600).
SERVER_TOKEN=$(head -n 1 "$WORK/demo.db.token") || die "the server wrote no token file ($WORK/demo.db.token)"
created=$(curl -fsS -X POST "$SERVER/api/studies" -H 'content-type: application/json' -H "authorization: Bearer $SERVER_TOKEN" --data @"$WORK/study.json") || die "could not create the study"
STUDY=$(node -e 'console.log(JSON.parse(process.argv[1]).id)' "$created")
node -e 'process.stdout.write(JSON.parse(process.argv[1]).agentToken)' "$created" >"$WORK/token"
chmod 600 "$WORK/token"
say "study $STUDY created at $SERVER (10 trials of 6 one-second epochs, 4 at a time)"

# --- 3. four agents, one Slurm array job ----------------------------------------------------------------
cat >"$WORK/agent.sbatch" <<EOF
#!/bin/bash
#SBATCH --job-name=hypersieve-agent
#SBATCH --array=0-3
#SBATCH --cpus-per-task=1
#SBATCH --output=$WORK/logs/agent-%a.log
# Each task starts in an empty folder, fetches the one-file agent and runs it with node: no repository, no npm ci.
set -e
mkdir -p "$WORK/nodes/\$SLURM_ARRAY_TASK_ID" && cd "$WORK/nodes/\$SLURM_ARRAY_TASK_ID"
curl -fsS -o hypersieve-agent.mjs "$SERVER/api/agent/download"
export HYPERSIEVE_AGENT_ACK_LOG="$WORK/acks/agent-\$SLURM_ARRAY_TASK_ID.jsonl" EPOCH_SECONDS=1
srun --ntasks=1 node hypersieve-agent.mjs --server "$SERVER" --study $STUDY --token-file "$WORK/token" \\
  --name "slurm-\${SLURM_ARRAY_JOB_ID}-\${SLURM_ARRAY_TASK_ID}" -- node "$TRAIN"
EOF
ARRAY_JOB=$(sbatch --parsable "$WORK/agent.sbatch") || die "sbatch refused the array job"
say "submitted array job $ARRAY_JOB (tasks 0-3)"

# --- 4. SIGTERM to one task midway ---------------------------------------------------------------------
sql() { node -e '
  const db = new (require("better-sqlite3"))(process.argv[1], { readonly: true, fileMustExist: true });
  const row = db.prepare(process.argv[2]).get(...process.argv.slice(3));
  console.log(row ? Object.values(row).join(" ") : "");' "$WORK/demo.db" "$@"; }
victim=""
for _ in $(seq 240); do
  # A job with at least one epoch acknowledged and at least two to go: the SIGTERM lands in its middle.
  victim=$(sql "select agent, trial_number, last_epoch from agent_jobs where study_id = ? and status = 'leased' and last_epoch >= from_epoch + 1 and to_epoch - last_epoch >= 2 order by id limit 1" "$STUDY" 2>/dev/null || true)
  [ -n "$victim" ] && break
  sleep 0.5
done
[ -n "$victim" ] || die "no agent was training midway through a job within 2 minutes (see $WORK/logs)"
read -r VICTIM_AGENT VICTIM_TRIAL VICTIM_EPOCH <<<"$victim"
VICTIM_TASK=${VICTIM_AGENT##*-}
say "agent $VICTIM_AGENT (array task $VICTIM_TASK) is at epoch $VICTIM_EPOCH of trial $VICTIM_TRIAL: scancel --signal=TERM ${ARRAY_JOB}_${VICTIM_TASK}"
signalled_at=$(date +%s.%N)
scancel --signal=TERM "${ARRAY_JOB}_${VICTIM_TASK}"
for _ in $(seq 120); do
  squeue -h -j "${ARRAY_JOB}_${VICTIM_TASK}" 2>/dev/null | grep -q . || break
  sleep 0.25
done
squeue -h -j "${ARRAY_JOB}_${VICTIM_TASK}" 2>/dev/null | grep -q . && die "array task $VICTIM_TASK still runs 30 s after SIGTERM"
say "array task $VICTIM_TASK ended $(node -e "console.log((Date.now() / 1000 - $signalled_at).toFixed(1))") s after SIGTERM"

# --- 5. the study's end, and the checks ---------------------------------------------------------------
status=""
for _ in $(seq 600); do
  status=$(curl -fs "$SERVER/api/studies/$STUDY" | node -e 'let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => console.log(JSON.parse(s).study.status))' || true)
  case "$status" in completed | stopped | failed) break ;; esac
  sleep 0.5
done
say "study $STUDY is $status"
for _ in $(seq 120); do
  squeue -h -j "$ARRAY_JOB" 2>/dev/null | grep -q . || break
  sleep 0.5
done
squeue -h -j "$ARRAY_JOB" 2>/dev/null | grep -q . && die "the array job still runs after the study ended"
ARRAY_JOB=""
say "all four array tasks have ended"

echo "--- summary ---"
ok=0
NODE_PATH="$ROOT/node_modules" node "$ROOT/examples/slurm/check.mjs" "$WORK/demo.db" "$STUDY" "$WORK/acks" "$VICTIM_AGENT" || ok=1
grep -h "stopped (SIGTERM)\|giving the job back\|agent .* stopped$" "$WORK/logs/agent-$VICTIM_TASK.log" | sed 's/^/     agent log: /' || true
left=$(pgrep -af "$TRAIN" || true)
if [ -n "$left" ]; then
  echo "FAIL training processes left: $left"
  ok=1
else
  echo "ok   no training process left (pgrep -f $TRAIN finds none)"
fi
[ "$ok" = 0 ] || die "a check failed (logs in $WORK/log and $WORK/logs)"
say "PASSED"
