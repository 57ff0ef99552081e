#!/usr/bin/env bash
# Installs the Debian packages the test suite needs beyond the Rust toolchain, if missing:
# libfaketime (the master is run under a stepped wall clock) and ZooKeeper (leader election
# tests start their own standalone servers from Debian's package). Python packages for the
# compatibility tests are installed by the tests themselves (scripts/pymesos-env.sh).
set -euo pipefail

missing=()
[ -e /usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1 ] || missing+=(libfaketime)
[ -e /usr/share/java/zookeeper.jar ] || missing+=(zookeeper)
[ ${#missing[@]} -eq 0 ] && exit 0
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "installing test dependencies: ${missing[*]}"
$sudo apt-get install -y -q "${missing[@]}" >/dev/null 2>&1 || {
  $sudo apt-get update -q >/dev/null
  $sudo apt-get install -y -q "${missing[@]}" >/dev/null
}
