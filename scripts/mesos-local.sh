#!/usr/bin/env bash
# Builds mesos-rs (release) and starts `mesos-local`: a master on http://127.0.0.1:5050 and
# one agent (more with --num_agents=N), in the foreground; Ctrl-C stops it. Any master or
# agent flag may follow, e.g. scripts/mesos-local.sh --num_agents=3 --work_dir=/tmp/cluster
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --bins
exec target/release/mesos-local "$@"
