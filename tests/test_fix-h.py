"""Precision fixes (branch fix-h): language package pins (LW631, LW650, LW952), pipes
without pipefail (LW926) and pointless commands (LW944)."""

from __future__ import annotations

import pytest

from layerwise.analysis import Finding, LintOptions, lint_text


def findings(text: str, code: str) -> list[Finding]:
    result = lint_text(text, options=LintOptions(select=(code,)))
    assert not result.failures, result.failures
    return [f for f in result.findings if f.code == code]


def spans(text: str, code: str) -> list[str]:
    return [text[f.span.start : f.span.end] for f in findings(text, code)]


# -- LW650 gem-unpinned ----------------------------------------------------------------


def test_lw650_build_options_after_double_dash_are_not_gems() -> None:
    text = (
        "FROM ruby:3.3-slim\n"
        "RUN gem install nokogiri:1.16.0 -- --with-xml2-dir /usr\n"
        "RUN gem install pg -v 1.5.6 -- --with-pg-config=/usr/bin/pg_config\n"
        "RUN gem install mysql2 -- --use-system-libraries\n"
    )
    assert spans(text, "LW650") == ["mysql2"]


# -- LW952 go-install-unpinned ---------------------------------------------------------


def test_lw952_latest_and_branches_are_unpinned() -> None:
    text = (
        "FROM golang:1.24\n"
        "RUN go install golang.org/x/tools/cmd/goimports@latest\n"
        "RUN go install github.com/a/b/cmd/b@master github.com/a/c@main github.com/a/d@HEAD\n"
        "RUN go install github.com/a/e@v1.2.3 github.com/a/f@4f1c2d3e\n"
    )
    assert spans(text, "LW952") == [
        "golang.org/x/tools/cmd/goimports@latest",
        "github.com/a/b/cmd/b@master",
        "github.com/a/c@main",
        "github.com/a/d@HEAD",
    ]
    assert "@latest" in findings(text, "LW952")[0].message


def test_lw952_tool_meta_pattern_std_and_flag_values_are_not_packages() -> None:
    text = (
        "FROM golang:1.24\n"
        "RUN go install tool\n"
        "RUN go install std cmd/go\n"
        "RUN go install -tags netgo -ldflags '-s -w' -o /out/x ./cmd/x\n"
        "RUN go install -tags netgo.x github.com/a/g@v1.0.0\n"
    )
    assert spans(text, "LW952") == []


# -- LW631 pip-unpinned: pipx ----------------------------------------------------------


def test_lw631_pipx_install_and_inject_are_checked_like_pip() -> None:
    text = (
        "FROM python:3.12-slim\n"
        "RUN pip install --no-cache-dir pipx==1.7.1\n"
        "RUN pipx install black && pipx install ruff==0.6.9\n"
        "RUN pipx install --python python3.12 --spec 'poetry==1.8.3' poetry\n"
        "RUN pipx inject poetry poetry-plugin-export 'poetry-dynamic-versioning>=1.4'\n"
        "RUN python3 -m pipx install httpie\n"
        "RUN pipx inject poetry -r /tmp/plugins.txt\n"
    )
    assert spans(text, "LW631") == ["black", "poetry-plugin-export", "httpie"]
    message = findings(text, "LW631")[0].message
    assert "black==<version>" in message and "requirements" not in message


# -- LW926 missing-pipefail: consumers that succeed on empty input ----------------------


@pytest.mark.parametrize(
    "run",
    [
        "RUN curl -fsSL https://x/users | wc -l > /count",
        "RUN curl -fsSL https://x/list | sort -u -o /list.txt",
        "RUN curl -fsSL https://x/a.tgz | sha256sum > /a.sum",
        "RUN wget -qO- https://x/t | envsubst > /etc/app.conf",
        "RUN curl -fsSL https://x/l | fold -w 80 > /l.txt",
    ],
)
def test_lw926_more_consumers_that_write_empty_input_to_a_file(run: str) -> None:
    assert len(findings(f"FROM debian:12\n{run}\n", "LW926")) == 1


