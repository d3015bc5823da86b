#!/usr/bin/env bash
# Installs what the end-to-end test needs, idempotently, outside the repository:
#   - Debian packages: chromium (the browser we drive), ripgrep (replaces code-server's GitHub
#     download), fonts and the headers code-server's native modules build against;
#   - code-server (a real VS Code, from the npm registry) with its postinstall done by hand,
#     because that postinstall downloads ripgrep from GitHub, which cannot work offline;
#   - playwright-core (the driver only; it uses /usr/bin/chromium, no browser download).
#
# Everything lands in $LAYERWISE_E2E_HOME (default /tmp/layerwise-e2e). Finished steps leave
# a marker named after their version and are skipped next time; FORCE=1 starts from scratch.
# Needs root (or sudo) for apt-get when a Debian package is missing.
set -euo pipefail

H=${LAYERWISE_E2E_HOME:-/tmp/layerwise-e2e}
CS_VERSION=4.100.3   # VS Code 1.100.3; the last code-server that runs on Node 20
PW_VERSION=1.65.1    # playwright-core; drives Debian's chromium

CS_PREFIX=$H/code-server-$CS_VERSION
VSCODE_DIR=$CS_PREFIX/node_modules/code-server/lib/vscode
TOOLS=$H/tools-$PW_VERSION

# keep npm's cache and anything code-server writes at install time inside the harness dir
export npm_config_cache=$H/npm-cache
export npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false
export npm_config_loglevel=warn
export XDG_CONFIG_HOME=$H/xdg/config XDG_DATA_HOME=$H/xdg/data XDG_CACHE_HOME=$H/xdg/cache

if [ "${FORCE:-0}" = 1 ]; then
  rm -rf "$CS_PREFIX" "$TOOLS" "$H"/.done-* "$H/npm-cache" "$H/xdg"
fi
mkdir -p "$H"

now() { date +%s%N; }
T_ALL=$(now)

# step NAME CHECK_PATH FUNCTION: run FUNCTION unless its marker exists and CHECK_PATH is there.
step() {
  local name=$1 check=$2 fn=$3 t0
  if [ -f "$H/.done-$name" ] && [ -e "$check" ]; then
    echo "== [$name] already done"
    return
  fi
  rm -f "$H/.done-$name"
  echo "== [$name] start"
  t0=$(now)
  "$fn"
  touch "$H/.done-$name"
  echo "== [$name] done in $(( ($(now) - t0) / 1000000 )) ms"
}

apt_deps() {
  local pkgs="build-essential pkg-config python3 libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev ripgrep chromium fonts-liberation"
  local missing="" p
  for p in $pkgs; do
    dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
  done
  if [ -n "$missing" ]; then
    echo "installing:$missing"
    local sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing
  fi
  command -v rg >/dev/null && test -x /usr/bin/chromium
}

code_server() {
  rm -rf "$CS_PREFIX"
  mkdir -p "$CS_PREFIX"
  cd "$CS_PREFIX"
  echo '{"name":"layerwise-e2e-code-server","private":true}' > package.json
  # --ignore-scripts: code-server's postinstall would fetch ripgrep from GitHub (fails offline)
  npm install --ignore-scripts "code-server@$CS_VERSION"
  # argon2 (password hashing, unused with --auth none but loaded): prebuilt download fails,
  # node-gyp then builds it against the system's Node headers
  npm rebuild argon2

  # the parts of code-server's postinstall that matter, without the download
  cd "$VSCODE_DIR"
  npm install --omit=dev --ignore-scripts
  # @vscode/ripgrep's own postinstall skips the download when bin/ exists: give it Debian's rg
  mkdir -p node_modules/@vscode/ripgrep/bin
  cp -f "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg
  # native modules (node-pty, spdlog, kerberos, watcher...); node-pty's script runs npx node-gyp
  npm_config_yes=true npm rebuild --foreground-scripts
  rm -rf node_modules.asar && ln -s node_modules node_modules.asar
  (cd bin/remote-cli && rm -rf code-server && ln -s code-linux.sh code-server)
  (cd bin/helpers && rm -rf browser.sh && ln -s browser-linux.sh browser.sh)
  (cd extensions && npm install --omit=dev)
  "$CS_PREFIX/node_modules/.bin/code-server" --version
}

tools() {
  rm -rf "$TOOLS"
  mkdir -p "$TOOLS"
  cd "$TOOLS"
  echo '{"name":"layerwise-e2e-tools","private":true}' > package.json
  npm install "playwright-core@$PW_VERSION"
}

step apt /usr/bin/chromium apt_deps
step "code-server-$CS_VERSION" "$CS_PREFIX/node_modules/code-server/out/node/entry.js" code_server
step "playwright-core-$PW_VERSION" "$TOOLS/node_modules/playwright-core/package.json" tools

# what run_e2e.mjs reads
cat > "$H/env.json" <<EOF
{
  "codeServer": "$CS_PREFIX/node_modules/code-server/out/node/entry.js",
  "codeServerBin": "$CS_PREFIX/node_modules/.bin/code-server",
  "tools": "$TOOLS",
  "chromium": "/usr/bin/chromium"
}
EOF
echo "e2e setup ready in $H ($(( ($(now) - T_ALL) / 1000000 )) ms)"
