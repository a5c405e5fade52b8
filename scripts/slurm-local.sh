#!/usr/bin/env bash
# A throwaway single-node SLURM cluster on localhost, for CI and for trying profiles/slurm on a workstation.
#
#   scripts/slurm-local.sh up      install Debian's slurm-wlm + munge if missing (needs root), write the config, start
#                                  munged, slurmctld and slurmd (no systemd), wait for an idle node, run a CPU and a
#                                  GPU test job, print one line with the time it took
#   scripts/slurm-local.sh status  daemons, node state, queue; exit 0 only when the cluster answers
#   scripts/slurm-local.sh env     print `export SLURM_CONF=…` (eval it before sbatch/snakemake)
#   scripts/slurm-local.sh down    cancel jobs, stop the daemons and everything they spawned, delete the state dir
#
# Everything lives under STYLEDISTILL_SLURM_DIR (default /tmp/styledistill-slurm): config, munge key and socket,
# spool, logs, pid files and the fake GPU device files. Nothing is written to /etc. Clients find the cluster through
# SLURM_CONF=$STYLEDISTILL_SLURM_DIR/etc/slurm.conf (export it yourself), and, for srun inside jobs, which the
# executor plugin runs without SLURM_CONF, through the link /run/slurm/conf -> $STYLEDISTILL_SLURM_DIR/etc (see
# link_client_config): one local cluster per machine, and none where /etc/slurm/slurm.conf exists.
# The node is `localhost` with CPUs = nproc, RealMemory = MemTotal minus a margin, and STYLEDISTILL_SLURM_GPUS fake
# GPUs (GRES gpu, type STYLEDISTILL_SLURM_GPU_TYPE) backed by device files under the state dir: jobs get
# CUDA_VISIBLE_DEVICES and `scontrol show job` shows the GRES, but there is no GPU. No accounting (no slurmdbd), so
# sacct does not work: profiles/slurm uses squeue for job status, which needs the large MinJobAge set here.
# Other knobs: STYLEDISTILL_SLURM_PARTITION (default debug), STYLEDISTILL_SLURM_CTLD_PORT / _SLURMD_PORT (6817/6818,
# if something else holds those), STYLEDISTILL_SLURM_TIMEOUT (seconds to wait for each step, 60).
# Runs as root (the daemons, /run/slurm/conf); installs packages only when slurmctld/slurmd/sbatch/munged are missing.
# Every process started here carries STYLEDISTILL_SLURM_STATE=<state dir> in its environment; `down` stops exactly
# those processes (and their descendants), nothing else.
set -uo pipefail

STATE=${STYLEDISTILL_SLURM_DIR:-/tmp/styledistill-slurm}
GPUS=${STYLEDISTILL_SLURM_GPUS:-2}
GPU_TYPE=${STYLEDISTILL_SLURM_GPU_TYPE:-fake}
PARTITION=${STYLEDISTILL_SLURM_PARTITION:-debug}
CTLD_PORT=${STYLEDISTILL_SLURM_CTLD_PORT:-6817}
SLURMD_PORT=${STYLEDISTILL_SLURM_SLURMD_PORT:-6818}
TIMEOUT=${STYLEDISTILL_SLURM_TIMEOUT:-60}
# squeue forgets a finished job MinJobAge seconds after it ended; the SLURM executor plugin polls every 10-180 s with
# profiles/slurm (and falls back to sacct unless MinJobAge >= 3x its first-check delay): keep them for 15 minutes.
MIN_JOB_AGE=${STYLEDISTILL_SLURM_MIN_JOB_AGE:-900}

case "$GPUS" in
  ''|*[!0-9]*|0) echo "slurm-local: STYLEDISTILL_SLURM_GPUS must be a positive integer" >&2; exit 2 ;;
esac
case "$GPU_TYPE" in
  ''|*[!A-Za-z0-9_.]*) echo "slurm-local: STYLEDISTILL_SLURM_GPU_TYPE must match [A-Za-z0-9_.]+" >&2; exit 2 ;;
esac

CONF="$STATE/etc/slurm.conf"
MUNGE_SOCKET="$STATE/munge/munge.socket"
MARKER="STYLEDISTILL_SLURM_STATE=$STATE"