@pytest.mark.parametrize(
    "run",
    [
        "RUN curl -fsSL https://x/SUMS | sha256sum -c > /check.log",
        "RUN curl -fsSL https://x/l | grep -c foo > /n",
        "RUN curl -fsSL https://x/users | wc -l",
        "RUN cat /etc/passwd | wc -l > /count",
    ],
)
def test_lw926_consumers_that_fail_or_write_nothing_are_silent(run: str) -> None:
    assert findings(f"FROM debian:12\n{run}\n", "LW926") == []


# -- LW944 pointless-command: kill of this RUN's own background job ---------------------


@pytest.mark.parametrize(
    "run",
    [
        "RUN sleep 100 & pid=$!; make test; kill $pid",
        "RUN Xvfb :99 & sleep 2 && ./render && kill %1",
        "RUN mysqld --user=mysql & sleep 5; mysql < /init.sql; kill $(jobs -p)",
        "RUN ./server & ./load-fixtures && kill $!",
        'RUN <<EOF\nset -e\nredis-server --port 7777 &\nPID=$!\n./seed\nkill "$PID"\nEOF',
    ],
)
def test_lw944_kill_of_a_background_job_this_run_started_is_silent(run: str) -> None:
    assert findings(f"FROM debian:12\n{run}\n", "LW944") == []


def test_lw944_kill_with_nothing_started_is_still_reported() -> None:
    text = "FROM debian:12\nRUN kill -9 1\nRUN kill %1\nRUN ./server & ./seed; kill 1\n"
    assert spans(text, "LW944") == ["kill", "kill", "kill"]


# -- language package managers seen through wrappers ------------------------------------


def test_language_rules_see_commands_through_wrappers() -> None:
    text = (
        "FROM python:3.12-slim\n"
        "RUN sudo -u app pip install --no-cache-dir flask\n"
        "RUN su app -c 'pip install --no-cache-dir --user requests'\n"
        "RUN env PIP_INDEX_URL=https://x/simple pip install --no-cache-dir attrs\n"
    )
    assert spans(text, "LW631") == ["flask", "requests", "attrs"]
    gems = "FROM ruby:3.3-slim\nRUN sh -c 'gem install rails'\nRUN gosu app gem install rake\n"
    assert spans(gems, "LW650") == ["rails", "rake"]


def test_package_names_from_xargs_input_are_not_a_project_install() -> None:
    text = (
        "FROM node:20-slim\n"
        "WORKDIR /app\n"
        "COPY package.json package-lock.json ./\n"
        "RUN npm install\n"
        "RUN cat /tmp/tools.txt | xargs npm install\n"
        "RUN xargs -a /tmp/tools.txt npm install --no-save\n"
    )
    assert spans(text, "LW640") == ["install"]
    assert findings(text, "LW640")[0].span.start < text.index("RUN cat")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # module mode: go install without a version builds what go.mod requires
        (
            "FROM golang:1.24\nWORKDIR /src\nCOPY go.mod go.sum ./\nRUN go install example.com/tool\n",
            0,
        ),
        ("FROM golang:1.24\nRUN go install example.com/tool\n", 1),  # refused outside a module
        ("FROM golang:1.24\nRUN go run example.com/tool@latest -h\n", 1),
        ("FROM golang:1.24\nRUN go run example.com/tool@v1.2.3 latest\n", 0),
        ("FROM golang:1.24\nONBUILD RUN go get example.com/pkg@latest\n", 1),
    ],
)
def test_go_versions_in_module_mode_and_triggers(text: str, expected: int) -> None:
    from layerwise.analysis import LintOptions, lint_text

    found = [f for f in lint_text(text, options=LintOptions(select=("LW952",))).findings]
    assert len(found) == expected


def test_pipefail_in_an_onbuild_trigger() -> None:
    from layerwise.analysis import LintOptions, lint_text

    text = "FROM debian:12\nONBUILD RUN curl -fsSL https://example.com/install.sh | sh\n"
    (finding,) = lint_text(text, options=LintOptions(select=("LW926",))).findings
    assert text[finding.span.start : finding.span.end].startswith("curl")
