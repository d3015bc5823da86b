"""JSON-RPC over stdio that survives a misbehaving client.

pygls' own stdio loop trusts its input: a request whose parameters do not decode
is logged and never answered (the client waits forever), a wrong ``Content-Length``
also swallows the next message, and ``exit`` always ends with status 0. Here:

- :class:`Framer` cuts the byte stream into message bodies and resynchronises on
  the next ``Content-Length`` header after junk, a non-numeric length, or a length
  that runs into the next message;
- :func:`dispatch` answers what cannot be handled: ``-32700`` for a body that is not
  JSON, ``-32600`` for something that is not a request or notification, ``-32602``
  for a request whose parameters do not decode (negative positions, ``null`` or a
  string where an object belongs); a notification with bad parameters is logged;
- :class:`Protocol` keeps no copy of the documents (``lsp.documents`` does, with
  LSP line indexing) and makes ``exit`` end with status 0 after ``shutdown``, 1
  without it (the LSP rule).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
import threading
from collections.abc import Callable, Generator
from typing import IO, Any

from lsprotocol import types
from pygls.exceptions import (
    JsonRpcContentModified,
    JsonRpcException,
    JsonRpcInternalError,
    JsonRpcInvalidParams,
    JsonRpcInvalidRequest,
    JsonRpcParseError,
    JsonRpcRequestCancelled,
)
from pygls.protocol import LanguageServerProtocol, lsp_method

log = logging.getLogger("layerwise.lsp.protocol")

#: A header block larger than this without an end is junk.
MAX_HEADER = 8 * 1024
#: A message larger than this is refused (its bytes are skipped).
MAX_MESSAGE = 256 * 1024 * 1024

_LENGTH = re.compile(rb"content-length[ \t]*:[ \t]*([^\r\n]*)\r?\n", re.IGNORECASE)
_HEADER_END = re.compile(rb"\r?\n\r?\n")
# A header that starts inside what a wrong length claims as the body: JSON never holds
# raw line breaks inside strings, so "Content-Length: N" + CRLF is the next message.
_NEXT = re.compile(rb"content-length[ \t]*:[ \t]*\d+\r?\n", re.IGNORECASE)


class Framer:
    """Cuts ``Content-Length`` framed bodies out of a byte stream, resynchronising
    after framing errors. :meth:`feed` returns complete bodies and error texts."""

    def __init__(self) -> None:
        self.buffer = bytearray()
        self._skip = 0  # bytes of an oversized body still to drop
        # How far an incomplete body was searched for a following header (a big body
        # arrives in many chunks: each byte is searched about once).
        self._searched = 0

    def feed(self, data: bytes) -> list[bytes | str]:
        """Bodies (``bytes``) and framing problems (``str``) found so far, in order."""
        self.buffer += data
        out: list[bytes | str] = []
        while True:
            if self._skip:
                dropped = min(self._skip, len(self.buffer))
                del self.buffer[:dropped]
                self._skip -= dropped
                if self._skip:
                    return out
            found = _LENGTH.search(self.buffer)
            if found is None:
                if len(self.buffer) > MAX_HEADER:
                    out.append(f"skipped {len(self.buffer) - 64} bytes without a header")
                    del self.buffer[:-64]
                return out
            if found.start():
                junk = bytes(self.buffer[: found.start()])
                del self.buffer[: found.start()]
                if junk.strip():
                    out.append(f"skipped {len(junk)} bytes before a header")
                continue
            end = _HEADER_END.search(self.buffer)
            if end is None:
                if len(self.buffer) > MAX_HEADER:
                    out.append("header block without an end; skipped")
                    del self.buffer[: found.end()]
                    continue
                return out
            value = found.group(1).strip()
            body_start = end.end()
            if not value.isdigit():
                out.append(f"Content-Length {value[:40]!r} is not a number; message skipped")
                del self.buffer[:body_start]
                continue
            length = int(value)
            if length > MAX_MESSAGE:
                out.append(f"message of {length} bytes refused")
                del self.buffer[:body_start]
                self._skip = length
                continue
            stop = min(len(self.buffer), body_start + length)
            following = _NEXT.search(self.buffer, max(body_start, self._searched - 64), stop)
            if following is not None:
                # The length runs into the next message: the body ends before its header.
                cut = following.start()
                out.append(bytes(self.buffer[body_start:cut]))
                del self.buffer[:cut]
                self._searched = 0
                continue
            if stop < body_start + length:
                self._searched = stop
                return out
            out.append(bytes(self.buffer[body_start:stop]))
            del self.buffer[:stop]
            self._searched = 0


def _error(msg_id: Any, exc: JsonRpcException) -> dict[str, Any]:
    return {
        "jsonrpc": "2.0",
        "id": msg_id,
        "error": {"code": exc.code, "message": exc.message},
    }


def dispatch(protocol: LanguageServerProtocol, body: bytes) -> None:
    """Decode one body and hand it to pygls, answering what pygls would not."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        log.warning("a message is not JSON (%d bytes); answered with a parse error", len(body))
        protocol._send_data(_error(None, JsonRpcParseError("Parse error: the body is not JSON")))
        return
    if not isinstance(data, dict):
        protocol._send_data(
            _error(None, JsonRpcInvalidRequest("Invalid request: not a JSON object"))
        )
        return
    msg_id = data.get("id")
    method = data.get("method")
    has_id = "id" in data
    if (
        data.get("jsonrpc") != "2.0"
        or (has_id and (isinstance(msg_id, bool) or not isinstance(msg_id, (int, str))))
        or ("method" in data and not isinstance(method, str))
        or ("method" not in data and not has_id)
    ):
        log.warning("invalid JSON-RPC message (keys %s)", sorted(data)[:10])
        if "method" in data or has_id:
            valid_id = (
                msg_id if isinstance(msg_id, (int, str)) and not isinstance(msg_id, bool) else None
            )
            protocol._send_data(_error(valid_id, JsonRpcInvalidRequest("Invalid request")))
        return
    is_request = has_id and isinstance(method, str)
    try:
        message = protocol.structure_message(data)
    except Exception:
        if is_request:
            log.warning("request %r: parameters do not decode; answered -32602", method)
            protocol._send_data(
                _error(
                    msg_id,
                    JsonRpcInvalidParams(f"Invalid params for {method}"),
                )
            )
        elif method is not None:
            log.warning("notification %r: parameters do not decode; ignored", method)
        else:
            log.warning("a response from the client does not decode; ignored")
        return
    try:
        protocol.handle_message(message)
    except Exception:  # a message must never take the server down
        log.exception("message %r could not be handled", method)
        if is_request:
            protocol._send_data(_error(msg_id, JsonRpcInternalError("Internal error")))


