"""Completion service: candidates and replaced ranges by context (no server involved)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from layerwise.analysis.context import FileSystemProject
from layerwise.services.completion import (
    MAX_ENTRIES,
    Completion,
    Completions,
    ContextFiles,
    Kind,
    complete,
)
from layerwise.syntax.parser import parse

CURSOR = "|"


def at(marked: str, **options: object) -> tuple[Completions, str, int]:
    """Complete at the ``|`` in ``marked`` (the marker is removed from the text)."""
    offset = marked.index(CURSOR)
    text = marked[:offset] + marked[offset + 1 :]
    return complete(parse(text), offset, **options), text, offset  # type: ignore[arg-type]


def labels(marked: str, **options: object) -> list[str]:
    return [item.label for item in at(marked, **options)[0].items]


def item(marked: str, label: str, **options: object) -> tuple[Completion, str]:
    result, text, _ = at(marked, **options)
    found = [i for i in result.items if i.label == label]
    assert found, f"{label!r} not offered; got {[i.label for i in result.items]}"
    return found[0], text


def applied(marked: str, label: str, **options: object) -> str:
    """The text after accepting ``label`` (plain insert text over ``[start, end)``)."""
    chosen, text = item(marked, label, **options)
    return text[: chosen.start] + chosen.insert + text[chosen.end :]


# -- keywords ---------------------------------------------------------------------------------


def test_keywords_at_the_start_of_a_line_replace_the_partial_word() -> None:
    chosen, text = item("FROM alpine\nRU|\n", "RUN")
    assert chosen.kind is Kind.KEYWORD
    assert text[chosen.start : chosen.end] == "RU"
    assert applied("FROM alpine\nRU|\n", "RUN") == "FROM alpine\nRUN \n"


def test_keywords_on_an_empty_line_inside_a_stage() -> None:
    found = labels("FROM alpine\n|\n")
    assert {"RUN", "COPY", "ENV", "FROM", "HEALTHCHECK"} <= set(found)
    assert found.index("FROM") < found.index("HEALTHCHECK")  # common ones first


def test_only_arg_and_from_before_the_first_stage() -> None:
    assert sorted(labels("|\nFROM alpine\n")) == ["ARG", "FROM"]
    assert sorted(labels("ARG V=1\n|")) == ["ARG", "FROM"]


def test_keywords_follow_the_files_lower_case_style() -> None:
    found = labels("from alpine\nrun true\n|")
    assert "run" in found and "RUN" not in found
    assert "COPY" in labels("FROM alpine\nrun true\nCOPY a b\n|")


def test_keyword_snippets_only_for_clients_that_take_them() -> None:
    plain, _ = item("FROM alpine\n|", "COPY")
    assert plain.snippet is None and plain.insert == "COPY "
    assert "COPY --from" not in labels("FROM alpine\n|")
    snippet, _ = item("FROM alpine\n|", "COPY --from", snippets=True)
    assert snippet.snippet == "COPY --from=${1:stage} ${2:src} ${3:dest}"
    lower, _ = item("from alpine\n|", "from … as", snippets=True)
    assert lower.snippet == "from ${1:image} as ${2:name}"


def test_no_template_when_arguments_follow_the_keyword() -> None:
    chosen, text = item("FROM alpine\nCO| a b\n", "COPY", snippets=True)
    assert chosen.snippet is None and chosen.insert == "COPY"
    assert text[chosen.start : chosen.word_end] == "CO"


def test_onbuild_offers_trigger_keywords() -> None:
    found = labels("FROM alpine\nONBUILD |")
    assert "RUN" in found and "ONBUILD" not in found and "FROM" not in found


def test_maintainer_is_deprecated() -> None:
    chosen, _ = item("FROM alpine\n|", "MAINTAINER")
    assert chosen.deprecated
    assert chosen.documentation  # from the reference


def test_no_keywords_inside_a_heredoc_body() -> None:
    assert labels("FROM alpine\nRUN <<EOF\n|\nEOF\n") == []
    assert labels("FROM alpine\nRUN <<EOF\nR|\nEOF\n") == []
    assert labels("FROM alpine\nCOPY <<EOF /x\n|") == []  # unterminated: body to the end


def test_keywords_again_after_the_heredoc_terminator() -> None:
    assert "RUN" in labels("FROM alpine\nRUN <<EOF\necho\nEOF\n|")


def test_expanding_heredoc_body_completes_variables() -> None:
    found = labels("FROM alpine\nARG V\nRUN <<EOF\necho $|\nEOF\n")
    assert found[0] == "V" and "RUN" not in found
    # A quoted delimiter: COPY writes ``$V`` as it is; a RUN script still expands it.
    assert labels("FROM alpine\nARG V\nCOPY <<'EOF' /x\necho $|\nEOF\n") == []
    assert labels("FROM alpine\nARG V\nRUN <<'EOF'\necho $|\nEOF\n")[0] == "V"


def test_continuation_line_continues_the_instruction() -> None:
    assert "RUN" not in labels("FROM alpine\nRUN apt-get update \\\n  |")
    chosen, text = item("FROM alpine\nRUN \\\n  --net|", "--network")
    assert text[chosen.start : chosen.end] == "--net"


def test_backtick_escape_continuation() -> None:
    chosen, text = item("# escape=`\nFROM alpine\nRUN `\n  --mo|", "--mount")
    assert text[chosen.start : chosen.end] == "--mo"
    # A backslash does not continue the line here: the next line is a new instruction.
    assert "COPY" in labels("# escape=`\nFROM alpine\nRUN dir C:\\\nCO|")


def test_tab_before_the_keyword() -> None:
    chosen, text = item("FROM alpine\n\tWORK|", "WORKDIR")
    assert text[chosen.start : chosen.end] == "WORK"


def test_crlf_line_endings() -> None:
    chosen, text = item("FROM alpine AS a\r\nFROM alpine\r\nCOPY --from=|\r\n", "a")
    assert chosen.start == chosen.end == text.index("--from=") + len("--from=")
    assert "RUN" in labels("FROM alpine\r\nR|\r\nRUN true\r\n")


# -- flags --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("COPY --|", {"--from", "--chown", "--chmod", "--link", "--parents", "--exclude"}),
        ("ADD --|", {"--checksum", "--keep-git-dir", "--chown", "--link", "--exclude"}),
        ("RUN --|", {"--mount", "--network", "--security"}),
        ("HEALTHCHECK --|", {"--interval", "--timeout", "--start-period", "--retries"}),
    ],
)
def test_flags_per_instruction(line: str, expected: set[str]) -> None:
    found = set(labels(f"FROM alpine\n{line}"))
    assert expected <= found
    assert "--platform" not in found


def test_from_platform_flag_and_values() -> None:
    assert labels("FROM --pl|") == ["--platform"]
    found = labels("FROM --platform=|")
    assert found[:2] == ["$BUILDPLATFORM", "$TARGETPLATFORM"]
    assert {"linux/amd64", "linux/arm64"} <= set(found)


def test_flag_insert_text_and_range() -> None:
    assert applied("FROM alpine\nCOPY --f|", "--from") == "FROM alpine\nCOPY --from="
    assert applied("FROM alpine\nCOPY --l|", "--link") == "FROM alpine\nCOPY --link"
    chosen, _ = item("FROM alpine\nCOPY --f|", "--from")
    assert chosen.retrigger


def test_used_flags_are_not_offered_again_except_repeatable_ones() -> None:
    found = labels("FROM alpine\nCOPY --link --|")
    assert "--link" not in found and "--chown" in found
    assert "--mount" in labels("FROM alpine\nRUN --mount=type=cache,target=/x --|")


def test_flags_only_before_the_arguments() -> None:
    assert labels("FROM alpine\nRUN apt-get --|") == []


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("RUN --network=|", ["default", "none", "host"]),
        ("RUN --security=|", ["insecure", "sandbox"]),
        ("COPY --link=|", ["true", "false"]),
    ],
)
def test_flag_values(line: str, expected: list[str]) -> None:
    assert labels(f"FROM alpine\n{line}") == expected


def test_chmod_values_replace_only_the_value() -> None:
    chosen, text = item("FROM alpine\nCOPY --chmod=7| a b", "755")
    assert text[chosen.start : chosen.end] == "7"


# -- RUN --mount ----------------------------------------------------------------------------------


def test_mount_types() -> None:
    assert labels("FROM alpine\nRUN --mount=type=|") == ["bind", "cache", "tmpfs", "secret", "ssh"]


def test_mount_first_key_offers_type() -> None:
    assert labels("FROM alpine\nRUN --mount=|")[0] == "type="


def test_mount_keys_depend_on_the_type() -> None:
    cache = set(labels("FROM alpine\nRUN --mount=type=cache,|"))
    assert {"target=", "id=", "sharing=", "mode=", "uid=", "gid=", "from="} <= cache
    assert "env=" not in cache and "size=" not in cache and "type=" not in cache
    secret = set(labels("FROM alpine\nRUN --mount=type=secret,|"))
    assert {"id=", "target=", "env=", "required="} <= secret
    assert "sharing=" not in secret
    tmpfs = set(labels("FROM alpine\nRUN --mount=type=tmpfs,|"))
    assert {"target=", "size="} <= tmpfs
    bind = set(labels("FROM alpine\nRUN --mount=|"))  # bind is the default type
    assert {"ro", "readonly", "rw", "source=", "from="} <= bind


def test_mount_keys_already_given_are_left_out() -> None:
    found = labels("FROM alpine\nRUN --mount=type=cache,target=/x,|")
    assert "target=" not in found and "id=" in found


def test_mount_values() -> None:
    assert labels("FROM alpine\nRUN --mount=type=cache,sharing=|") == [
        "shared",
        "private",
        "locked",
    ]
    chosen, text = item("FROM alpine\nRUN --mount=type=cache,sharing=lo|", "locked")
    assert text[chosen.start : chosen.end] == "lo"
    assert labels("FROM alpine\nRUN --mount=type=secret,id=x,required=|") == ["true", "false"]


def test_mount_from_offers_earlier_stages() -> None:
    text = "FROM golang AS build\nFROM alpine AS tools\nFROM alpine\nRUN --mount=from=|"
    assert labels(text) == ["build", "tools"]


# -- stages ---------------------------------------------------------------------------------------


def test_copy_from_offers_earlier_stages_with_their_base() -> None:
    text = (
        "FROM golang:1.24 AS build\n"
        "FROM alpine AS test\n"
        "COPY --from=| /a /b\n"
        "FROM scratch AS later\n"
    )
    result, _, _ = at(text)
    assert [i.label for i in result.items] == ["build"]
    assert result.items[0].kind is Kind.STAGE
    assert "golang:1.24" in (result.items[0].detail or "")


def test_from_offers_earlier_stages_then_images() -> None:
    text = "FROM golang AS build\nFROM b|\nFROM alpine AS after\n"
    found = labels(text)
    assert found[0] == "build"
    assert "after" not in found
    assert "busybox" in found


# -- images ------------------------------------------------------------------------------------


def test_images_after_from_come_from_the_offline_table() -> None:
    result, text, offset = at("FROM deb|")
    debian = next(i for i in result.items if i.label == "debian")
    assert debian.kind is Kind.IMAGE
    assert text[debian.start : debian.end] == "deb"
    assert "apt-get" in (debian.detail or "")


def test_tags_after_the_colon_replace_only_the_tag() -> None:
    chosen, text = item("FROM node:22-a|", "22-alpine")
    assert text[chosen.start : chosen.end] == "22-a"
    assert chosen.kind is Kind.TAG


def test_tags_used_elsewhere_in_the_file_come_first() -> None:
    found = labels("FROM node:20.11-bookworm AS a\nFROM node:|")
    assert found[0] == "20.11-bookworm"


def test_healthcheck_mode_follows_the_case_style() -> None:
    assert labels("FROM alpine\nHEALTHCHECK --interval=5s |") == ["CMD", "NONE"]
    assert labels("from alpine\nhealthcheck |") == ["cmd", "none"]


def test_from_second_word_is_as() -> None:
    assert labels("FROM alpine |") == ["AS"]
    assert labels("from alpine |") == ["as"]


# -- variables ----------------------------------------------------------------------------------


def test_from_sees_global_args_and_platform_args() -> None:
    found = labels("ARG VERSION=1\nFROM alpine:$|")
    assert found[0] == "VERSION"
    assert "TARGETPLATFORM" in found and "BUILDPLATFORM" in found


def test_stage_sees_global_args_only_when_declared_again() -> None:
    text = "ARG VERSION=1\nARG OTHER\nFROM alpine\nARG VERSION\nENV HOME_DIR=/h\nRUN echo $|"
    found = labels(text)
    assert "VERSION" in found and "HOME_DIR" in found
    assert "OTHER" not in found
    assert "TARGETPLATFORM" not in found  # not declared in the stage


def test_later_declarations_are_not_in_scope() -> None:
    found = labels("FROM alpine\nENV A=1\nRUN echo $|\nENV B=2\n")
    assert "A" in found and "B" not in found


def test_env_is_inherited_from_the_parent_stage_but_arg_is_not() -> None:
    text = "FROM alpine AS base\nENV FROM_BASE=1\nARG BASE_ARG=2\nFROM base\nRUN echo ${|"
    found = labels(text)
    assert "FROM_BASE" in found and "BASE_ARG" not in found


def test_braced_variable_gets_its_closing_brace() -> None:
    assert (
        applied("FROM alpine\nENV A=1\nRUN echo ${|", "A") == "FROM alpine\nENV A=1\nRUN echo ${A}"
    )
    assert (
        applied("FROM alpine\nENV A=1\nRUN echo ${|}", "A") == "FROM alpine\nENV A=1\nRUN echo ${A}"
    )


def test_partial_variable_name_is_replaced() -> None:
    chosen, text = item("FROM alpine\nENV ALPHA=1\nRUN echo $AL|", "ALPHA")
    assert text[chosen.start : chosen.end] == "AL"


def test_escaped_dollar_is_not_a_variable() -> None:
    assert labels("FROM alpine\nENV A=1\nRUN echo \\$|") == []


def test_arg_offers_predefined_and_global_names() -> None:
    found = labels("ARG VERSION=1\nFROM alpine\nARG |")
    assert found[0] == "VERSION"
    assert "TARGETARCH" in found


# -- directives and comments ----------------------------------------------------------------------


def test_directives_at_the_top() -> None:
    found = labels("# |\nFROM alpine\n")
    assert {"syntax=", "escape=", "check="} <= set(found)
    assert labels("# syntax=docker/dockerfile:1\n# |\nFROM alpine")[:2] == ["escape=", "check="]


def test_no_directives_after_an_instruction() -> None:
    found = labels("FROM alpine\n# |\n")
    assert "syntax=" not in found
    assert "layerwise: ignore=" in found


def test_directive_values() -> None:
    assert "docker/dockerfile:1" in labels("# syntax=|\nFROM alpine")
    assert labels("# escape=|\nFROM alpine") == ["\\", "`"]
    assert labels("# check=|\nFROM alpine")[:2] == ["skip=", "error="]
    assert labels("# check=error=|\nFROM alpine") == ["true", "false"]


def test_check_skip_names() -> None:
    found = labels("# check=skip=StageNameCasing,|\nFROM alpine")
    assert "StageNameCasing" not in found
    assert {"all", "JSONArgsRecommended", "FromAsCasing"} <= set(found)
    chosen, text = item("# check=skip=JSON|\nFROM alpine", "JSONArgsRecommended")
    assert text[chosen.start : chosen.end] == "JSON"


def test_layerwise_pragma_offers_codes_and_names() -> None:
    result, text, _ = at("FROM alpine\n# layerwise: ignore=LW0|\nRUN true")
    code = next(i for i in result.items if i.label == "LW001")
    assert code.kind is Kind.RULE and code.detail == "syntax-error"
    assert code.documentation
    assert text[code.start : code.end] == "LW0"
    assert "syntax-error" in [i.label for i in result.items]


def test_pragma_leaves_out_codes_already_listed() -> None:
    assert "LW001" not in labels("FROM alpine\n# layerwise: ignore=LW001,|\nRUN true")


def test_hadolint_pragma_offers_hadolint_codes() -> None:
    found = labels("FROM alpine\n# hadolint ignore=|\nRUN true")
    assert found and all(code.startswith(("DL", "SC")) for code in found)
    assert "DL3008" in found


def test_pragma_scopes() -> None:
    assert labels("FROM alpine\n# layerwise: |\n") == ["ignore=", "stage ignore=", "global ignore="]


def test_comment_inside_a_continuation_offers_nothing() -> None:
    assert labels("FROM alpine\nRUN a \\\n  # |\n  b\n") == []


# -- build context ------------------------------------------------------------------------------


def _context(tmp_path: Path) -> ContextFiles:
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text("FROM alpine\n")
    return ContextFiles(FileSystemProject(tmp_path), tmp_path, dockerfile)


def test_copy_sources_list_the_build_context(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "main.py").write_text("")
    (tmp_path / "requirements.txt").write_text("")
    files = _context(tmp_path)
    found = labels("FROM alpine\nCOPY |", files=files)
    assert {"src/", "requirements.txt", "Dockerfile"} <= set(found)
    chosen, text = item("FROM alpine\nCOPY src/ma|", "main.py", files=files)
    assert text[chosen.start : chosen.end] == "ma"
    assert chosen.kind is Kind.FILE
    folder, _ = item("FROM alpine\nCOPY s|", "src/", files=files)
    assert folder.kind is Kind.FOLDER


def test_dockerignore_is_respected(tmp_path: Path) -> None:
    (tmp_path / "node_modules").mkdir()
    (tmp_path / "secret.env").write_text("")
    (tmp_path / "app.js").write_text("")
    (tmp_path / ".dockerignore").write_text("node_modules\n*.env\n")
    found = labels("FROM alpine\nCOPY |", files=_context(tmp_path))
    assert "app.js" in found
    assert "node_modules/" not in found and "secret.env" not in found


def test_no_paths_outside_the_context(tmp_path: Path) -> None:
    inner = tmp_path / "ctx"
    inner.mkdir()
    (tmp_path / "outside.txt").write_text("")
    files = ContextFiles(FileSystemProject(inner), inner, inner / "Dockerfile")
    assert labels("FROM alpine\nCOPY ../|", files=files) == []


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symlinks on this platform")
def test_symlinks_leading_out_of_the_context_are_left_out(tmp_path: Path) -> None:
    inner = tmp_path / "ctx"
    inner.mkdir()
    (tmp_path / "elsewhere").mkdir()
    (inner / "real.txt").write_text("")
    try:
        (inner / "escape").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
        (inner / "inside").symlink_to(inner / "real.txt")
    except OSError:
        pytest.skip("cannot create symlinks here")
    found = labels("FROM alpine\nCOPY |", files=ContextFiles(FileSystemProject(inner), inner))
    assert "escape/" not in found and "escape" not in found
    assert "inside" in found and "real.txt" in found


def test_large_folders_are_capped_and_marked_incomplete(tmp_path: Path) -> None:
    for index in range(MAX_ENTRIES + 5):
        (tmp_path / f"f{index:04d}").write_text("")
    result, _, _ = at("FROM alpine\nCOPY |", files=_context(tmp_path))
    assert len(result.items) == MAX_ENTRIES
    assert result.incomplete
    narrowed, _, _ = at("FROM alpine\nCOPY f000|", files=_context(tmp_path))
    assert not narrowed.incomplete and len(narrowed.items) == 10


def test_bind_mount_source_lists_the_build_context(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("")
    files = _context(tmp_path)
    chosen, text = item(
        "FROM alpine\nRUN --mount=type=bind,source=req|,target=/r x",
        "requirements.txt",
        files=files,
    )
    assert text[chosen.start : chosen.end] == "req"
    assert chosen.word_end == chosen.end  # the next key is not part of the word
    assert labels("FROM alpine AS a\nFROM alpine\nRUN --mount=from=a,source=|", files=files) == []


def test_no_context_paths_for_copy_from_or_the_destination(tmp_path: Path) -> None:
    (tmp_path / "app").write_text("")
    files = _context(tmp_path)
    assert labels("FROM alpine AS a\nFROM alpine\nCOPY --from=a |", files=files) == []
    assert labels("FROM alpine\nCOPY app /|", files=files) == []
    assert labels("FROM alpine\nCOPY |", files=None) == []


# -- any position -----------------------------------------------------------------------------

_FRAGMENTS = [
    "# syntax=docker/dockerfile:1\n", "# escape=`\n", "# check=skip=JSONArgsRecommended\n",
    "ARG BASE=alpine\n", "FROM $BASE AS build\n", "FROM --platform=$BUILDPLATFORM golang\n",
    "RUN --mount=type=cache,target=/root/.cache \\\n    go build ./...\n",
    "COPY --from=build --chmod=755 /out /usr/bin/\n", "ENV A=1 B=${A:-x}\n",
    "RUN <<EOF\necho $A\nEOF\n", "COPY <<'EOT' /x\n$B\nEOT\n", "ONBUILD RUN true\n",
    "# layerwise: ignore=LW601,\n", "# hadolint ignore=DL3008\n", "\tworkdir /app\r\n",
    'CMD ["run", "😀"]\n', "RUN echo \\\n  # inside\n  done\n", "HEALTHCHECK --interval=5s CMD x\n",
    "LABEL a=b \\\n", "FROM", "--mount=", "${", "$", " ", "\n", "\r\n", "`\n", "\\\n",
]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_FRAGMENTS), max_size=8), st.integers(min_value=0), st.booleans())
def test_any_position_gives_ranges_on_the_cursor_line(
    fragments: list[str], where: int, snippets: bool
) -> None:
    text = "".join(fragments)
    offset = where % (len(text) + 1)
    doc = parse(text)
    result = complete(doc, offset, snippets=snippets)
    line_start = doc.source.line_start(doc.source.line_of(offset))
    for found in result.items:
        assert line_start <= found.start <= found.end == offset
        assert found.word_end is None or found.word_end >= offset
        assert found.label and "\n" not in found.insert
