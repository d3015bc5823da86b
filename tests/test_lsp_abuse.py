"""``layerwise serve`` under abuse, over a raw JSON-RPC pipe.

After each kind of bad input the server must still serve a normal document (a
didOpen of a small Dockerfile gets its diagnostics) and write nothing to stdout
but well-formed JSON-RPC frames (``RawServer.garbage`` collects anything else).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import pytest

from layerwise.lsp.protocol import Framer
from raw_lsp import RawServer, frame

SMALL = "FROM debian:bookworm\nMAINTAINER someone\n"
URI = "file:///abuse/Dockerfile"


@pytest.fixture
def server() -> Iterator[RawServer]:
    raw = RawServer()
    raw.initialize()
    yield raw
    raw.kill()
    assert raw.garbage == [], raw.garbage


_checks = 0


def still_serves(server: RawServer) -> None:
    """A fresh document opened now gets the right diagnostics."""
    global _checks
    _checks += 1
    uri = f"file:///healthy/{_checks}/Dockerfile"
    server.open(uri, SMALL, version=7)
    codes = [(d["code"], d["range"]["start"]["line"]) for d in server.diagnostics(uri, 7)]
    assert codes == [("LW908", 1)], codes
    assert server.garbage == []


def error_code(reply: dict) -> int | None:
    return reply.get("error", {}).get("code")


# -- framing and JSON ---------------------------------------------------------------


def test_malformed_json_gets_a_parse_error_and_the_server_goes_on(server: RawServer) -> None:
    server.send_raw(frame(b'{"jsonrpc": "2.0", "id": 1, "method": '))
    reply = server.wait_for(lambda m: m.get("id") is None and "error" in m)
    assert error_code(reply) == -32700
    server.send_raw(frame(b"[1, 2, 3]"))
    server.send_raw(frame(b"\xff\xfe not utf-8"))
    still_serves(server)


@pytest.mark.parametrize("wrong", ["short", "long", "nan", "junk"])
def test_wrong_content_length_costs_only_that_message(server: RawServer, wrong: str) -> None:
    body = json.dumps(
        {"jsonrpc": "2.0", "id": 50, "method": "shutdown_not", "params": {"x": "y" * 40}}
    ).encode()
    if wrong == "short":
        server.send_raw(b"Content-Length: %d\r\n\r\n" % (len(body) // 2) + body)
    elif wrong == "long":
        server.send_raw(b"Content-Length: %d\r\n\r\n" % (len(body) + 500) + body)
    elif wrong == "nan":
        server.send_raw(b"Content-Length: twelve\r\n\r\n" + body)
    else:
        server.send_raw(b"garbage without a header\r\n" + body)
    # The next message is answered even though the bad one claimed some of its bytes.
    reply = server.call("workspace/symbol", {"query": ""})
    assert "result" in reply
    still_serves(server)


def test_framer_resynchronises() -> None:
    good = frame('{"jsonrpc":"2.0","method":"a"}')
    framer = Framer()
    out: list[bytes | str] = []
    stream = b"Content-Length: 999\r\n\r\n{}" + good + b"noise" + good
    for byte in stream:  # one byte at a time: the cut does not depend on chunking
        out += framer.feed(bytes([byte]))
    bodies = [o for o in out if isinstance(o, bytes)]
    assert bodies == [b"{}", b'{"jsonrpc":"2.0","method":"a"}', b'{"jsonrpc":"2.0","method":"a"}']
    assert any("skipped" in o for o in out if isinstance(o, str))


# -- requests that do not decode -------------------------------------------------------


def test_unknown_methods(server: RawServer) -> None:
    assert error_code(server.call("layerwise/noSuchThing", {})) == -32601
    server.notify("layerwise/noSuchNotification", {"a": 1})
    server.notify("$/somethingOptional", {})
    still_serves(server)


@pytest.mark.parametrize(
    ("method", "params"),
    [
        ("textDocument/hover", None),
        ("textDocument/hover", {"textDocument": {"uri": URI}}),
        ("textDocument/codeAction", "hello"),
        ("textDocument/completion", [1, 2]),
        (
            "textDocument/hover",
            {"textDocument": {"uri": URI}, "position": {"line": -1, "character": 0}},
        ),
        (
            "textDocument/definition",
            {"textDocument": {"uri": URI}, "position": {"line": 0, "character": -5}},
        ),
    ],
)
def test_undecodable_params_get_invalid_params(server: RawServer, method: str, params) -> None:
    server.open(URI, SMALL)
    message = {"jsonrpc": "2.0", "id": 77, "method": method}
    if params is not None:
        message["params"] = params
    else:
        message["params"] = None
    server.send(message)
    assert error_code(server.response(77)) == -32602
    still_serves(server)


def test_positions_past_the_end_are_clamped(server: RawServer) -> None:
    server.open(URI, SMALL)
    for method in ("textDocument/hover", "textDocument/completion", "textDocument/definition"):
        reply = server.call(
            method,
            {"textDocument": {"uri": URI}, "position": {"line": 999, "character": 999}},
        )
        assert "error" not in reply, (method, reply)
    reply = server.call(
        "textDocument/codeAction",
        {
            "textDocument": {"uri": URI},
            "range": {"start": {"line": 1, "character": 0}, "end": {"line": 500, "character": 9}},
            "context": {"diagnostics": []},
        },
    )
    assert isinstance(reply["result"], list) and reply["result"]  # MAINTAINER's fixes


def test_bad_notifications_are_ignored(server: RawServer) -> None:
    server.notify("textDocument/didOpen", None)
    server.notify("textDocument/didChange", {"textDocument": "nope"})
    server.notify("$/cancelRequest", {"id": {"no": "id"}})
    server.change("file:///never/opened/Dockerfile", 2, [{"text": "FROM x\n"}])
    still_serves(server)


# -- edits ------------------------------------------------------------------------------


def test_ranges_past_the_end_and_inside_a_surrogate_pair(server: RawServer) -> None:
    server.open(URI, 'FROM alpine:3.19\nLABEL note="😀 x"\n')
    # Past the end of the document: an insertion at its end.
    end = {"line": 40, "character": 3}
    server.change(URI, 2, [{"range": {"start": end, "end": end}, "text": "MAINTAINER me\n"}])
    # Inside the emoji's surrogate pair (UTF-16 column 12 of line 1): rounds to its end.
    inside = {"line": 1, "character": 13}
    server.change(URI, 3, [{"range": {"start": inside, "end": inside}, "text": "!"}])
    diagnostics = server.diagnostics(URI, 3)
    maintainer = [d for d in diagnostics if d["range"]["start"]["line"] == 2]
    assert maintainer, diagnostics
    # The document is what the edits say: the quick fix removes the MAINTAINER line.
    reply = server.call(
        "textDocument/formatting",
        {"textDocument": {"uri": URI}, "options": {"tabSize": 4, "insertSpaces": True}},
    )
    assert "error" not in reply
    still_serves(server)


def test_rapid_edits_publish_the_last_version_only_in_order(server: RawServer) -> None:
    server.open(URI, "FROM alpine:3.19\n", version=1)
    batch = bytearray()
    for version in range(2, 2002):
        text = f"FROM alpine:3.19\nRUN echo {version}\n" + ("MAINTAINER x\n" if version % 2 else "")
        batch += frame(
            json.dumps(
                {
                    "jsonrpc": "2.0",
                    "method": "textDocument/didChange",
                    "params": {
                        "textDocument": {"uri": URI, "version": version},
                        "contentChanges": [{"text": text}],
                    },
                }
            )
        )
    server.send_raw(bytes(batch))
    last = server.diagnostics(URI, 2001)
    assert any(d["range"]["start"]["line"] == 2 for d in last)  # 2001 is odd: MAINTAINER
    time.sleep(0.5)
    versions = [
        m["params"]["version"]
        for m in server.messages
        if m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == URI
    ]
    assert versions == sorted(versions) and versions[-1] == 2001
    still_serves(server)


def test_memory_stays_flat_over_ten_thousand_edits(server: RawServer) -> None:
    stage = "FROM debian:bookworm AS build{n}\nRUN apt-get update && apt-get install -y curl\n"
    text = "".join(stage.format(n=n) for n in range(120))[:8000]

    def edits(first: int, count: int) -> None:
        for start in range(first, first + count, 500):
            batch = bytearray()
            for version in range(start, start + 500):
                body = text[:-12] + f"# {version:09d}\n"
                batch += frame(
                    json.dumps(
                        {
                            "jsonrpc": "2.0",
                            "method": "textDocument/didChange",
                            "params": {
                                "textDocument": {"uri": URI, "version": version},
                                "contentChanges": [{"text": body}],
                            },
                        }
                    )
                )
            server.send_raw(bytes(batch))
            server.diagnostics(URI, start + 499, timeout=60)

    server.open(URI, text, version=1)
    edits(2, 2000)  # warm-up: caches, allocator arenas
    before = server.rss_kib()
    edits(2002, 10000)
    after = server.rss_kib()
    assert after <= before * 1.10, (before, after)


# -- size and order -----------------------------------------------------------------------


def _big(size: int) -> str:
    stage = (
        "FROM ubuntu:22.04 AS s{n}\n"
        "RUN apt-get update && apt-get install -y curl git \\\n"
        "    && rm -rf /var/lib/apt/lists/*\n"
        "WORKDIR /src\nCOPY . .\nRUN make build && make install\n"
        'ENV PATH="/opt/bin:$PATH"\nEXPOSE 8080\nCMD ["./serve"]\n'
    )
    parts, total, n = [], 0, 0
    while total < size:
        part = stage.format(n=n)
        parts.append(part)
        total += len(part)
        n += 1
    return "".join(parts)


def _padded(size: int) -> str:
    """Big by size, cheap to lint: a few instructions and many comment lines."""
    line = "# " + "padding " * 12 + "\n"
    return "FROM ubuntu:22.04\nMAINTAINER me\n" + line * (size // len(line) + 1)


def _publications(server: RawServer, uri: str) -> list[tuple[int, bool]]:
    """(index in messages, partial?) of the publications for ``uri``."""
    found = []
    for index, m in enumerate(list(server.messages)):
        if m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri:
            partial = any("still running" in d["message"] for d in m["params"]["diagnostics"])
            found.append((index, partial))
    return found


def test_a_small_document_is_served_before_a_five_megabyte_one(server: RawServer) -> None:
    big, small = "file:///big/Dockerfile", "file:///small/Dockerfile"
    server.open(big, _big(5_000_000))
    server.open(small, SMALL, version=3)
    server.diagnostics(small, 3)
    hover = server.call(
        "textDocument/hover",
        {"textDocument": {"uri": small}, "position": {"line": 1, "character": 2}},
    )
    assert "result" in hover
    small_at = next(
        i
        for i, m in enumerate(server.messages)
        if m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == small
    )
    # The big document's first publication is partial (syntax first, with a note
    # saying the rest is running) and comes after the small document's.
    server.wait_for(
        lambda m: (
            m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == big
        ),
        timeout=120,
    )
    first_big, partial = _publications(server, big)[0]
    assert first_big > small_at
    assert partial
    note = [d for d in server.messages[first_big]["params"]["diagnostics"] if d["severity"] == 3]
    assert note and note[0]["source"] == "layerwise"


def test_big_document_progress_partial_then_complete(server: RawServer) -> None:
    big = "file:///progress/Dockerfile"
    server.open(big, _padded(1_100_000), version=1)
    complete = server.diagnostics(big, 1, timeout=120)
    assert not any("still running" in d["message"] for d in complete)
    kinds = [partial for _, partial in _publications(server, big)]
    assert kinds == [True, False]


def test_pull_diagnostics_cancel_and_other_documents_answered() -> None:
    server = RawServer()
    try:
        server.initialize(pull=True)
        big, small = "file:///pull/big/Dockerfile", "file:///pull/small/Dockerfile"
        server.open(big, _big(400_000))
        server.open(small, SMALL)
        slow = server.request("textDocument/diagnostic", {"textDocument": {"uri": big}})
        reply = server.call("textDocument/diagnostic", {"textDocument": {"uri": small}})
        assert reply["result"]["items"]
        server.notify("$/cancelRequest", {"id": slow})
        assert error_code(server.response(slow)) == -32800
        # Asked again, it is answered in full.
        again = server.call("textDocument/diagnostic", {"textDocument": {"uri": big}}, timeout=120)
        assert "items" in again["result"]
        assert server.garbage == []
    finally:
        server.kill()


def test_an_edit_supersedes_the_running_lint() -> None:
    server = RawServer()
    try:
        server.initialize(pull=True)
        big = "file:///supersede/Dockerfile"
        server.open(big, _big(400_000))
        waiting = server.request(
            "textDocument/hover",
            {"textDocument": {"uri": big}, "position": {"line": 0, "character": 1}},
        )
        server.change(big, 2, [{"text": SMALL}])
        # The hover was for the old text: content modified (or answered if it ran first).
        reply = server.response(waiting, timeout=60)
        assert "result" in reply or error_code(reply) == -32801
        items = server.call("textDocument/diagnostic", {"textDocument": {"uri": big}})["result"]
        assert {d["range"]["start"]["line"] for d in items["items"]} <= {0, 1}
    finally:
        server.kill()


# -- exit ---------------------------------------------------------------------------------


def test_exit_without_shutdown_is_status_one() -> None:
    server = RawServer()
    server.initialize()
    server.notify("exit")
    assert server.proc.wait(10) == 1
    assert server.garbage == []


def test_exit_after_shutdown_is_status_zero() -> None:
    server = RawServer()
    server.initialize()
    server.open(URI, SMALL)
    assert server.close() == 0