class Protocol(LanguageServerProtocol):
    """pygls' protocol without its document copies and with LSP exit codes."""

    #: Set by ``exit``: 0 after ``shutdown``, 1 without it.
    exit_code: int | None = None

    @lsp_method(types.EXIT)
    def lsp_exit(self, *args: Any) -> Generator[Any, Any, None]:
        if (user_handler := self.fm.features.get(types.EXIT)) is not None:
            yield user_handler, args, None
        self.exit_code = 0 if self._shutdown else 1
        raise SystemExit(self.exit_code)

    def _execute_handler(
        self,
        msg_id: Any,
        handler: Any,
        callback: Callable[[Any], None],
        args: Any = None,
        kwargs: Any = None,
    ) -> None:
        # pygls files the future of every generator or async handler under its id and
        # removes it only for requests: each notification (every didChange) would
        # stay in ``_request_futures`` for the life of the server.
        def done(future: Any) -> None:
            try:
                callback(future)
            finally:
                if self._request_futures.get(msg_id) is future:
                    del self._request_futures[msg_id]

        super()._execute_handler(msg_id, handler, done, args, kwargs)

    def _handle_request(self, msg_id: Any, method_name: str, params: Any) -> None:
        """A request on a document whose parse or lint is still running in a worker
        waits for it without blocking the loop; ``$/cancelRequest`` cancels the wait,
        and an edit meanwhile answers ContentModified (the positions were for the old
        text)."""
        server: Any = self._server
        gate = server.gate(method_name, params) if hasattr(server, "gate") else None
        if gate is None:
            super()._handle_request(msg_id, method_name, params)
            return
        seq = server.document_seq(params)
        waiting = asyncio.ensure_future(self._after(gate, msg_id, method_name, params, seq))
        self._request_futures[msg_id] = waiting  # type: ignore[assignment]

    async def _after(
        self, gate: asyncio.Future[Any], msg_id: Any, method: str, params: Any, seq: int | None
    ) -> None:
        server: Any = self._server
        while True:
            try:
                await asyncio.shield(gate)
            except asyncio.CancelledError:
                if _cancelling() or not gate.cancelled():
                    self._request_futures.pop(msg_id, None)
                    self._send_data(_error(msg_id, JsonRpcRequestCancelled()))
                    return
                # The job was superseded (an edit, new settings): wait for the next one.
                if server.request_is_current(params, seq):
                    next_gate = server.gate(method, params)
                    if next_gate is not None:
                        gate = next_gate
                        continue
            except Exception:
                pass  # the lint failed: the handler computes what it can
            break
        self._request_futures.pop(msg_id, None)
        if not server.request_is_current(params, seq):
            self._send_data(_error(msg_id, JsonRpcContentModified()))
            return
        super()._handle_request(msg_id, method, params)

    @lsp_method(types.SHUTDOWN)
    def lsp_shutdown(self, *args: Any) -> Generator[Any, Any, None]:
        if (user_handler := self.fm.features.get(types.SHUTDOWN)) is not None:
            yield user_handler, args, None
        current_id = self.msg_id
        # A copy: cancelling runs done callbacks that remove entries (``_execute_handler``).
        for msg_id, future in list(self._request_futures.items()):
            if msg_id != current_id and not future.done():
                future.cancel()
        self._shutdown = True

    # The documents live in ``lsp.documents`` (LSP line indexing, checked ranges);
    # pygls' copies would double the memory and raise on ranges ours clamp.
    @lsp_method(types.TEXT_DOCUMENT_DID_OPEN)
    def lsp_text_document__did_open(self, params: Any) -> Generator[Any, Any, None]:
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_OPEN)) is not None:
            yield handler, (params,), None

    @lsp_method(types.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params: Any) -> Generator[Any, Any, None]:
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_CHANGE)) is not None:
            yield handler, (params,), None

    @lsp_method(types.TEXT_DOCUMENT_DID_CLOSE)
    def lsp_text_document__did_close(self, params: Any) -> Generator[Any, Any, None]:
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_CLOSE)) is not None:
            yield handler, (params,), None


