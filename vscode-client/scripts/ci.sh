#!/usr/bin/env bash
# Everything CI does for the VS Code extension, from a clean checkout:
#   npm ci -> compile (tsc, strict) -> unit tests (node --test) -> npm run package (.vsix with the
#   bundled Python libraries, smoke-tested with every Python 3.10+ found) -> e2e setup (apt +
#   code-server + playwright-core, cached in $LAYERWISE_E2E_HOME) -> e2e run in a real VS Code.
# Exits non-zero at the first failure. Needs Node 20 with npm, python3 with pip, and root (or sudo)
# the first time, for apt-get.
set -euo pipefail
cd "$(dirname "$0")/.."

export npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false

T_ALL=$(date +%s)
step() {
  local name=$1 t0
  shift
  echo
  echo "=== ci: $name"
  t0=$(date +%s)
  "$@"
  echo "=== ci: $name done in $(( $(date +%s) - t0 )) s"
}

# Pythons to smoke-test the bundle with, besides the one that builds it
smoke=()
for candidate in python3.10 python3.11 python3.12 python3.13 python3.14 \
    "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.1[0-9]*/bin/python3; do
  exe=$("$candidate" -c 'import os, sys; print(os.path.realpath(sys.executable))' 2>/dev/null) || continue
  case " ${smoke[*]-} " in *" $exe "*) ;; *) smoke+=("$exe") ;; esac
done
LAYERWISE_SMOKE_PYTHONS=$(IFS=:; echo "${smoke[*]-}")
export LAYERWISE_SMOKE_PYTHONS

step "npm ci" npm ci
step "compile" npm run compile
step "unit tests" node --test out/test/
step "package" npm run package
ls -l ./*.vsix
step "e2e setup" bash e2e/setup.sh
step "e2e run" node e2e/run_e2e.mjs --no-build

echo
echo "=== ci: vscode-client passed in $(( $(date +%s) - T_ALL )) s"
