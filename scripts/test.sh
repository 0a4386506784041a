#!/usr/bin/env bash
# Runs every test of the project:
#   formatting, clippy (host and wasm32), rustdoc with warnings as errors,
#   host tests (unit tests, macro UI cases, worker-build's own tests),
#   the end-to-end suite in workerd (every test worker built with worker-build),
#   a build of every benchmark worker (scripts/bench.sh runs the benchmarks themselves),
#   and `wrangler deploy --dry-run` on the examples and the rendered template.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh

step() { printf '\n== %s\n' "$*" >&2; }

step "formatting"
cargo fmt --all --check

step "clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo clippy --target wasm32-unknown-unknown --locked -p worker \
  $(for dir in examples/*/; do printf -- '-p %s ' "$(basename "$dir")"; done) \
  $(for dir in tests/workers/*/; do printf -- '-p %s-worker ' "$(basename "$dir")"; done) \
  $(for dir in benchmarks/workers/*/Cargo.toml; do
    printf -- '-p %s-bench ' "$(basename "$(dirname "$dir")")"
  done) \
  -- -D warnings

step "rustdoc"
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --locked

step "host tests"
cargo test --workspace --locked

step "worker-build"
cargo build -p worker-build --locked
worker_build="${CARGO_TARGET_DIR:-$PWD/target}/debug/worker-build"
for dir in tests/workers/*/; do
  (cd "$dir" && "$worker_build" --release -- --locked)
done
# The examples are built with the network cut off, to prove that worker-build downloads
# nothing; `unshare -n` needs root or user namespaces, so without them they build normally.
offline=()
if unshare -n true 2>/dev/null; then
  offline=(unshare -n)
else
  echo "test: unshare -n is not available; building the examples with the network on" >&2
fi
for dir in examples/*/; do
  touch "$dir/src/lib.rs"
  (cd "$dir" && "${offline[@]}" "$worker_build" --release -- --locked)
done

step "benchmark workers"
# Built so that they keep compiling. The timing runs are in scripts/bench.sh.
for dir in benchmarks/workers/*/; do
  [ -f "$dir/Cargo.toml" ] || continue
  (cd "$dir" && "$worker_build" --release -- --locked)
done

step "end-to-end suite in workerd"
node --test --test-concurrency=2 tests/e2e/

step "wrangler deploy --dry-run"
bash scripts/check-deploy.sh
