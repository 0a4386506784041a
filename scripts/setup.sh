# Installs what the build and the tests need on a fresh machine: the wasm32 target and the
# npm packages pinned by package-lock.json (workerd, Miniflare, wrangler). Sourced by the
# other scripts; safe to run again.

if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  echo "setup: installing the wasm32-unknown-unknown target with rustup" >&2
  rustup target add wasm32-unknown-unknown
fi

# npm ci wipes node_modules, so it only runs when package-lock.json differs from the one of the
# last install (compared by content: a fresh checkout has a new modification time).
installed_lock=node_modules/.installed-package-lock.json
if ! cmp -s package-lock.json "$installed_lock"; then
  echo "setup: installing npm packages with npm ci" >&2
  npm ci --no-audit --no-fund
  cp package-lock.json "$installed_lock"
fi

export WRANGLER_SEND_METRICS=false
