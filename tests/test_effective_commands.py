"""The effective commands of a RUN: the program each command really runs, through
wrappers (sudo, env, xargs, gosu, chroot, timeout…), cross-build wrappers (xx-apt-get)
and the scripts of ``sh -c`` / ``su -c``, with the user they run as."""

from __future__ import annotations

import pytest

from layerwise.analysis import LintOptions, lint_text
from layerwise.syntax import split_shell


def effective(text: str) -> list[tuple[str | None, tuple[str, ...], str | None, list[str]]]:
    return [
        (c.program, c.via, c.as_user, [w.value for w in c.arguments])
        for c in split_shell(text).effective()
    ]


@pytest.mark.parametrize(
    ("text", "program", "via", "user", "arguments"),
    [
        ("xargs -rt apt-get install -y < deps.txt", "apt-get", ("xargs",), None, ["install", "-y"]),
        ("xargs -n 1 -I{} cp {} /x", "cp", ("xargs",), None, ["{}", "/x"]),
        ("sudo -u app -H pip install x", "pip", ("sudo",), "app", ["install", "x"]),
        ("sudo --user=app pip install x", "pip", ("sudo",), "app", ["install", "x"]),
        ("env -u HOME A=1 B=2 make all", "make", ("env",), None, ["all"]),
        ("nice -n 10 ionice -c2 make", "make", ("nice", "ionice"), None, []),
        ("gosu postgres initdb", "initdb", ("gosu",), "postgres", []),
        ("su-exec app:app node server.js", "node", ("su-exec",), "app", ["server.js"]),
        ("s6-setuidgid app run", "run", ("s6-setuidgid",), "app", []),
        ("setpriv --reuid=app --regid=app --init-groups id", "id", ("setpriv",), "app", []),
        ("runuser -u app -- id -u", "id", ("runuser",), "app", ["-u"]),
        ("chroot --userspec=app:app /rootfs ls", "ls", ("chroot",), "app", []),
        ("chroot /rootfs apt-get update", "apt-get", ("chroot",), None, ["update"]),
        ("timeout -s KILL 5m make test", "make", ("timeout",), None, ["test"]),
        ("xx-apt-get install -y gcc", "apt-get", ("xx-apt-get",), None, ["install", "-y", "gcc"]),
        ("xx-apk add musl-dev", "apk", ("xx-apk",), None, ["add", "musl-dev"]),
        ("xx-go build ./...", "go", ("xx-go",), None, ["build", "./..."]),
        ("/usr/bin/sudo apt-get update", "apt-get", ("sudo",), None, ["update"]),
        ("FOO=1 apt-get update", "apt-get", (), None, ["update"]),
    ],
)
def test_wrappers(
    text: str, program: str, via: tuple[str, ...], user: str | None, arguments: list[str]
) -> None:
    assert effective(text) == [(program, via, user, arguments)]


def test_command_v_runs_nothing() -> None:
    assert effective("command -v apt-get") == [("command", (), None, ["-v", "apt-get"])]
    assert effective("command apt-get update")[0][0] == "apt-get"


def test_wrapper_alone_is_the_program() -> None:
    assert effective("sudo")[0][0] == "sudo"
    assert effective("xargs")[0][0] == "xargs"


@pytest.mark.parametrize(
    "text",
    [
        "sh -c 'apt-get update && apt-get install -y curl'",
        'bash -c "apt-get update && apt-get install -y curl"',
        "bash -euxo pipefail -c 'apt-get update && apt-get install -y curl'",
        "/bin/sh -ec 'apt-get update && apt-get install -y curl'",
        "sh -o errexit -c 'apt-get update && apt-get install -y curl'",
    ],
)
def test_shell_scripts_are_split_with_exact_spans(text: str) -> None:
    script = split_shell(text)
    commands = script.effective()
    assert [c.program for c in commands][1:] == ["apt-get", "apt-get"]
    assert all(c.via == ("sh -c",) for c in commands[1:])
    inner = commands[1:]
    assert [text[c.span.start : c.span.end] for c in inner] == [
        "apt-get update",
        "apt-get install -y curl",
    ]
    assert [text[w.span.start : w.span.end] for w in inner[1].words] == [
        "apt-get",
        "install",
        "-y",
        "curl",
    ]
    # The flat list of the script itself is unchanged: one command, the shell.
    assert len(script.commands) == 1


