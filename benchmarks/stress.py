#!/usr/bin/env python3
"""Stress benchmark for ``layerwise serve``: one huge Dockerfile and a small one.

Opens a generated Dockerfile of ``--size`` bytes (corpus stages repeated), then at
once a small Dockerfile, and reports over stdio (raw JSON-RPC):

- the small document's diagnostics (target: under 1 s after its didOpen);
- hover requests on the small document while the big one is linted (latency);
- the big document's first diagnostics (syntax errors and quick checks, with the
  "still running" note) and its complete diagnostics (target: under 30 s).

A report, not a test: the numbers depend on the machine. The order (small before
big) is asserted by tests/test_lsp_abuse.py.

Usage: python benchmarks/stress.py [--size 5000000] [--corpus PATH]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from raw_lsp import RawServer  # noqa: E402

DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "dev"
SMALL = "FROM debian:bookworm\nRUN apt-get install curl\nMAINTAINER someone\n"
TARGETS = {"small_s": 1.0, "big_s": 30.0}


def big_dockerfile(corpus: Path, size: int) -> str:
    """Corpus Dockerfiles, each a complete file with its stages, repeated to ``size``."""
    texts = []
    for path in sorted(p for p in corpus.rglob("*") if p.is_file()):
        text = path.read_bytes().decode("utf-8", "replace")
        if "FROM" in text:
            texts.append(text if text.endswith("\n") else text + "\n")
    if not texts:
        texts = [(ROOT / "examples" / "Dockerfile").read_text()]
    out: list[str] = []
    total = index = 0
    while total < size:
        text = texts[index % len(texts)]
        out.append(text)
        total += len(text)
        index += 1
    return "".join(out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=5_000_000)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    args = parser.parse_args()

    text = big_dockerfile(args.corpus, args.size)
    print(f"big document: {len(text) / 1e6:.1f} MB, {text.count(chr(10))} lines")
    server = RawServer()
    try:
        server.initialize()
        big, small = "file:///stress/big/Dockerfile", "file:///stress/small/Dockerfile"
        start = time.monotonic()
        server.open(big, text)
        sent_small = time.monotonic()
        server.open(small, SMALL)
        server.diagnostics(small, 1)
        small_s = time.monotonic() - sent_small

        latencies = []
        while True:
            # Stop probing once the big document's complete diagnostics are in.
            done = any(
                m.get("method") == "textDocument/publishDiagnostics"
                and m["params"]["uri"] == big
                and not any("still running" in d["message"] for d in m["params"]["diagnostics"])
                for m in list(server.messages)
            )
            if done or time.monotonic() - start > 120:
                break
            sent = time.monotonic()
            server.call(
                "textDocument/hover",
                {"textDocument": {"uri": small}, "position": {"line": 1, "character": 1}},
            )
            latencies.append(time.monotonic() - sent)
            time.sleep(0.2)

        def first(complete: bool) -> tuple[float, int]:
            for message, at in zip(server.messages, server.times, strict=False):
                if message.get("method") != "textDocument/publishDiagnostics":
                    continue
                params = message["params"]
                partial = any("still running" in d["message"] for d in params["diagnostics"])
                if params["uri"] == big and partial != complete:
                    return at - start, len(params["diagnostics"])
            return float("nan"), 0

        partial_s, partial_n = first(complete=False)
        big_s, big_n = first(complete=True)
    finally:
        status = server.close()

    print(f"small document diagnostics: {small_s * 1000:.0f} ms (target < {TARGETS['small_s']} s)")
    if latencies:
        print(
            f"hover on the small document during the big lint: {len(latencies)} requests, "
            f"median {statistics.median(latencies) * 1000:.0f} ms, "
            f"max {max(latencies) * 1000:.0f} ms"
        )
    print(f"big document, syntax and quick checks first: {partial_s:.1f} s ({partial_n} items)")
    print(f"big document, complete: {big_s:.1f} s ({big_n} items, target < {TARGETS['big_s']} s)")
    print(f"server exit status after shutdown/exit: {status}")
    ok = small_s < TARGETS["small_s"] and big_s < TARGETS["big_s"]
    print("targets met" if ok else "TARGETS MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
