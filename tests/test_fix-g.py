"""The system package managers read through one shared layer (analysis/pkgmanagers.py)."""

from __future__ import annotations

import pytest

from layerwise.analysis import Finding, LintOptions, lint_text
from layerwise.analysis.pkgmanagers import covers, invocation
from layerwise.syntax.shell import split_shell


def findings(text: str, code: str) -> list[Finding]:
    result = lint_text(text, options=LintOptions(select=(code,)))
    assert not result.failures
    return [f for f in result.findings if f.code == code]


def read(line: str):  # type: ignore[no-untyped-def]
    (command,) = [c for c in split_shell(line).effective() if c.program != "echo"]
    pc = invocation(command)
    assert pc is not None
    return pc


# -- the shared reading --------------------------------------------------------------------


@pytest.mark.parametrize(
    "line, family, name, action",
    [("dnf up", "dnf", "upgrade", "upgrade"), ("yum update", "dnf", "update", "upgrade"),
     ("dnf rei curl", "dnf", "reinstall", "reinstall"), ("yum erase vim", "dnf", "erase", "remove"),
     ("dnf dsync", "dnf", "distro-sync", "distro-sync"),
     ("zypper -n dup", "zypper", "dist-upgrade", "dist-upgrade"),
     ("zypper --root /mnt in curl", "zypper", "install", "install"),
     ("zypper ref", "zypper", "refresh", "refresh"),
     ("apt full-upgrade", "apt", "full-upgrade", "dist-upgrade"),
     ("aptitude safe-upgrade", "apt", "safe-upgrade", "upgrade"),
     ("apt-get -o Debug::X=1 -t bookworm install curl", "apt", "install", "install"),
     ("apk -X http://x/main add curl", "apk", "add", "add")],
)  # fmt: skip
def test_subcommands_with_aliases(line: str, family: str, name: str, action: str) -> None:
    pc = read(line)
    assert (pc.family, pc.name, pc.action) == (family, name, action)


@pytest.mark.parametrize(
    "line, yes",
    [("apt-get install -y x", True), ("apt-get install -q -q x", True),
     ("apt-get install -qq x", True), ("apt-get -q install x", False),
     ("apt-get install --quiet=2 x", True), ("apt-get install -q=2 x", True),
     ("apt-get install --force-yes x", True),
     ("apt-get -o APT::Get::Assume-Yes=true install x", True),
     ("DEBIAN_FRONTEND=noninteractive apt-get install x", False),
     ("dnf install -y x", True), ("yum --assumeyes install x", True), ("dnf install x", False),
     ("zypper -n in x", True), ("zypper in -n x", False), ("zypper in -y x", True),
     ("zypper -y in x", False), ("apk add x", True)],
)  # fmt: skip
def test_non_interactive(line: str, yes: bool) -> None:
    assert read(line).assumes_yes is yes


def test_simulate_packages_and_xargs() -> None:
    assert read("apt-get -s install curl").simulates
    assert read("apt-get install --dry-run curl").simulates
    assert not read("apt-get install -y curl").simulates
    pc = read("apt-get install -y -o Dpkg::Options::=--force-confold curl git=1:2.39")
    assert [w.value for w in pc.args] == ["curl", "git=1:2.39"]
    piped = read("echo a | xargs apt-get install -y")
    assert piped.from_input and not piped.args and not piped.names_no_packages


@pytest.mark.parametrize(
    "path, covered",
    [("/var/lib/apt/lists*", True), ("/var/lib/apt/lists/*", True), ("/var/lib/apt/*", True),
     ("/var/lib/apt", True), ("/var/lib/ap?/lists", True), ("/var/lib/apt/listsX*", False),
     ("/var/*", False), ("/var", False), ("/home/app/*", False)],
)  # fmt: skip
def test_covers_globs(path: str, covered: bool) -> None:
    directory = "/var/lib/apt/lists" if not path.startswith("/home") else "/home/app/.npm"
    assert covers(path, directory) is covered


# -- the rules ----------------------------------------------------------------------------


