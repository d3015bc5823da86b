"""End-to-end: folding, selection ranges, document links, inlay hints and the fix-all
command and code lens, through a real `layerwise serve` driven by pytest-lsp.

Positions are checked in the client's encoding (UTF-16 unless said otherwise) on lines
where an emoji comes before the target, with CRLF line ends, tabs, the backtick escape
and heredocs.
"""

from __future__ import annotations

import json
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from lsp_support import CONFIG, apply_workspace_edit, capabilities, code_points

ROOT = Path(__file__).resolve().parents[1]


@asynccontextmanager
async def session(
    root: Path, *, encoding: str | None = None, range_limit: int | None = None, pull: bool = False
) -> AsyncIterator[LanguageClient]:
    caps = capabilities(encodings=[encoding] if encoding else None, pull=pull)
    assert caps.text_document is not None and caps.workspace is not None
    caps.text_document.folding_range = types.FoldingRangeClientCapabilities(
        range_limit=range_limit, line_folding_only=True
    )
    caps.text_document.document_link = types.DocumentLinkClientCapabilities(tooltip_support=True)
    caps.workspace.apply_edit = True
    client = await CONFIG.start()
    client.applied = []  # type: ignore[attr-defined]

    @client.feature(types.WORKSPACE_APPLY_EDIT)
    def apply_edit(params: types.ApplyWorkspaceEditParams) -> types.ApplyWorkspaceEditResult:
        client.applied.append(params)  # type: ignore[attr-defined]
        return types.ApplyWorkspaceEditResult(applied=True)

    try:
        await client.initialize_session(
            types.InitializeParams(
                capabilities=caps,
                workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name="ws")],
            )
        )
        yield client
    finally:
        await client.shutdown_session()
        await client.stop()


def open_doc(client: LanguageClient, path: Path, text: str) -> types.TextDocumentIdentifier:
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=path.as_uri(), language_id="dockerfile", version=1, text=text
            )
        )
    )
    return types.TextDocumentIdentifier(uri=path.as_uri())


def lines(text: str) -> list[str]:
    """LSP lines: ends at \\n, \\r\\n or \\r (independent of the server's code)."""
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def covered(text: str, rng: types.Range, encoding: str = "utf-16") -> str:
    """The text a range covers (single- or multi-line), computed independently."""
    parts = lines(text)
    start = code_points(parts[rng.start.line], rng.start.character, encoding)
    end = code_points(parts[rng.end.line], rng.end.character, encoding)
    if rng.start.line == rng.end.line:
        return parts[rng.start.line][start:end]
    middle = parts[rng.start.line + 1 : rng.end.line]
    return "\n".join([parts[rng.start.line][start:], *middle, parts[rng.end.line][:end]])


