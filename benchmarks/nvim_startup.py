#!/usr/bin/env python3
"""Startup of layerwise inside a real (headless) Neovim: what a user waits for.

Each run spawns `nvim --headless --clean` on a ~50-line Dockerfile; a Lua script started
with -c does what a FileType autocmd in a user's config would do (vim.lsp.start_client +
vim.lsp.buf_attach_client, the Neovim 0.7 API) and takes timestamps with vim.loop.hrtime():

  nvim ready        nvim spawned -> the script runs (Neovim's own startup, file loaded)
  initialized       nvim spawned -> the server answered `initialize` (on_init)
  first diagnostics nvim spawned -> the first non-empty publishDiagnostics for the buffer

"nvim spawned" is time.monotonic_ns() taken just before the spawn; libuv's hrtime and
Python's monotonic clock are both CLOCK_MONOTONIC on Linux, so the two are comparable.
The "server only" columns are measured from when the script starts the client.

This is a report, not a test: numbers vary with the machine.

Usage: python benchmarks/nvim_startup.py [--runs 10] [--lines 50] [--cmd "layerwise serve"]
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

LUA = r"""
local uv = vim.loop
local t_script = uv.hrtime()
local out = { script = t_script }
local ok, err = pcall(function()
  local first
  local id = vim.lsp.start_client({
    name = 'layerwise',
    cmd = vim.fn.json_decode(os.getenv('LW_BENCH_CMD')),
    root_dir = os.getenv('LW_BENCH_ROOT'),
    handlers = {
      ['textDocument/publishDiagnostics'] = function(e, res, ctx, config)
        if first == nil and #res.diagnostics > 0 then
          first = uv.hrtime()
          out.count = #res.diagnostics
        end
        return vim.lsp.diagnostic.on_publish_diagnostics(e, res, ctx, config)
      end,
    },
    on_init = function() out.initialized = uv.hrtime() end,
  })
  assert(id, 'start_client failed')
  assert(vim.lsp.buf_attach_client(0, id), 'buf_attach_client failed')
  if not vim.wait(tonumber(os.getenv('LW_BENCH_TIMEOUT_MS')), function() return first ~= nil end, 1) then
    error('no diagnostics in time')
  end
  out.first_diagnostics = first
  out.filetype = vim.bo.filetype
  local client = vim.lsp.get_client_by_id(id)
  client.stop()
  vim.wait(5000, function() return client.is_stopped() end, 10)
end)
if not ok then out.error = tostring(err) end
local f = assert(io.open(os.getenv('LW_BENCH_OUT'), 'w'))
f:write(vim.json.encode(out))
f:close()
vim.cmd('qa!')
"""


def dockerfile(lines: int = 50) -> str:
    """A realistic multi-stage Node.js Dockerfile of about ``lines`` lines, with findings."""
    head = [
        "# syntax=docker/dockerfile:1",
        "ARG NODE_VERSION=20",
        "FROM node:${NODE_VERSION}-slim AS deps",
        "WORKDIR /app",
        "RUN apt-get update",
        "RUN apt-get install -y python3 make g++",
        "COPY package.json package-lock.json ./",
        "RUN npm ci",
        "",
        "FROM deps AS build",
        "COPY . .",
        "RUN npm run build",
        "RUN npm prune --omit=dev",
        "",
        "FROM node:20-slim",
        "MAINTAINER team@example.com",
        "ENV NODE_ENV=production API_TOKEN=changeme",
        "WORKDIR /app",
    ]
    body: list[str] = []
    i = 0
    while len(head) + len(body) + 2 < lines:
        body += [f"# asset bundle {i}", f"ADD assets/part{i}.txt /app/assets/"]
        i += 1
    tail = ["EXPOSE 3000", "CMD node dist/server.js"]
    return "\n".join(head + body + tail) + "\n"


def run_once(nvim: str, cmd: list[str], workspace: Path, script: Path, timeout_ms: int) -> dict:
    out = workspace.parent / "bench-result.json"
    out.unlink(missing_ok=True)
    home = workspace.parent / "home"
    env = dict(os.environ)
    for name in ("CONFIG", "DATA", "STATE", "CACHE"):
        env[f"XDG_{name}_HOME"] = str(home / name.lower())
    env.update(
        {
            "LW_BENCH_CMD": json.dumps(cmd),
            "LW_BENCH_ROOT": str(workspace),
            "LW_BENCH_OUT": str(out),
            "LW_BENCH_TIMEOUT_MS": str(timeout_ms),
            "LW_BENCH_SCRIPT": str(script),
        }
    )
    command = [nvim, "--headless", "--clean", "-n", "-i", "NONE", "Dockerfile"]
    command += ["-c", "lua dofile(os.getenv('LW_BENCH_SCRIPT'))", "-c", "cquit 3"]
    spawned = time.monotonic_ns()
    proc = subprocess.run(
        command,
        cwd=workspace,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout_ms / 1000 + 30,
    )
    if not out.exists():
        raise RuntimeError(f"nvim exited {proc.returncode} without results: {proc.stderr}")
    result = json.loads(out.read_text())
    if "error" in result:
        raise RuntimeError(f"{result['error']}\n{proc.stderr}")
    if result["script"] < spawned:
        raise RuntimeError("clock mismatch: Neovim's hrtime is not CLOCK_MONOTONIC here")

    def ms(a: int, b: int) -> float:
        return (b - a) / 1e6

    return {
        "nvim ready": ms(spawned, result["script"]),
        "initialized": ms(spawned, result["initialized"]),
        "first diagnostics": ms(spawned, result["first_diagnostics"]),
        "initialized (server only)": ms(result["script"], result["initialized"]),
        "first diagnostics (server only)": ms(result["script"], result["first_diagnostics"]),
        "_count": result.get("count", 0),
        "_filetype": result.get("filetype"),
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--lines", type=int, default=50)
    parser.add_argument(
        "--cmd",
        default=None,
        help='server command (default: "<this python> -m layerwise serve")',
    )
    parser.add_argument("--timeout-ms", type=int, default=30_000)
    args = parser.parse_args()

    nvim = shutil.which("nvim")
    if nvim is None:
        print("nvim is not on PATH; install Neovim (apt-get install -y neovim)", file=sys.stderr)
        return 2
    cmd = shlex.split(args.cmd) if args.cmd else [sys.executable, "-m", "layerwise", "serve"]
    version = subprocess.run([nvim, "--version"], capture_output=True, text=True).stdout
    text = dockerfile(args.lines)

    with tempfile.TemporaryDirectory(prefix="layerwise-nvim-bench-") as tmp:
        workspace = Path(tmp) / "ws"
        workspace.mkdir()
        (workspace / "Dockerfile").write_text(text)
        script = Path(tmp) / "bench.lua"
        script.write_text(LUA)
        samples = []
        for i in range(args.runs):
            samples.append(run_once(nvim, cmd, workspace, script, args.timeout_ms))
            print(
                f"  run {i + 1}/{args.runs}: first diagnostics after "
                f"{samples[-1]['first diagnostics']:.0f} ms",
                file=sys.stderr,
            )

    print("layerwise in headless Neovim: startup")
    print(f"  {version.splitlines()[0]}; server: {shlex.join(cmd)}")
    print(
        f"  Dockerfile: {text.count(chr(10))} lines, {samples[0]['_count']} diagnostics "
        f"(filetype {samples[0]['_filetype']!r}); {args.runs} runs"
    )
    print()
    print(f"  {'from nvim spawn to':<34}{'median ms':>10}{'max ms':>10}")
    for key in ("nvim ready", "initialized", "first diagnostics"):
        values = [s[key] for s in samples]
        print(f"  {key:<34}{statistics.median(values):>10.1f}{max(values):>10.1f}")
    print(f"  {'from start_client to':<34}")
    for key in ("initialized (server only)", "first diagnostics (server only)"):
        values = [s[key] for s in samples]
        label = key.replace(" (server only)", "")
        print(f"  {label:<34}{statistics.median(values):>10.1f}{max(values):>10.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
