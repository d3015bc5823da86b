"""Names and their uses (services/references.py) and navigation over them (services/navigation.py)."""

from __future__ import annotations

import pytest

from layerwise.services import navigation
from layerwise.services.navigation import RenameRefused
from layerwise.services.references import SymbolTable, symbol_table
from layerwise.syntax.parser import parse


def table(text: str) -> SymbolTable:
    return symbol_table(parse(text))


def at(text: str, needle: str, nth: int = 0) -> int:
    """Offset of the ``nth`` occurrence of ``needle`` (its first character)."""
    offset = -1
    for _ in range(nth + 1):
        offset = text.index(needle, offset + 1)
    return offset


def where(text: str, spans: list) -> list[tuple[int, int, str]]:
    """(line, column, text) of each span, lines and columns in code points."""
    out = []
    for span in spans:
        before = text[: span.start]
        line = before.count("\n")
        column = span.start - (before.rfind("\n") + 1)
        out.append((line, column, text[span.start : span.end]))
    return out


def refs(text: str, needle: str, nth: int = 0, declaration: bool = True) -> list:
    return where(text, navigation.references(table(text), at(text, needle, nth), declaration))


def renamed(text: str, needle: str, new: str, nth: int = 0) -> str:
    edits = navigation.rename(parse(text), table(text), at(text, needle, nth), new)
    for edit in sorted(edits, key=lambda e: e.start, reverse=True):
        text = text[: edit.start] + edit.new_text + text[edit.end :]
    return text


# -- stages ------------------------------------------------------------------------

STAGES = """\
FROM golang:1.22 AS Build
RUN go build -o /app .
FROM build AS test
RUN --mount=type=cache,target=/root/.cache,from=BUILD go test ./...
FROM alpine
COPY --from=build /app /app
ADD --from=build /app /app2
COPY --from=nginx:latest /etc/nginx /etc/nginx
COPY --from=0 /app /app3
ONBUILD COPY --from=build /x /y
"""


def test_stage_definition_and_every_kind_of_reference() -> None:
    found = refs(STAGES, "Build")
    assert found == [
        (0, 20, "Build"),
        (2, 5, "build"),
        (3, 48, "BUILD"),
        (5, 12, "build"),
        (6, 11, "build"),
        (8, 12, "0"),  # the stage index names the same stage
    ]
    # ONBUILD's --from names a stage of the downstream build: not this one.
    assert (9, 20, "build") not in found


def test_definition_of_a_stage_use_is_its_name() -> None:
    symbols = table(STAGES)
    for needle, nth in (("build", 1), ("BUILD", 0), ("0 /app", 0)):
        spans = navigation.definition(symbols, at(STAGES, needle, nth))
        assert where(STAGES, spans) == [(0, 20, "Build")]


def test_an_image_named_by_from_is_not_a_stage() -> None:
    symbols = table(STAGES)
    assert navigation.definition(symbols, at(STAGES, "nginx:latest")) == []
    with pytest.raises(RenameRefused, match="'nginx:latest' is an image"):
        navigation.prepare_rename(symbols, at(STAGES, "nginx:latest"))
    with pytest.raises(RenameRefused, match="'golang:1.22' is an image"):
        navigation.prepare_rename(symbols, at(STAGES, "golang"))


def test_from_naming_a_later_stage_names_an_image() -> None:
    text = "FROM base\nRUN true\nFROM alpine AS base\n"
    assert refs(text, "base", 1) == [(2, 15, "base")]
    with pytest.raises(RenameRefused, match="is an image"):
        navigation.prepare_rename(table(text), at(text, "base"))


def test_stage_rename_covers_every_use_but_the_index_and_onbuild() -> None:
    out = renamed(STAGES, "build", "compile", 1)
    assert out.splitlines()[0] == "FROM golang:1.22 AS compile"
    assert out.splitlines()[2] == "FROM compile AS test"
    assert "from=compile go test" in out
    assert "COPY --from=compile /app /app" in out
    assert "ADD --from=compile /app /app2" in out
    assert "COPY --from=0 /app /app3" in out
    assert "ONBUILD COPY --from=build /x /y" in out


def test_prepare_rename_gives_the_name_span() -> None:
    symbols = table(STAGES)
    result = navigation.prepare_rename(symbols, at(STAGES, "BUILD") + 2)
    assert result is not None
    span, name = result
    assert (STAGES[span.start : span.end], name) == ("BUILD", "build")
    assert navigation.prepare_rename(symbols, at(STAGES, "RUN go")) is None