def position_of(text: str, needle: str, delta: int = 0, encoding: str = "utf-16") -> types.Position:
    """The client position ``delta`` code points into the first ``needle``."""
    for number, line in enumerate(lines(text)):
        index = line.find(needle)
        if index >= 0:
            prefix = line[: index + delta]
            if encoding == "utf-16":
                return types.Position(number, len(prefix.encode("utf-16-le")) // 2)
            if encoding == "utf-8":
                return types.Position(number, len(prefix.encode("utf-8")))
            return types.Position(number, len(prefix))
    raise AssertionError(needle)


async def test_capabilities_are_advertised(tmp_path: Path):
    client = await CONFIG.start()
    try:
        result = await client.initialize_session(
            types.InitializeParams(capabilities=capabilities())
        )
        caps = result.capabilities
        assert caps.folding_range_provider
        assert caps.selection_range_provider
        assert caps.document_link_provider is not None
        assert caps.inlay_hint_provider
        assert caps.code_lens_provider is not None
        assert caps.execute_command_provider is not None
        commands = caps.execute_command_provider.commands
        assert "layerwise.server.fixAll" in commands
        # VS Code's language client registers each server command as an editor command:
        # one the extension registers itself would stop the client from starting.
        manifest = json.loads((ROOT / "vscode-client" / "package.json").read_text())
        own = {c["command"] for c in manifest["contributes"]["commands"]}
        assert not own & set(commands)
    finally:
        await client.shutdown_session()
        await client.stop()


FOLDING_TEXT = (
    "# syntax=docker/dockerfile:1\r\n"  # 0
    "# escape=`\r\n"  # 1
    "ARG BASE=debian:12\r\n"  # 2
    "ARG APP=/srv\r\n"  # 3
    "FROM ${BASE} AS build\r\n"  # 4
    "RUN apt-get update `\r\n"  # 5
    "\t&& apt-get install -y make\r\n"  # 6
    "COPY <<EOF /etc/motd\r\n"  # 7
    "hello 😀\r\n"  # 8
    "EOF\r\n"  # 9
    "\r\n"  # 10
    "FROM build\r\n"  # 11
    "# a\r\n"  # 12
    "# b\r\n"  # 13
    "RUN true\r\n"  # 14
)


async def test_folding_ranges_over_crlf_backtick_and_heredoc(tmp_path: Path):
    async with session(tmp_path) as client:
        doc = open_doc(client, tmp_path / "Dockerfile", FOLDING_TEXT)
        result = await client.text_document_folding_range_async(
            types.FoldingRangeParams(text_document=doc)
        )
        assert result is not None
        got = {(f.start_line, f.end_line, f.kind) for f in result}
        assert got == {
            (0, 1, types.FoldingRangeKind.Comment),  # the directives
            (2, 3, types.FoldingRangeKind.Region),  # global ARGs
            (4, 9, types.FoldingRangeKind.Region),  # the first stage, without the blank line
            (5, 6, None),  # the backtick continuation
            (7, 9, None),  # the heredoc
            (11, 14, types.FoldingRangeKind.Region),
            (12, 13, types.FoldingRangeKind.Comment),
        }
        assert all(f.start_character is None and f.end_character is None for f in result)


async def test_folding_range_limit(tmp_path: Path):
    async with session(tmp_path, range_limit=4) as client:
        doc = open_doc(client, tmp_path / "Dockerfile", FOLDING_TEXT)
        result = await client.text_document_folding_range_async(
            types.FoldingRangeParams(text_document=doc)
        )
        assert result is not None
        # The outermost four: the nested instruction, heredoc and comment folds go first.
        assert [(f.start_line, f.end_line) for f in result] == [(0, 1), (2, 3), (4, 9), (11, 14)]


@pytest.mark.parametrize("pull", [False, True])
async def test_folding_follows_edits(pull: bool, tmp_path: Path):
    """The parsed model is cached per version: an edit must invalidate it, whether the
    edit was linted (push diagnostics) or not (a pulling client that has not asked)."""
    async with session(tmp_path, pull=pull) as client:
        doc = open_doc(client, tmp_path / "Dockerfile", "FROM a\nRUN x\n")
        params = types.FoldingRangeParams(text_document=doc)
        before = await client.text_document_folding_range_async(params)
        assert [(f.start_line, f.end_line) for f in before or []] == [(0, 1)]
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=doc.uri, version=2),
                content_changes=[
                    types.TextDocumentContentChangePartial(
                        range=types.Range(types.Position(1, 5), types.Position(1, 5)),
                        text=" \\\n  y\nRUN z",
                    )
                ],
            )
        )
        after = await client.text_document_folding_range_async(params)
        assert [(f.start_line, f.end_line) for f in after or []] == [(0, 3), (1, 2)]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8", "utf-32"])
async def test_selection_ranges_after_an_emoji(encoding: str, tmp_path: Path):
    text = 'FROM alpine\nRUN echo "😀" \\\n\t&& apk add --no-cache curl\n'
    async with session(tmp_path, encoding=encoding) as client:
        doc = open_doc(client, tmp_path / "Dockerfile", text)
        cursors = [position_of(text, "😀", 1, encoding), position_of(text, "cache", 2, encoding)]
        result = await client.text_document_selection_range_async(
            types.SelectionRangeParams(text_document=doc, positions=cursors)
        )
        assert result is not None and len(result) == 2
        chain: list[str] = []
        node: types.SelectionRange | None = result[1]
        while node is not None:
            chain.append(covered(text, node.range, encoding))
            node = node.parent
        assert chain == [
            "no-cache",
            "--no-cache",
            "apk add --no-cache curl",
            'RUN echo "😀" \\\n\t&& apk add --no-cache curl',
            text.rstrip("\n"),  # the stage
            text,  # the whole file
        ]
        top = result[1]
        while top.parent is not None:
            top = top.parent
        assert top.range.end == types.Position(3, 0)
        assert covered(text, result[0].range, encoding) == '"😀"'