def test_lists_glob_without_slash_removes_the_lists() -> None:
    text = "FROM debian:12\nRUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists*\n"
    assert findings(text, "LW605") == []
    later = "FROM debian:12\nRUN apt-get update && apt-get install -y curl\nRUN rm -rf /var/lib/apt/lists*\n"
    (finding,) = findings(later, "LW606")
    assert "apt package lists" in finding.message


@pytest.mark.parametrize("program", ["apt-get", "apt", "aptitude"])
def test_update_alone_for_every_apt_front_end(program: str) -> None:
    text = f"FROM debian:12\nRUN {program} update\nRUN apt-get install -y curl\n"
    (finding,) = findings(text, "LW602")
    assert finding.message.startswith(f"{program} update in a RUN without an install")


def test_apt_still_reported_by_lw607() -> None:
    text = "FROM debian:12\nRUN apt update\nRUN apt install -y curl\n"
    assert len(findings(text, "LW607")) == 2


@pytest.mark.parametrize("options", ["-q -q", "-qq", "-y"])
def test_quiet_level_two_implies_yes(options: str) -> None:
    assert findings(f"FROM debian:12\nRUN apt-get install {options} curl\n", "LW603") == []
    assert len(findings("FROM debian:12\nRUN apt-get install -q curl\n", "LW603")) == 1


@pytest.mark.parametrize("program", ["dnf", "yum"])
def test_up_is_an_upgrade(program: str) -> None:
    (short,) = findings(f"FROM fedora:40\nRUN {program} up -y\n", "LW608")
    (long,) = findings(f"FROM fedora:40\nRUN {program} upgrade -y\n", "LW608")
    assert short.message == long.message


def test_rei_without_yes() -> None:
    (finding,) = findings("FROM fedora:40\nRUN dnf rei curl\n", "LW615")
    assert "'dnf rei'" in finding.message
    assert findings("FROM fedora:40\nRUN dnf rei -y curl\n", "LW615") == []


def test_upgrade_message_says_where() -> None:
    alone = (
        "FROM debian:12\nRUN apt-get update && apt-get upgrade -y && rm -rf /var/lib/apt/lists/*\n"
    )
    (finding,) = findings(alone, "LW608")
    assert "in a layer of its own" in finding.message
    shared = "FROM debian:12\nRUN apt-get update && apt-get upgrade -y && apt-get install -y curl\n"
    (finding,) = findings(shared, "LW608")
    assert "in a layer of its own" not in finding.message and "this RUN" in finding.message


@pytest.mark.parametrize(
    "text",
    ["FROM fedora:40\n# apply security fixes\nRUN dnf upgrade -y\n",
     "FROM fedora:40\nRUN dnf install -y curl \\\n    # pull in security patches\n    && dnf upgrade -y\n",
     "FROM fedora:40\nRUN dnf install -y curl && \\\n    # CVE-2024-1234\n    dnf upgrade -y\n"],
)  # fmt: skip
def test_upgrade_with_a_reason_is_deliberate(text: str) -> None:
    assert findings(text, "LW608") == []


def test_reason_covers_only_the_command_it_precedes() -> None:
    text = (
        "FROM fedora:40\nRUN dnf update -y \\\n    && dnf install -y curl \\\n"
        "    # security fixes\n    && dnf upgrade -y\n"
    )
    (finding,) = findings(text, "LW608")
    assert text[finding.span.start : finding.span.end] == "dnf update"


def test_a_comment_that_only_names_the_command_gives_no_reason() -> None:
    text = "FROM fedora:40\nRUN dnf install -y curl \\\n    # upgrade packages\n    && dnf upgrade -y\n"
    assert len(findings(text, "LW608")) == 1


def test_upgrade_of_what_xargs_names_is_not_everything() -> None:
    assert findings("FROM fedora:40\nRUN cat list | xargs dnf upgrade -y\n", "LW608") == []


def test_upgrade_in_a_builder_stage_is_not_reported() -> None:
    text = "FROM fedora:40 AS build\nRUN dnf upgrade -y\nFROM scratch\nCOPY --from=build /x /x\n"
    assert findings(text, "LW608") == []