@pytest.mark.parametrize(
    ("new", "message"),
    [
        ("Compile", "not a valid stage name"),
        ("1st", "not a valid stage name"),
        ("a b", "not a valid stage name"),
        ("test", "a stage named 'test' already exists"),
        ("alpine", "is an image this Dockerfile uses"),
    ],
)
def test_stage_rename_refuses_bad_names(new: str, message: str) -> None:
    with pytest.raises(RenameRefused, match=message):
        renamed(STAGES, "Build", new)


def test_stage_index_cannot_be_renamed() -> None:
    with pytest.raises(RenameRefused, match="stage index"):
        navigation.prepare_rename(table(STAGES), at(STAGES, "0 /app"))


def test_quoted_from_value_and_mount_from() -> None:
    text = 'FROM alpine AS src\nFROM alpine\nCOPY --from="src" /a /b\nRUN --mount=from=src,target=/s ls\n'
    assert refs(text, "src") == [(0, 15, "src"), (2, 13, "src"), (3, 17, "src")]


# -- variables ---------------------------------------------------------------------

SCOPES = """\
ARG VERSION=1.0
ARG BASE=alpine
FROM $BASE:${VERSION} AS one
ARG VERSION=2.0
RUN echo $VERSION
FROM ${BASE} AS two
ARG VERSION
RUN echo ${VERSION:-none}
FROM busybox
RUN echo $VERSION
"""


def test_global_arg_reaches_from_lines_and_redeclarations_only() -> None:
    found = refs(SCOPES, "VERSION", 0)
    assert found == [
        (0, 4, "VERSION"),
        (2, 13, "VERSION"),  # FROM sees global ARGs
        (6, 4, "VERSION"),  # ARG VERSION without a value imports it
        (7, 11, "VERSION"),
    ]


def test_a_stage_arg_with_a_default_shadows_the_global_one() -> None:
    found = refs(SCOPES, "VERSION", 2)
    assert found == [(3, 4, "VERSION"), (4, 10, "VERSION")]


def test_global_arg_is_not_visible_in_a_stage_that_does_not_declare_it() -> None:
    # Stage three never declares VERSION: its $VERSION is a shell variable, no reference.
    assert navigation.references(table(SCOPES), at(SCOPES, "VERSION", 6), True) == []


def test_definition_goes_to_the_binding_in_effect() -> None:
    symbols = table(SCOPES)
    assert where(SCOPES, navigation.definition(symbols, at(SCOPES, "VERSION", 5))) == [
        (6, 4, "VERSION")
    ]
    # From the re-declaration, to the global definition it imports.
    assert where(SCOPES, navigation.definition(symbols, at(SCOPES, "VERSION", 4))) == [
        (0, 4, "VERSION")
    ]
    assert where(SCOPES, navigation.definition(symbols, at(SCOPES, "$BASE") + 1)) == [
        (1, 4, "BASE")
    ]


def test_renaming_a_global_arg_stays_in_its_scope() -> None:
    out = renamed(SCOPES, "VERSION", "RELEASE")
    assert out == SCOPES.replace("ARG VERSION=1.0", "ARG RELEASE=1.0").replace(
        "${VERSION} AS one", "${RELEASE} AS one"
    ).replace("ARG VERSION\n", "ARG RELEASE\n").replace("${VERSION:-none}", "${RELEASE:-none}")
    assert "ARG VERSION=2.0\nRUN echo $VERSION\n" in out
    assert out.endswith("FROM busybox\nRUN echo $VERSION\n")


def test_arg_is_not_visible_before_its_declaration() -> None:
    text = "FROM alpine\nRUN echo $MODE\nARG MODE=fast\nRUN echo $MODE\n"
    assert refs(text, "MODE", 1) == [(2, 4, "MODE"), (3, 10, "MODE")]
    assert navigation.references(table(text), at(text, "MODE"), True) == []


def test_env_is_inherited_through_from_a_stage_but_arg_is_not() -> None:
    text = (
        "FROM alpine AS base\n"
        "ARG TOOL=make\n"
        "ENV HOME_DIR=/srv\n"
        "FROM base AS build\n"
        "WORKDIR $HOME_DIR\n"
        "RUN $TOOL\n"
        "FROM alpine\n"
        "WORKDIR $HOME_DIR\n"
    )
    assert refs(text, "HOME_DIR") == [(2, 4, "HOME_DIR"), (4, 9, "HOME_DIR")]
    assert refs(text, "TOOL") == [(1, 4, "TOOL")]
    # The unrelated stage's $HOME_DIR comes from outside the file: never renamed.
    with pytest.raises(RenameRefused, match="not defined in this Dockerfile"):
        navigation.prepare_rename(table(text), at(text, "HOME_DIR", 2))