# A failed `up` stops whatever it had started (logs stay in the state dir for a look) before it exits.
CLEANUP_ON_DIE=""
die() {
  echo "slurm-local: $*" >&2
  if [ -n "$CLEANUP_ON_DIE" ]; then CLEANUP_ON_DIE=""; STYLEDISTILL_SLURM_QUIET=1 cmd_down --keep-state; fi
  exit 1
}
log() { [ -n "${STYLEDISTILL_SLURM_QUIET:-}" ] || echo "slurm-local: $*" >&2; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

case "$STATE" in
  /*) ;;
  *) STATE="$(pwd)/$STATE"; CONF="$STATE/etc/slurm.conf"; MUNGE_SOCKET="$STATE/munge/munge.socket"
     MARKER="STYLEDISTILL_SLURM_STATE=$STATE" ;;
esac

# ---------------------------------------------------------------------------------------------------------- install
have_slurm() {
  command -v slurmctld >/dev/null && command -v slurmd >/dev/null && command -v sbatch >/dev/null &&
    command -v munged >/dev/null
}

install_packages() {
  have_slurm && return 0
  [ "$(id -u)" = 0 ] ||
    die "slurm-wlm/munge are not installed and installing them needs root (apt-get install slurm-wlm munge)"
  command -v apt-get >/dev/null || die "slurm-wlm/munge are not installed and there is no apt-get to install them"
  local t0 aptlog policy_created=""
  t0=$(now)
  aptlog="$STATE/log/apt.log"
  mkdir -p "$STATE/log"
  # Package scripts must not start munge/slurm services: we start our own daemons. Debian honours policy-rc.d.
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d && policy_created=1
  fi
  log "installing slurm-wlm and munge (apt-get, log: $aptlog)"
  local ok=1
  {
    apt-get -o DPkg::Lock::Timeout=300 update &&
      DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y --no-install-recommends \
        slurm-wlm munge
  } >"$aptlog" 2>&1 || ok=0
  [ -n "$policy_created" ] && rm -f /usr/sbin/policy-rc.d
  [ "$ok" = 1 ] || die "apt-get install slurm-wlm munge failed: $(tail -n 1 "$aptlog")"
  have_slurm || die "slurm-wlm/munge installed but slurmctld/slurmd/sbatch/munged are not on PATH"
  log "installed slurm-wlm and munge in $(elapsed "$t0") s"
}

# ----------------------------------------------------------------------------------------------------------- config
real_memory_mb() {
  local total margin
  total=$(awk '/^MemTotal:/ { print int($2 / 1024) }' /proc/meminfo)
  # slurmd drains a node that has less memory than configured: leave 10% (at least 512 MB) for the OS.
  margin=$(( total / 10 )); [ "$margin" -lt 512 ] && margin=512
  echo $(( total - margin ))
}

write_config() {
  local cpus mem d i files
  cpus=$(nproc)
  mem=$(real_memory_mb)
  mkdir -p "$STATE"/{etc,munge,log,run,spool/ctld,spool/d,dev}
  chmod 755 "$STATE/munge"
  # Fake GPU devices: character devices like /dev/null where mknod works, plain files otherwise. slurmd only needs
  # them to exist (no cgroup device confinement here); jobs see CUDA_VISIBLE_DEVICES=0,1,… for what they got.
  for (( i = 0; i < GPUS; i++ )); do
    d="$STATE/dev/gpu$i"
    [ -e "$d" ] || mknod "$d" c 1 3 2>/dev/null || : > "$d"
  done
  files="$STATE/dev/gpu[0-$(( GPUS - 1 ))]"
  [ "$GPUS" = 1 ] && files="$STATE/dev/gpu0"

  cat > "$CONF" <<EOF
# Written by scripts/slurm-local.sh: a single-node test cluster on localhost. Not for production.
ClusterName=styledistill
SlurmctldHost=localhost
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$MUNGE_SOCKET
StateSaveLocation=$STATE/spool/ctld
SlurmdSpoolDir=$STATE/spool/d
SlurmctldPidFile=$STATE/run/slurmctld.pid
SlurmdPidFile=$STATE/run/slurmd.pid
SlurmctldLogFile=$STATE/log/slurmctld.log
SlurmdLogFile=$STATE/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
# No systemd, no cgroups: track processes by parent pid, no task binding or confinement.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
PropagateResourceLimits=NONE
# No accounting database: sacct does not work, squeue reports jobs for MinJobAge seconds after they end.
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MinJobAge=$MIN_JOB_AGE
MaxJobCount=100000
# Schedule at once (batch jobs otherwise wait up to 3 s for a scheduling pass), allocate single CPUs and memory.
SchedulerType=sched/builtin
SchedulerParameters=batch_sched_delay=0
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU_Memory
DefMemPerCPU=1000
ReturnToService=2
KillWait=5
InactiveLimit=0
SlurmdTimeout=60
MpiDefault=none
GresTypes=gpu
# config_overrides: trust this file, not the detected hardware (the node never drains for a topology mismatch).
SlurmdParameters=config_overrides
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem Gres=gpu:$GPU_TYPE:$GPUS State=UNKNOWN
PartitionName=$PARTITION Nodes=localhost Default=YES MaxTime=INFINITE State=UP OverSubscribe=NO
EOF
  cat > "$STATE/etc/gres.conf" <<EOF
# Fake GPUs for scripts/slurm-local.sh (device files under the state dir, no hardware).
NodeName=localhost Name=gpu Type=$GPU_TYPE File=$files
EOF
  # No cgroup plugin is configured; an empty cgroup.conf keeps slurmd from looking elsewhere.
  : > "$STATE/etc/cgroup.conf"
}

# The plugin's job step runs `srun` inside each job with every SLURM_* variable except the job id removed, SLURM_CONF
# included, so that srun finds its config the way commands on a compute node do: /etc/slurm/slurm.conf, else
# /run/slurm/conf/slurm.conf (the link a configless slurmd keeps to its config cache). We point the latter at our
# config; hence one local cluster per machine, and none on a machine that has its own /etc/slurm/slurm.conf.
CLIENT_LINK=/run/slurm/conf

link_client_config() {
  local cur other
  [ -e /etc/slurm/slurm.conf ] &&
    die "/etc/slurm/slurm.conf exists (a real SLURM setup?): srun inside jobs would use it instead of $CONF"
  if [ -L "$CLIENT_LINK" ]; then
    cur=$(readlink "$CLIENT_LINK")
    if [ "$cur" != "$STATE/etc" ]; then
      other=${cur%/etc}
      pid_alive "$(pidfile_pid "$other/run/slurmctld.pid")" &&
        die "another local cluster is up ($other, see $CLIENT_LINK);" \
          "stop it first: STYLEDISTILL_SLURM_DIR=$other scripts/slurm-local.sh down"
    fi
    rm -f "$CLIENT_LINK"
  elif [ -e "$CLIENT_LINK" ]; then
    die "$CLIENT_LINK exists and is not our link (a configless slurmd runs here?)"
  fi
  { mkdir -p "$(dirname "$CLIENT_LINK")" && ln -s "$STATE/etc" "$CLIENT_LINK"; } ||
    die "cannot create $CLIENT_LINK (srun inside jobs needs it; are you root?)"
}

unlink_client_config() {
  if [ -L "$CLIENT_LINK" ] && [ "$(readlink "$CLIENT_LINK")" = "$STATE/etc" ]; then
    rm -f "$CLIENT_LINK"
    rmdir "$(dirname "$CLIENT_LINK")" 2>/dev/null || true
  fi
}

# ---------------------------------------------------------------------------------------------------------- daemons
pid_alive() { [ -n "$1" ] && kill -0 "$1" 2>/dev/null; }
pidfile_pid() { [ -s "$1" ] && tr -dc '0-9' < "$1"; }

# Pids of every process carrying our marker in its environment, plus all their descendants.
marked_pids() {
  local p seeds="" all
  for p in /proc/[0-9]*; do
    p=${p#/proc/}
    [ "$p" = "$$" ] && continue
    grep -qzxF "$MARKER" "/proc/$p/environ" 2>/dev/null && seeds="$seeds $p"
  done
  [ -n "$seeds" ] || return 0
  # Close the set under "child of": job processes do not inherit the daemons' environment.
  all=$(ps -eo pid=,ppid= | awk -v seeds="$seeds" '
    BEGIN { n = split(seeds, s, " "); for (i = 1; i <= n; i++) keep[s[i]] = 1 }
    { parent[$1] = $2 }
    END {
      changed = 1
      while (changed) {
        changed = 0
        for (c in parent) if (!(c in keep) && (parent[c] in keep)) { keep[c] = 1; changed = 1 }
      }
      for (k in keep) print k
    }')
  for p in $all; do [ "$p" != "$$" ] && [ "$p" != "$BASHPID" ] && echo "$p"; done
}

port_busy() { ss -Hltn "sport = :$1" 2>/dev/null | grep -q .; }

slurm_env() { export SLURM_CONF="$CONF"; }

cluster_answers() { slurm_env; timeout 10 scontrol ping 2>/dev/null | grep -q "is UP"; }

start_daemons() {
  local key="$STATE/munge/munge.key" pid
  local port
  for port in "$CTLD_PORT" "$SLURMD_PORT"; do
    port_busy "$port" &&
      die "port $port is in use (another SLURM?); choose others with STYLEDISTILL_SLURM_CTLD_PORT/_SLURMD_PORT"
  done
  [ "${#MUNGE_SOCKET}" -lt 100 ] || die "state dir path too long for a unix socket: $MUNGE_SOCKET"
  if [ ! -s "$key" ]; then
    dd if=/dev/urandom of="$key" bs=1024 count=1 status=none || die "cannot write the munge key $key"
  fi
  chmod 400 "$key"
  # All three daemonise themselves; the marker in their environment lets `down` find them and their children.
  env "$MARKER" munged --force --key-file="$key" --socket="$MUNGE_SOCKET" --pid-file="$STATE/run/munged.pid" \
    --log-file="$STATE/log/munged.log" --seed-file="$STATE/munge/munged.seed" \
    </dev/null >>"$STATE/log/munged.out" 2>&1 ||
    die "munged did not start: $(cat "$STATE/log/munged.log" "$STATE/log/munged.out" 2>/dev/null | grep . | tail -n 1)"
  wait_for "munged socket" 10 test -S "$MUNGE_SOCKET" || die "munged socket $MUNGE_SOCKET did not appear"
  env "$MARKER" SLURM_CONF="$CONF" slurmctld -c -f "$CONF" </dev/null >>"$STATE/log/slurmctld.out" 2>&1 ||
    die "slurmctld did not start: $(tail -n 1 "$STATE/log/slurmctld.log" 2>/dev/null)"
  env "$MARKER" SLURM_CONF="$CONF" slurmd -N localhost -f "$CONF" </dev/null >>"$STATE/log/slurmd.out" 2>&1 ||
    die "slurmd did not start: $(tail -n 1 "$STATE/log/slurmd.log" 2>/dev/null)"
  for pid in munged slurmctld slurmd; do
    wait_for "$pid pid" 10 test -s "$STATE/run/$pid.pid" || die "$pid wrote no pid file (see $STATE/log/$pid.log)"
  done
}

# wait_for DESCRIPTION SECONDS COMMAND…: retry COMMAND every 0.2 s for up to SECONDS (DESCRIPTION: for the reader).
wait_for() {
  local secs=$2 t0; shift 2
  t0=$(date +%s)
  until "$@"; do
    [ $(( $(date +%s) - t0 )) -ge "$secs" ] && return 1
    sleep 0.2
  done
}

node_state() { sinfo -h -N -n localhost -o '%t' 2>/dev/null | head -n 1; }
node_idle() { case "$(node_state)" in idle|mix) return 0 ;; *) return 1 ;; esac; }

# run_test_job NAME SBATCH-ARGS…: submit, poll squeue until it ends, fail with its output unless COMPLETED.
run_test_job() {
  local name=$1 id state out="$STATE/log/test-$1.out" t0; shift
  id=$(sbatch --parsable -J "slurm-local-$name" -o "$out" -t 5 "$@" 2>&1) ||
    die "sbatch for the $name test job failed: $id"
  id=${id%%;*}
  t0=$(date +%s)
  while :; do
    state=$(squeue -h -j "$id" --states=all -o '%T' 2>/dev/null | head -n 1)
    case "$state" in
      COMPLETED) break ;;
      FAILED|CANCELLED|TIMEOUT|NODE_FAIL|OUT_OF_MEMORY|BOOT_FAIL|DEADLINE|PREEMPTED)
        die "$name test job $id ended $state: $(tr '\n' ' ' < "$out" 2>/dev/null | cut -c 1-300)" ;;
    esac
    if [ $(( $(date +%s) - t0 )) -ge "$TIMEOUT" ]; then
      die "$name test job $id still ${state:-unknown} after ${TIMEOUT}s: $(squeue -h -j "$id" -o '%R' 2>/dev/null)"
    fi
    sleep 0.2
  done
}

# slurmd names a socket per job step $STATE/spool/d/localhost_<job id>.<step id> (a batch step's id has 10 digits),
# and a Unix socket path holds at most 108 bytes: a longer state dir makes every job from the 10th on fail to launch.
MAX_STATE_CHARS=71  # 108 - 19 (/spool/d/localhost_) - 7 (job ids up to 9,999,999) - 11 (.4294967291)

cmd_up() {
  local t0 installed_now=no
  t0=$(now)
  [ "${#STATE}" -le "$MAX_STATE_CHARS" ] ||
    die "STYLEDISTILL_SLURM_DIR=$STATE is ${#STATE} characters; slurmd's job sockets need it at most $MAX_STATE_CHARS"
  mkdir -p "$STATE" || die "cannot create the state dir $STATE"
  if ! have_slurm; then install_packages; installed_now=yes; fi
  if pid_alive "$(pidfile_pid "$STATE/run/slurmctld.pid")" && cluster_answers; then
    echo "slurm-local: already up ($STATE); export SLURM_CONF=$CONF"
    return 0
  fi
  # Leftovers of a crashed run in this state dir: stop them first.
  [ -n "$(marked_pids)" ] && STYLEDISTILL_SLURM_QUIET=1 cmd_down --keep-state
  CLEANUP_ON_DIE=1
  write_config
  link_client_config
  slurm_env
  start_daemons
  log "daemons started ($(elapsed "$t0") s)"
  wait_for "controller" "$TIMEOUT" cluster_answers ||
    die "slurmctld does not answer after ${TIMEOUT}s: $(tail -n 1 "$STATE/log/slurmctld.log" 2>/dev/null)"
  log "controller answers ($(elapsed "$t0") s)"
  if ! wait_for "idle node" "$TIMEOUT" node_idle; then
    die "node localhost is '$(node_state)', not idle, after ${TIMEOUT}s:" \
      "$(sinfo -h -R -o '%E' 2>/dev/null | head -n 1) $(grep -i error "$STATE/log/slurmd.log" 2>/dev/null | tail -n 1)"
  fi
  log "node idle ($(elapsed "$t0") s)"
  # Like the plugin's job step: srun inside the job, without SLURM_CONF, asking for the job's GPU.
  run_test_job cpu --wrap 'env -u SLURM_CONF srun -n1 true'
  log "CPU test job done ($(elapsed "$t0") s)"
  run_test_job gpu --gpus=1 --wrap 'env -u SLURM_CONF srun -n1 --gpus=1 printenv CUDA_VISIBLE_DEVICES'
  log "GPU test job done ($(elapsed "$t0") s)"
  CLEANUP_ON_DIE=""
  echo "slurm-local: up in $(elapsed "$t0") s (node localhost: $(nproc) CPUs, $(real_memory_mb) MB," \
    "gpu:$GPU_TYPE:$GPUS; packages installed now: $installed_now); export SLURM_CONF=$CONF"
}

cmd_down() {
  local keep_state=${1:-} name pid pids i
  if pid_alive "$(pidfile_pid "$STATE/run/slurmctld.pid")" && cluster_answers; then
    scancel --quiet --full --partition="$PARTITION" 2>/dev/null || true
    for (( i = 0; i < 25; i++ )); do
      [ -z "$(squeue -h -o '%i' 2>/dev/null)" ] && break
      sleep 0.2
    done
  fi
  # Daemons first (by pid file, then by marker), then whatever they left (job steps and their processes).
  for name in slurmd slurmctld munged; do
    pid=$(pidfile_pid "$STATE/run/$name.pid")
    pid_alive "$pid" && kill -TERM "$pid" 2>/dev/null
  done
  for (( i = 0; i < 25; i++ )); do
    pids=$(marked_pids)
    [ -z "$pids" ] && break
    # shellcheck disable=SC2086
    kill -TERM $pids 2>/dev/null
    sleep 0.2
  done
  pids=$(marked_pids)
  # shellcheck disable=SC2086
  [ -n "$pids" ] && kill -KILL $pids 2>/dev/null
  sleep 0.2
  pids=$(marked_pids)
  [ -z "$pids" ] || die "could not stop processes: $pids"
  unlink_client_config
  if [ -z "$keep_state" ]; then
    # Only what `up` created: the state dir itself goes only if nothing else is in it.
    rm -rf "${STATE:?}"/{etc,munge,log,run,spool,dev}
    rmdir "$STATE" 2>/dev/null || true
  fi
  log "down ($STATE)"
}

cmd_status() {
  local name pid rc=0
  for name in munged slurmctld slurmd; do
    pid=$(pidfile_pid "$STATE/run/$name.pid")
    if pid_alive "$pid"; then echo "$name: running (pid $pid)"; else echo "$name: not running"; rc=1; fi
  done
  if pid_alive "$(pidfile_pid "$STATE/run/slurmctld.pid")" && cluster_answers; then
    sinfo -N -o '%N %P %t %c %m %G'
    squeue --states=all -o '%i %j %T %M %k %R' | head -n 20
  else
    echo "cluster: not answering (state dir $STATE)"; rc=1
  fi
  echo "export SLURM_CONF=$CONF"
  return $rc
}

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  env) echo "export SLURM_CONF=$CONF" ;;
  *) echo "usage: $0 up|down|status|env   (state dir: STYLEDISTILL_SLURM_DIR, now $STATE)" >&2; exit 2 ;;
esac
