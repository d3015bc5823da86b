"""hadolint-parity rules: DL3062, DL3066, DL3067."""

from __future__ import annotations

from layerwise.analysis import LintOptions, lint_text


def spans(text: str, code: str) -> list[str]:
    result = lint_text(text, options=LintOptions(select=(code,)))
    return [text[f.span.start : f.span.end] for f in result.findings if f.code == code]


def test_copy_whole_filesystem() -> None:
    text = "FROM golang:1.22 AS b\nFROM debian:12\nCOPY --from=b / /\nCOPY --from=b /out/app /app\n"
    assert spans(text, "LW950") == ["/"]
    assert spans("FROM debian:12\nCOPY / /x\n", "LW950") == []  # the build context, not a stage


def test_non_numeric_user_is_off_by_default() -> None:
    text = "FROM debian:12\nUSER app\n"
    assert "LW951" not in {f.code for f in lint_text(text).findings}
    assert spans(text, "LW951") == ["app"]
    assert spans("FROM debian:12\nUSER 10001:10001\n", "LW951") == []
    assert spans("FROM debian:12\nARG UID=1000\nUSER $UID\n", "LW951") == []


def test_go_install_pins() -> None:
    text = "FROM golang:1.22\nRUN go install a.io/b/cmd/c && go install ./cmd/app && go install x.io/y@v1.2.0\n"
    assert spans(text, "LW952") == ["a.io/b/cmd/c"]
    assert spans("FROM golang:1.16\nRUN go get -u golang.org/x/lint/golint\n", "LW952") == [
        "golang.org/x/lint/golint"
    ]


def test_copy_whole_filesystem_of_files_only_sources() -> None:
    # A scratch stage that runs nothing, and an image known to hold only files.
    text = (
        "FROM scratch AS tools\nCOPY tool /tool\n"
        "FROM tonistiigi/xx:1.4 AS xx\n"
        "FROM golang:1.22 AS build\nCOPY --from=tools / /\nCOPY --from=xx / /\n"
    )
    assert spans(text, "LW950") == []
    # A stage named through an ARG whose possible stages all hold only files.
    text = (
        "ARG FROM_SOURCE=true\n"
        "FROM scratch AS bin-false\nFROM scratch AS bin-true\nCOPY app /app\n"
        "FROM bin-${FROM_SOURCE} AS bin\n"
        "FROM bin-$TARGETOS AS bin2\n"
        "FROM debian:12\nCOPY --from=bin / /\nCOPY --from=bin2 / /\n"
    )
    assert spans(text, "LW950") == []
    # One candidate runs a build: the pattern stage may hold a whole OS.
    text = "FROM debian:12 AS os-linux\nRUN true\nFROM scratch AS os-darwin\nFROM os-$TARGETOS AS os\nFROM alpine:3\nCOPY --from=os / /\n"
    assert spans(text, "LW950") == ["/"]


def test_copy_whole_filesystem_into_a_directory_is_placed_on_purpose() -> None:
    text = "FROM debian:12 AS rootfs\nFROM alpine:3\nCOPY --from=rootfs / /rootfs\nCOPY --from=rootfs / /\n"
    assert spans(text, "LW950") == ["/"]
    assert spans("FROM debian:12 AS b\nFROM alpine:3\nWORKDIR /\nCOPY --from=b . .\n", "LW950") == [
        "."
    ]
