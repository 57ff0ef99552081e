#!/usr/bin/env bash
# The project's whole test suite: what `.ci/run` and the README's quick start run.
# Installs what the tests need (scripts/test-deps.sh), builds once, runs every fast test.
# Long soak/scale runs live in benches (`cargo bench`).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/test-deps.sh
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --quiet -- -D warnings
cargo test --workspace --all-targets
