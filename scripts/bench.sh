#!/usr/bin/env bash
# Compares Rust workers built with this SDK against JavaScript workers doing the same work.
# Builds worker-build in release mode and every Rust worker under benchmarks/workers/ with
# `worker-build --release`. Then benchmarks/run.mjs serves each Rust worker and its JavaScript
# twin in workerd on 127.0.0.1, prints the table of medians and writes benchmarks/RESULTS.md.
# Arguments are passed to run.mjs:
#   --quick             a few short rounds, to check the runner (RESULTS.md is left alone)
#   --only M1,M2        only these measures (RESULTS.md is left alone)
# A full run takes about 4 minutes on 2 cores, plus the builds.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh

cargo build --release -p worker-build --locked
target_dir=$(cargo metadata --format-version 1 --no-deps --locked |
  node -e 'let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () =>
    console.log(JSON.parse(s).target_directory))')
worker_build="$target_dir/release/worker-build"

for dir in benchmarks/workers/*/; do
  [ -f "$dir/Cargo.toml" ] || continue
  (cd "$dir" && "$worker_build" --release -- --locked)
done

exec node benchmarks/run.mjs --worker-build "$worker_build" "$@"
