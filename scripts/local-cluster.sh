#!/usr/bin/env bash
# Builds mesos-rs and starts a small local cluster: one master on 127.0.0.1:5050 and one
# agent on 127.0.0.1:5051, both in the foreground of this script; Ctrl-C stops both.
# (Until `mesos-local` lands, this is the quick start's "start a cluster" command.)
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --release --bin mesos-master --bin mesos-agent --bin mesos-executor --bin mesos-default-executor

work=$(mktemp -d -t mesos-rs-local.XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT INT TERM

target/release/mesos-master --ip=127.0.0.1 --port=5050 --work_dir="$work/master" &
pids+=($!)
sleep 1
target/release/mesos-agent --master=127.0.0.1:5050 --ip=127.0.0.1 --port=5051 \
  --work_dir="$work/agent" --registration_backoff_factor=100ms &
pids+=($!)

cat <<MSG

mesos-rs is running (work dir: $work)
  web UI:         http://127.0.0.1:5050/
  master state:   curl http://127.0.0.1:5050/master/state
  agent state:    curl http://127.0.0.1:5051/state
  scheduler API:  http://127.0.0.1:5050/api/v1/scheduler
Press Ctrl-C to stop.
MSG
wait