def test_su_c_runs_the_script_as_the_user() -> None:
    text = "su postgres -c 'initdb -D /data && pg_ctl start'"
    found = effective(text)
    assert found[0][0] == "su"
    assert found[1:] == [
        ("initdb", ("sh -c",), "postgres", ["-D", "/data"]),
        ("pg_ctl", ("sh -c",), "postgres", ["start"]),
    ]
    assert effective("su -c 'id -u'")[1] == ("id", ("sh -c",), "root", ["-u"])
    assert effective("su - app -s /bin/bash -c 'id'")[1][2] == "app"


def test_script_with_escapes_points_at_the_whole_word() -> None:
    text = 'sh -c "echo \\"hi\\" && apt-get update"'
    commands = split_shell(text).effective()
    assert [c.program for c in commands] == ["sh", "echo", "apt-get"]
    word = commands[0].words[2]
    assert all(c.span == word.span for c in commands[1:])


def test_nested_scripts_stop_at_a_depth() -> None:
    text = 'sh -c "sh -c \'sh -c \\"sh -c x\\"\'"'
    programs = [c.program for c in split_shell(text).effective()]
    assert programs.count("sh") >= 2
    assert len(programs) <= 5


def test_not_a_script() -> None:
    # ``sh script.sh`` runs a file; ``sh -c`` without a script and ``su`` without -c
    # run nothing we can see.
    for text in ("sh script.sh", "bash -x ./build.sh arg", "sh -c", "su app"):
        assert len(split_shell(text).effective()) == 1


def codes(text: str, code: str) -> list[int]:
    result = lint_text(text, options=LintOptions(select=(code,)))
    return [result.doc.source.line_of(f.span.start) + 1 for f in result.findings]


@pytest.mark.parametrize(
    "run",
    [
        # tomcat's official image: the install reads its package list from a file.
        "RUN apt-get update; xargs -rt apt-get install -y --no-install-recommends < deps.txt;"
        " rm -rf /var/lib/apt/lists/*",
        # tonistiigi/xx cross-compilation
        "RUN apt-get update && xx-apt-get install -y --no-install-recommends gcc"
        " && rm -rf /var/lib/apt/lists/*",
        "RUN sh -c 'apt-get update && apt-get install -y --no-install-recommends curl"
        " && rm -rf /var/lib/apt/lists/*'",
    ],
)
def test_update_with_an_install_through_a_wrapper_is_not_lw602(run: str) -> None:
    assert codes(f"FROM debian:12\n{run}\n", "LW602") == []


def test_update_without_an_install_inside_sh_c_is_still_lw602() -> None:
    # (A later install without its own update reads the index this update left.)
    text = "FROM debian:12\nRUN sh -c 'apt-get update'\nRUN apt-get install -y curl\n"
    assert codes(text, "LW602") == [2]


def test_install_inside_sh_c_is_checked_like_any_other() -> None:
    # LW604: no --no-install-recommends, seen inside the script.
    assert codes(
        "FROM debian:12\nRUN sh -c 'apt-get update && apt-get install -y curl"
        " && rm -rf /var/lib/apt/lists/*'\n",
        "LW604",
    ) == [2]


def test_pipes_inside_sh_c_have_their_shells_options() -> None:
    # The outer SHELL's pipefail does not reach a ``sh -c`` script, and the script's
    # own shell options decide for its pipes: LW926 looks at the RUN's own pipes only.
    assert codes("FROM debian:12\nRUN bash -o pipefail -c 'curl -fsS x | tar -x'\n", "LW926") == []
