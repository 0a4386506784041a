#!/usr/bin/env bash
# Builds examples/kv-counter with worker-build and serves it with `wrangler dev` in workerd on
# http://127.0.0.1:8787, with a local KV namespace. Each request adds one to a counter:
#   curl http://127.0.0.1:8787/
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
cargo build -p worker-build
worker_build="${CARGO_TARGET_DIR:-$PWD/target}/debug/worker-build"
cd examples/kv-counter
"$worker_build" --release
exec ../../node_modules/.bin/wrangler dev --ip 127.0.0.1 --port "${PORT:-8787}" \
  --show-interactive-dev-session=false