async def test_document_links(tmp_path: Path):
    workspace = tmp_path / "ws"
    (workspace / "app" / "src").mkdir(parents=True)
    (workspace / "app" / "😀.txt").write_text("x")
    (workspace / "app" / "src" / "main.py").write_text("print()")
    (tmp_path / "secret.txt").write_text("outside the workspace")
    os.symlink(tmp_path / "secret.txt", workspace / "app" / "escape.txt")
    text = (
        "FROM python:3.12-slim AS base\n"
        "# layerwise: ignore=LW601\n"
        "COPY 😀.txt src/ ../secret.txt escape.txt missing /app/\n"
        "FROM ghcr.io/astral-sh/uv:0.4 AS uv\n"
        "FROM base\n"
    )
    async with session(workspace) as client:
        doc = open_doc(client, workspace / "app" / "Dockerfile", text)
        result = await client.text_document_document_link_async(
            types.DocumentLinkParams(text_document=doc)
        )
        assert result is not None
        got = [(covered(text, link.range), link.target) for link in result]
        assert got[0] == ("python:3.12-slim", "https://hub.docker.com/_/python")
        assert got[1][0] == "LW601" and got[1][1] is not None and got[1][1].endswith("LW601.md")
        assert got[2:] == [
            ("😀.txt", (workspace / "app" / "😀.txt").as_uri()),
            ("src/", (workspace / "app" / "src").as_uri()),
            ("ghcr.io/astral-sh/uv:0.4", "https://ghcr.io/astral-sh/uv"),
        ]
        # The emoji takes two UTF-16 units: "src/" starts at column 5 + 2 + 5.
        assert result[3].range.start == types.Position(2, 12)
        assert all(link.tooltip for link in result)


async def test_inlay_hints_in_the_requested_range(tmp_path: Path):
    text = (
        "ARG BASE=python:3.12-slim\n"  # 0
        "FROM ${BASE} AS app\n"  # 1
        "ARG HOME_DIR=/srv/app\n"  # 2
        'LABEL note="😀" dir=$HOME_DIR\n'  # 3
        "WORKDIR\t$HOME_DIR\n"  # 4
        "RUN echo $HOME_DIR\n"  # 5
    )
    async with session(tmp_path) as client:
        doc = open_doc(client, tmp_path / "Dockerfile", text)

        async def hints(first: int, last: int) -> list[tuple[int, int, str]]:
            result = await client.text_document_inlay_hint_async(
                types.InlayHintParams(
                    text_document=doc,
                    range=types.Range(types.Position(first, 0), types.Position(last, 0)),
                )
            )
            return [(h.position.line, h.position.character, str(h.label)) for h in result or []]

        assert await hints(0, 6) == [
            (1, 12, ": python:3.12-slim"),
            (3, 29, ": /srv/app"),  # after the emoji: 28 code points, 29 UTF-16 units
            (4, 17, ": /srv/app"),
        ]
        assert await hints(3, 4) == [(3, 29, ": /srv/app")]


async def test_fix_all_command_and_code_lens(tmp_path: Path):
    text = "FROM ubuntu:24.04\nADD app.py /app/\nMAINTAINER me\n"
    async with session(tmp_path) as client:
        path = tmp_path / "Dockerfile"
        doc = open_doc(client, path, text)
        lenses = await client.text_document_code_lens_async(types.CodeLensParams(text_document=doc))
        assert lenses is not None and len(lenses) == 1
        lens = lenses[0]
        assert lens.range.start == types.Position(0, 0)
        assert lens.command is not None and lens.command.command == "layerwise.server.fixAll"
        assert lens.command.title.startswith("Fix ") and lens.command.title.endswith("problems")
        count = int(lens.command.title.split()[1])
        assert count >= 2  # ADD -> COPY and MAINTAINER -> LABEL at least

        applied = await client.workspace_execute_command_async(
            types.ExecuteCommandParams(
                command=lens.command.command, arguments=list(lens.command.arguments or [])
            )
        )
        assert applied is True
        [params] = client.applied  # type: ignore[attr-defined]
        fixed = apply_workspace_edit(text, doc.uri, params.edit)
        assert "COPY app.py /app/" in fixed and "MAINTAINER" not in fixed

        # A document without fixable problems gets no lens, and the command does nothing.
        clean = tmp_path / "clean" / "Dockerfile"
        clean.parent.mkdir()
        other = open_doc(client, clean, "FROM scratch\nCOPY --chown=1000 app /app\nUSER 1000\n")
        none = await client.text_document_code_lens_async(types.CodeLensParams(other))
        assert none is not None and len(none) == 0
        assert (
            await client.workspace_execute_command_async(
                types.ExecuteCommandParams(command="layerwise.server.fixAll", arguments=[other.uri])
            )
            is False
        )
        assert len(client.applied) == 1  # type: ignore[attr-defined]