def test_redefinitions_continue_one_variable() -> None:
    text = (
        "FROM alpine\n"
        "ARG VERSION\n"
        "ENV VERSION=$VERSION\n"
        "ENV PATH=/opt/bin:$PATH\n"
        "ENV PATH=/usr/local/x:$PATH A=1 B=$A\n"
        "RUN echo $PATH $VERSION\n"
    )
    assert [t for _, _, t in refs(text, "VERSION")] == ["VERSION"] * 4
    path = refs(text, "PATH", 0)
    # The first ENV PATH's own $PATH is the base image's; from there on, one variable.
    assert path == [(3, 4, "PATH"), (4, 4, "PATH"), (4, 23, "PATH"), (5, 10, "PATH")]
    assert where(text, navigation.definition(table(text), at(text, "$PATH", 1) + 1)) == [
        (3, 4, "PATH")
    ]
    # In one ENV, values see the variables as they were before it: this $A is not A=1.
    assert refs(text, "A=1") == [(4, 28, "A")]


def test_runtime_commands_see_env_not_arg() -> None:
    text = (
        "FROM alpine\n"
        "ARG PORT=80\n"
        "ENV NAME=web\n"
        "CMD serve --port $PORT --name $NAME\n"
        'ENTRYPOINT ["run", "$NAME"]\n'
        "HEALTHCHECK CMD check $NAME $PORT\n"
    )
    assert refs(text, "PORT") == [(1, 4, "PORT")]
    assert refs(text, "NAME") == [(2, 4, "NAME"), (3, 31, "NAME"), (5, 23, "NAME")]


def test_onbuild_triggers_see_env_only() -> None:
    text = (
        "FROM alpine\n"
        "ARG MODE=x\n"
        "ENV APP=/app\n"
        "ONBUILD COPY . $APP\n"
        "ONBUILD RUN build $APP $MODE\n"
        "ONBUILD ENV OTHER=$APP\n"
    )
    assert refs(text, "APP") == [(2, 4, "APP"), (3, 16, "APP"), (4, 19, "APP"), (5, 19, "APP")]
    assert refs(text, "MODE") == [(1, 4, "MODE")]


def test_what_buildkit_leaves_alone() -> None:
    text = (
        "FROM alpine\n"
        "ARG X=1\n"
        "ENV A='$X' B=\\$X C=\"$X\"\n"
        'RUN ["echo", "$X"]\n'
        "RUN echo '$X' \"$X\" ${X:+set} ${Y:-$X}\n"
        "LABEL v=${X}\n"
    )
    found = refs(text, "X=1")
    assert found == [
        (1, 4, "X"),
        (2, 21, "X"),
        (4, 16, "X"),
        (4, 21, "X"),
        (4, 35, "X"),
        (5, 10, "X"),
    ]


def test_predefined_args_are_found_but_not_renamed() -> None:
    text = (
        "FROM --platform=$BUILDPLATFORM golang AS build\n"
        "ARG TARGETARCH\n"
        "RUN GOARCH=$TARGETARCH go build\n"
    )
    symbols = table(text)
    assert where(text, navigation.references(symbols, at(text, "TARGETARCH"), True)) == [
        (1, 4, "TARGETARCH"),
        (2, 12, "TARGETARCH"),
    ]
    with pytest.raises(RenameRefused, match="BUILDPLATFORM is predefined"):
        navigation.prepare_rename(symbols, at(text, "BUILDPLATFORM"))
    with pytest.raises(RenameRefused, match="TARGETARCH is predefined"):
        navigation.prepare_rename(symbols, at(text, "TARGETARCH", 1))


@pytest.mark.parametrize(
    ("new", "message"),
    [
        ("1X", "not a valid variable name"),
        ("A-B", "not a valid variable name"),
        ("TARGETOS", "predefined by BuildKit"),
        ("OTHER", "OTHER is already used"),
    ],
)
def test_variable_rename_refuses_bad_names(new: str, message: str) -> None:
    text = "FROM alpine\nARG NAME=x\nENV OTHER=y\nRUN echo $NAME $OTHER\n"
    with pytest.raises(RenameRefused, match=message):
        renamed(text, "NAME", new)


def test_same_name_in_another_stage_is_no_conflict() -> None:
    text = "FROM alpine\nARG A=1\nRUN echo $A\nFROM alpine\nARG B=2\nRUN echo $B\n"
    assert (
        renamed(text, "A=1", "B")
        == "FROM alpine\nARG B=1\nRUN echo $B\nFROM alpine\nARG B=2\nRUN echo $B\n"
    )


