#!/usr/bin/env bash
# A one-node Slurm cluster for the grid tests, as root, in a folder of its own:
#   slurm-one-node.sh install     installs Debian's slurmctld, slurmd, munge and slurm-client if missing.
#   slurm-one-node.sh start DIR   installs Debian's slurmctld, slurmd, munge and slurm-client if missing, writes
#                                 DIR/slurm.conf (this host as controller and node, proctrack/linuxproc, task/none,
#                                 state and spool under DIR, its own ports and munge socket), starts munged, slurmctld
#                                 and slurmd, and waits until sinfo shows the node idle. Last stdout line:
#                                 SLURM_CONF=DIR/slurm.conf (export it for sbatch, squeue, sinfo).
#   slurm-one-node.sh stop DIR    stops the three daemons it started (by their pid files in DIR) and removes DIR.
# Exit 3 on install or start means "cannot run here" (not Linux, not root, Slurm missing and apt-get unable to
# install it): callers skip rather than fail.
set -euo pipefail
action="${1:-}"; dir="${2:-}"
[[ "$action" == install || -n "$dir" ]] && [[ "$action" =~ ^(install|start|stop)$ ]] || { echo "usage: $0 install | start DIR | stop DIR" >&2; exit 2; }
ctld_port="${RSIR_SLURM_CTLD_PORT:-16817}"
slurmd_port="${RSIR_SLURM_SLURMD_PORT:-16818}"

stop_daemon() {   # by the pid file this script's daemons wrote; never by name
  local file="$1" pid
  [[ -f "$file" ]] || return 0
  pid="$(cat "$file" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 0
  kill "$pid" 2>/dev/null || return 0
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
}

if [[ "$action" == stop ]]; then
  stop_daemon "$dir/slurmd.pid"
  stop_daemon "$dir/slurmctld.pid"
  stop_daemon "$dir/munged.pid"
  rm -rf "$dir"
  echo "slurm-one-node: stopped"
  exit 0
fi

[[ "$(uname -s)" == Linux ]] || { echo "slurm-one-node: not Linux" >&2; exit 3; }
[[ "$(id -u)" == 0 ]] || { echo "slurm-one-node: needs root (apt-get install, the daemons)" >&2; exit 3; }
if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v munged >/dev/null || ! command -v sbatch >/dev/null; then
  command -v apt-get >/dev/null || { echo "slurm-one-node: Slurm is not installed and there is no apt-get" >&2; exit 3; }
  echo "slurm-one-node: installing slurmctld slurmd munge slurm-client …" >&2
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y -q --no-install-recommends slurmctld slurmd munge slurm-client >"${TMPDIR:-/tmp}/slurm-one-node-apt.log" 2>&1; then
    apt-get update -q >/dev/null 2>&1 || true
    apt-get install -y -q --no-install-recommends slurmctld slurmd munge slurm-client >"${TMPDIR:-/tmp}/slurm-one-node-apt.log" 2>&1 \
      || { tail -5 "${TMPDIR:-/tmp}/slurm-one-node-apt.log" >&2; echo "slurm-one-node: apt-get could not install Slurm" >&2; exit 3; }
  fi
fi
[[ "$action" == install ]] && { echo "slurm-one-node: Slurm is installed"; exit 0; }

mkdir -p "$dir/state" "$dir/spool"
chmod 700 "$dir"
host="$(hostname -s)"
# The node as slurmd sees it (CPUs, sockets, cores); memory is left at Slurm's default so the node never drains for it.
node="$(slurmd -C | head -1 | sed -E 's/ RealMemory=[0-9]+//')"
dd if=/dev/urandom of="$dir/munge.key" bs=1024 count=1 status=none
chmod 400 "$dir/munge.key"
munged --force --key-file="$dir/munge.key" --socket="$dir/munge.socket" --pid-file="$dir/munged.pid" \
  --log-file="$dir/munged.log" --seed-file="$dir/munged.seed"

cat >"$dir/slurm.conf" <<CONF
ClusterName=rsirtest
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$dir/munge.socket
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SwitchType=switch/none
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
SlurmdTimeout=30
InactiveLimit=0
MinJobAge=300
$node NodeAddr=127.0.0.1 State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$dir/slurm.conf"
slurmctld -f "$SLURM_CONF"
slurmd -f "$SLURM_CONF"
for _ in $(seq 150); do
  if sinfo -h -o '%t' 2>/dev/null | grep -qx 'idle'; then
    sinfo >&2
    echo "SLURM_CONF=$SLURM_CONF"
    exit 0
  fi
  sleep 0.2
done
echo "slurm-one-node: the node did not become idle within 30 s; sinfo says: $(sinfo 2>&1 | tr '\n' ' ')" >&2
tail -5 "$dir/slurmctld.log" "$dir/slurmd.log" >&2 || true
exit 1
