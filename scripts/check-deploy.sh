#!/usr/bin/env bash
# Checks that wrangler accepts what worker-build writes: the examples as they are, and the
# templates rendered the way cargo-generate would, built against this checkout.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
wrangler="$root/node_modules/.bin/wrangler"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

dry_run() {
  local dir=$1
  (cd "$dir" && "$wrangler" deploy --dry-run --outdir "$scratch/dist-$(basename "$dir")" \
    > "$scratch/wrangler.log" 2>&1) || { cat "$scratch/wrangler.log" >&2; return 1; }
  grep -q -- "--dry-run: exiting now." "$scratch/wrangler.log"
  echo "check-deploy: wrangler accepted $dir" >&2
}

for dir in examples/*/; do
  dry_run "$dir"
done

# Render each template: cargo-generate replaces {{project-name}}; the worker crates come from
# this checkout instead of crates.io.
render() {
  local name=$1 rendered="$scratch/$1"
  cp -r "templates/$name" "$rendered"
  find "$rendered" -type f -exec sed -i "s/{{project-name}}/$name/g" {} +
  cat >> "$rendered/Cargo.toml" <<TOML

[patch.crates-io]
worker = { path = "$root/worker" }
worker-macros = { path = "$root/worker-macros" }
TOML
  echo "$rendered"
}
# wrangler runs each template's build command, `worker-build --release`, from PATH.
target="${CARGO_TARGET_DIR:-$root/target}"
export PATH="$target/debug:$PATH" CARGO_TARGET_DIR="$target"
for template in hello-world durable-object; do
  dry_run "$(render "$template")"
done