def test_highlight_kinds() -> None:
    text = "FROM alpine\nENV P=/a\nENV P=$P:/b\nRUN echo $P\n"
    found = navigation.highlights(table(text), at(text, "$P") + 1)
    assert [(where(text, [h.span])[0][:2], h.write) for h in found] == [
        ((1, 4), True),
        ((2, 4), True),
        ((2, 7), False),
        ((3, 10), False),
    ]
    assert navigation.references(table(text), at(text, "P=/a"), False) == [
        h.span for h in found if not h.write
    ]


# -- heredocs ----------------------------------------------------------------------

HEREDOCS = """\
FROM alpine
ARG GREETING=hi
RUN <<EOF
echo $GREETING
EOF
COPY <<-'CONF' /etc/app.conf
\tgreeting=$GREETING
\tCONF
RUN cat <<NOTE > /n
$GREETING
NOTE
"""


def test_heredoc_delimiters_pair_up() -> None:
    assert refs(HEREDOCS, "EOF", 1) == [(2, 6, "EOF"), (4, 0, "EOF")]
    assert refs(HEREDOCS, "CONF") == [(5, 9, "CONF"), (7, 1, "CONF")]
    assert where(HEREDOCS, navigation.definition(table(HEREDOCS), at(HEREDOCS, "CONF", 1))) == [
        (5, 9, "CONF")
    ]


def test_heredoc_bodies_use_variables_unless_quoted() -> None:
    found = refs(HEREDOCS, "GREETING")
    # The quoted COPY heredoc is literal; the script and the unquoted body are not.
    assert found == [(1, 4, "GREETING"), (3, 6, "GREETING"), (9, 1, "GREETING")]


def test_heredoc_rename_changes_both_ends() -> None:
    out = renamed(HEREDOCS, "CONF", "END")
    assert "COPY <<-'END' /etc/app.conf\n\tgreeting=$GREETING\n\tEND\n" in out
    with pytest.raises(RenameRefused, match="would end the heredoc"):
        renamed("FROM a\nRUN <<EOF\nSTOP\nEOF\n", "EOF", "STOP")
    with pytest.raises(RenameRefused, match="not a valid heredoc delimiter"):
        renamed(HEREDOCS, "EOF", "a b")


# -- exact positions ---------------------------------------------------------------


def test_crlf_tabs_and_continuations() -> None:
    text = "FROM alpine AS base\r\nARG\tDIR=/srv\r\nRUN echo \\\r\n\t$DIR \\\r\n\t&& ls\r\nFROM base\r\n"
    found = refs(text, "DIR")
    assert found == [(1, 4, "DIR"), (3, 2, "DIR")]
    assert refs(text, "base") == [(0, 15, "base"), (5, 5, "base")]
    assert renamed(text, "DIR", "ROOT") == text.replace("DIR", "ROOT")


def test_backtick_escape() -> None:
    text = (
        "# escape=`\n"
        "FROM mcr.microsoft.com/windows/servercore:ltsc2022 AS win\n"
        "ARG TOOLS=C:\\tools\n"
        "COPY x `\n"
        "    ${TOOLS}\\x\n"
        "WORKDIR `$TOOLS\n"
        "FROM win\n"
    )
    assert refs(text, "TOOLS") == [(2, 4, "TOOLS"), (4, 6, "TOOLS")]
    assert refs(text, "win\n") == [(1, 54, "win"), (6, 5, "win")]


def test_nothing_under_the_cursor() -> None:
    text = "FROM alpine\nRUN echo hi\n"
    symbols = table(text)
    assert navigation.definition(symbols, at(text, "echo")) == []
    assert navigation.highlights(symbols, at(text, "echo")) == []
    with pytest.raises(RenameRefused, match="Nothing to rename"):
        navigation.rename(parse(text), symbols, at(text, "echo"), "x")


def test_undefined_names_in_copy_heredocs_are_external_but_not_in_run() -> None:
    text = "FROM alpine\nCOPY <<EOF /etc/motd\n$SITE\nEOF\nRUN <<EOF\necho $SITE\nEOF\n"
    symbols = table(text)
    assert where(text, navigation.references(symbols, at(text, "SITE"), True)) == [(2, 1, "SITE")]
    with pytest.raises(RenameRefused, match="not defined in this Dockerfile"):
        navigation.prepare_rename(symbols, at(text, "SITE"))
    assert symbols.at(at(text, "SITE", 1)) is None  # a shell variable of the script


def test_the_dollar_and_brace_select_the_variable() -> None:
    text = "FROM alpine\nARG A=1\nRUN echo $A ${A}\n"
    symbols = table(text)
    for offset in (at(text, "$A"), at(text, "${A}"), at(text, "${A}") + 1):
        assert where(text, navigation.definition(symbols, offset)) == [(1, 4, "A")]
    assert navigation.definition(symbols, at(text, "echo")) == []