def _cancelling() -> bool:
    """The current task was asked to stop (``$/cancelRequest``)."""
    task = asyncio.current_task()
    cancelling = getattr(task, "cancelling", None)  # Python 3.11+
    return bool(cancelling()) if cancelling is not None else False


def _read_stdin(stdin: IO[bytes], deliver: Callable[[bytes], None]) -> None:
    """Reader thread: hand each chunk to the loop; ``b""`` at the end of input."""
    try:
        fd = stdin.fileno()
    except (AttributeError, OSError, ValueError):
        fd = None
    # os.read on the descriptor: a buffered reader's lock held by this daemon thread
    # would abort the interpreter at exit.
    read = (lambda n: os.read(fd, n)) if fd is not None else getattr(stdin, "read1", stdin.read)
    while True:
        try:
            chunk = read(65536)
        except (OSError, ValueError):
            chunk = b""
        deliver(chunk)
        if not chunk:
            return


async def serve_stream(protocol: LanguageServerProtocol, stdin: IO[bytes]) -> None:
    """Read framed messages from ``stdin`` until its end or ``exit``."""
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[bytes] = asyncio.Queue()
    # A daemon thread: a read blocked on stdin must not keep the process alive at exit.
    reader = threading.Thread(
        target=_read_stdin,
        args=(stdin, lambda chunk: loop.call_soon_threadsafe(queue.put_nowait, chunk)),
        name="layerwise-stdin",
        daemon=True,
    )
    reader.start()
    framer = Framer()
    while True:
        chunk = await queue.get()
        if not chunk:
            return
        for item in framer.feed(chunk):
            if isinstance(item, str):
                log.warning("framing: %s", item)
                continue
            dispatch(protocol, item)
            # Let handlers scheduled by this message run before the next one.
            await asyncio.sleep(0)
