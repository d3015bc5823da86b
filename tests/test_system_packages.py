"""System package managers and layer cleanup (LW606-LW621): ranges, silence, fixes."""

from __future__ import annotations

import pytest

from layerwise.analysis import Finding, LintOptions, fix_text, lint_text
from layerwise.analysis.rules import rule_by_code


def findings(text: str, code: str) -> list[Finding]:
    result = lint_text(text, options=LintOptions(select=(code,)))
    assert not result.failures
    return [f for f in result.findings if f.code == code]


def spans(text: str, code: str) -> list[str]:
    return [text[f.span.start : f.span.end] for f in findings(text, code)]


def fixed(text: str, code: str, unsafe: bool = True) -> str:
    return fix_text(text, options=LintOptions(select=(code,)), unsafe=unsafe).text


def only(text: str, code: str) -> Finding:
    (finding,) = findings(text, code)
    return finding


# -- LW606 cleanup-in-later-layer ------------------------------------------------------

APT = "FROM debian:12\nRUN apt-get update && apt-get install -y curl\n"


def test_later_cleanup_points_at_the_command_and_the_writer() -> None:
    text = APT + "RUN rm -rf /var/lib/apt/lists/*\n"
    finding = only(text, "LW606")
    assert text[finding.span.start : finding.span.end] == "rm -rf /var/lib/apt/lists/*"
    assert "line 2" in finding.message and "apt package lists" in finding.message
    (related,) = finding.related
    assert text[related.span.start : related.span.end] == "apt-get update"
    assert finding.fix is not None and finding.fix.safe
    assert fixed(text, "LW606") == (
        "FROM debian:12\n"
        "RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\n"
    )


def test_dist_clean_in_a_later_layer_is_too_late_and_cleans_the_lists() -> None:
    text = APT + "RUN apt-get dist-clean\n"
    finding = only(text, "LW606")
    assert text[finding.span.start : finding.span.end] == "apt-get dist-clean"
    assert "apt package lists" in finding.message
    # In the RUN that updates, it empties the lists: nothing is left behind.
    assert findings("FROM debian:13\nRUN apt-get update && apt-get dist-clean\n", "LW606") == []


def test_later_cleanup_fix_keeps_continuations_comments_and_the_last_line() -> None:
    text = (
        "FROM debian:12\n"
        "RUN apt-get update \\\n"
        "\t&& apt-get install -y curl\n"
        "ENV LANG=C.UTF-8\n"
        "# tidy up\n"
        "RUN apt-get clean && rm -rf /var/lib/apt/lists/*"
    )
    assert spans(text, "LW606") == ["rm -rf /var/lib/apt/lists/*"]
    assert fixed(text, "LW606", unsafe=False) == (
        "FROM debian:12\n"
        "RUN apt-get update \\\n"
        "\t&& apt-get install -y curl \\\n"
        "\t&& apt-get clean && rm -rf /var/lib/apt/lists/*\n"
        "ENV LANG=C.UTF-8\n"
        "# tidy up"  # the user's comment stays; the file still has no final line break
    )


def test_later_cleanup_fix_uses_crlf() -> None:
    text = "FROM debian:12\r\nRUN apt-get update \\\r\n  && apt-get install -y curl\r\nRUN rm -rf /var/lib/apt/lists/*\r\n"
    assert fixed(text, "LW606") == (
        "FROM debian:12\r\nRUN apt-get update \\\r\n  && apt-get install -y curl \\\r\n"
        "  && rm -rf /var/lib/apt/lists/*\r\n"
    )


def test_later_cleanup_fix_is_unsafe_across_copy_and_refused_across_apt() -> None:
    across_copy = APT + "COPY app /app\nRUN rm -rf /var/lib/apt/lists/* /tmp/*\n"
    finding = only(across_copy, "LW606")
    assert finding.fix is not None and not finding.fix.safe
    assert fixed(across_copy, "LW606", unsafe=False) == across_copy
    across_apt = APT + "RUN apt-get install -y git\nRUN rm -rf /var/lib/apt/lists/*\n"
    finding = only(across_apt, "LW606")
    assert finding.fix is None


@pytest.mark.parametrize(
    "cleanup",
    [
        "RUN make && rm -rf /var/lib/apt/lists/*",  # does something else
        "RUN rm -rf /var/lib/apt/lists/* ; true",  # not an && chain
        "RUN --network=none rm -rf /var/lib/apt/lists/*",  # different flags
        "RUN rm -rf /var/lib/apt/lists/* ./build",  # relative path
    ],
)
def test_later_cleanup_reported_without_fix(cleanup: str) -> None:
    finding = only(APT + cleanup + "\n", "LW606")
    assert finding.fix is None


@pytest.mark.parametrize(
    "text",
    [
        # the writer cleaned up itself
        "FROM debian:12\nRUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\n"
        "RUN rm -rf /var/lib/apt/lists/*\n",
        # the writer kept the lists out of its layer
        "FROM debian:12\nRUN --mount=type=cache,target=/var/lib/apt apt-get update && apt-get install -y curl\n"
        "RUN rm -rf /var/lib/apt/lists/*\n",
        # the cleanup RUN writes the lists again itself
        APT + "RUN apt-get update && apt-get install -y git && rm -rf /var/lib/apt/lists/*\n",
        # a builder stage never ships
        "FROM debian:12 AS build\nRUN apt-get update && apt-get install -y gcc\n"
        "RUN rm -rf /var/lib/apt/lists/*\nFROM debian:12\nCOPY --from=build /out /out\n",
        # `dir/*` does not match ~/.cache
        "FROM python:3.12\nRUN pip install flask\nRUN rm -rf /root/*\n",
        # nothing wrote it
        "FROM debian:12\nRUN rm -rf /var/lib/apt/lists/*\n",
        # apt-get clean alone: official images already drop downloaded packages
        APT + "RUN apt-get clean\n",
        # unknown path
        APT + "RUN rm -rf $LISTS\n",
    ],
)
def test_later_cleanup_silent(text: str) -> None:
    assert findings(text, "LW606") == []


def test_later_cleanup_across_stages_has_no_fix() -> None:
    text = (
        "FROM alpine:3.20 AS base\nRUN apk update && apk add --no-cache curl\n"
        "FROM base\nRUN rm -rf /var/cache/apk/*\n"
    )
    finding = only(text, "LW606")
    assert "apk package index" in finding.message and finding.fix is None


@pytest.mark.parametrize(
    "writer, cleanup",
    [
        ("RUN yum install -y httpd", "RUN yum clean all"),
        ("RUN microdnf install -y httpd", "RUN rm -rf /var/cache/yum"),
        ("RUN zypper -n in curl", "RUN zypper cc -a"),
        ("RUN npm ci", "RUN npm cache clean --force"),
        ("RUN pip install flask", "RUN rm -rf /root/.cache"),
        ("RUN pip install flask", "RUN pip cache purge"),
        ("RUN yarn install", "RUN yarn cache clean"),
        ("RUN apk add --update curl", "RUN rm -rf /var/cache/*"),
    ],
)
def test_later_cleanup_of_every_manager(writer: str, cleanup: str) -> None:
    text = f"FROM base:1\n{writer}\n{cleanup}\n"
    assert spans(text, "LW606") == [cleanup[4:]]
    assert fixed(text, "LW606") == f"FROM base:1\n{writer} && {cleanup[4:]}\n"


def test_later_cleanup_follows_the_user_home() -> None:
    as_app = "FROM python:3.12\nUSER app\nRUN pip install flask\n"
    assert findings(as_app + "RUN rm -rf /root/.cache\n", "LW606") == []
    assert spans(as_app + "RUN rm -rf /home/app/.cache/pip\n", "LW606") == [
        "rm -rf /home/app/.cache/pip"
    ]
    no_cache = (
        "FROM python:3.12\nENV PIP_NO_CACHE_DIR=1\nRUN pip install flask\nRUN rm -rf /root/.cache\n"
    )
    assert findings(no_cache, "LW606") == []


def test_later_cleanup_in_heredoc_reported_without_fix() -> None:
    text = APT + "RUN <<EOF\nrm -rf /var/lib/apt/lists/*\nEOF\n"
    finding = only(text, "LW606")
    assert text[finding.span.start : finding.span.end] == "rm -rf /var/lib/apt/lists/*"
    assert finding.fix is None


# -- LW607 apt-instead-of-apt-get -----------------------------------------------------


def test_apt_points_at_the_program_and_fixes_each_command() -> None:
    text = "FROM ubuntu:24.04\nRUN apt update && apt install -y curl && apt full-upgrade -y\n"
    assert spans(text, "LW607") == ["apt", "apt", "apt"]
    assert all(f.fix is not None and f.fix.safe for f in findings(text, "LW607"))
    assert fixed(text, "LW607", unsafe=False) == (
        "FROM ubuntu:24.04\n"
        "RUN apt-get update && apt-get install -y curl && apt-get dist-upgrade -y\n"
    )


def test_apt_fix_safety() -> None:
    upgrade = only("FROM ubuntu:24.04\nRUN apt upgrade -y\n", "LW607")
    assert upgrade.fix is not None and not upgrade.fix.safe
    custom = "FROM registry.example.com/ubuntu:24.04\nRUN apt install -y curl\n"
    assert only(custom, "LW607").fix is not None and not only(custom, "LW607").fix.safe  # type: ignore[union-attr]
    cleaned = custom[:-1] + " && apt-get clean\n"
    assert only(cleaned, "LW607").fix.safe  # type: ignore[union-attr]
    remove = "FROM registry.example.com/ubuntu:24.04\nRUN /usr/bin/apt remove -y vim\n"
    assert spans(remove, "LW607") == ["/usr/bin/apt"]
    assert fixed(remove, "LW607", unsafe=False) == remove.replace("apt remove", "apt-get remove")


def test_apt_queries_reported_without_fix() -> None:
    text = "FROM debian:12\nRUN apt list --installed && apt-cache policy curl\n"
    finding = only(text, "LW607")
    assert finding.fix is None and "dpkg-query" in finding.message
    assert findings("FROM debian:12\nRUN apt-get install -y curl\n", "LW607") == []
    assert only("FROM debian:12\nRUN 'apt' install -y curl\n", "LW607").fix is None


# -- LW608 distribution-upgrade -------------------------------------------------------


@pytest.mark.parametrize(
    "line, span",
    [
        ("apt-get -y upgrade", "apt-get -y upgrade"),
        ("apt-get dist-upgrade -y", "apt-get dist-upgrade"),
        ("apk upgrade --no-cache", "apk upgrade"),
        ("yum -y update", "yum -y update"),
        ("tdnf upgrade -y", "tdnf upgrade"),
        ("zypper -n up", "zypper -n up"),
    ],
)
def test_upgrade_reported(line: str, span: str) -> None:
    assert spans(f"FROM base:1\nRUN {line}\n", "LW608") == [span]


@pytest.mark.parametrize(
    "line",
    ["yum update -y openssl", "apk upgrade openssl", "apt-get install -y --only-upgrade openssl",
     "zypper -n dup", "apk add --upgrade openssl"],
)  # fmt: skip
def test_targeted_upgrade_not_reported(line: str) -> None:
    assert findings(f"FROM base:1\nRUN {line}\n", "LW608") == []


# -- pins (off by default) ----------------------------------------------------------------


@pytest.mark.parametrize("code", ["LW609", "LW611", "LW614", "LW617", "LW621"])
def test_pins_are_off_by_default(code: str) -> None:
    rule = rule_by_code(code)
    assert rule is not None and not rule.default_enabled
    text = "FROM x:1\nRUN apt-get install -y a && apk add b && yum install c && dnf install d && zypper in e\n"
    assert not [f for f in lint_text(text).findings if f.code == code]


def test_apt_pins() -> None:
    text = (
        "FROM debian:12\nARG V=1.2\nENV PKGS='git vim=2'\n"
        "RUN apt-get install -y -t bookworm-backports curl wget=$V ./x.deb lib/bookworm $PKGS $UNKNOWN $(cat list)\n"
    )
    found = findings(text, "LW609")
    assert [text[f.span.start : f.span.end] for f in found] == ["curl", "$PKGS"]
    assert found[1].message.startswith("'git' has no version")


def test_apk_pins() -> None:
    text = "FROM alpine:3\nRUN apk add --no-cache --virtual .deps -X http://r curl bash=5.2 musl~1.2 ./p.apk 'py3>1'\n"
    assert spans(text, "LW611") == ["curl"]


@pytest.mark.parametrize(
    "package, pinned",
    [("httpd", False), ("python3-devel", False), ("java-11-openjdk", False), ("gcc-c++", False),
     ("nginx-1.20.1", True), ("nginx-1:1.20.1-1.el8", True), ("x.rpm", True), ("@core", True),
     ("'perl(JSON)'", True), ("https://e.com/x", True)],
)  # fmt: skip
def test_rpm_pins(package: str, pinned: bool) -> None:
    for code, program in (("LW614", "yum"), ("LW617", "dnf"), ("LW617", "microdnf")):
        text = f"FROM x:1\nRUN {program} install -y {package}\n"
        assert (findings(text, code) == []) is pinned, (code, program, package)


def test_rpm_module_and_group_pins() -> None:
    assert spans("FROM x:1\nRUN dnf module install -y nodejs:20 php\n", "LW617") == ["php"]
    assert findings("FROM x:1\nRUN yum groupinstall -y 'Development Tools'\n", "LW614") == []


def test_zypper_pins() -> None:
    text = "FROM x:1\nRUN zypper -n in -r repo curl 'git>=2' vim=9\n"
    assert spans(text, "LW621") == ["curl"]
    assert findings("FROM x:1\nRUN zypper -n in -t pattern devel_basis\n", "LW621") == []


# -- LW610 apk-missing-no-cache -------------------------------------------------------


def test_apk_no_cache_fix_replaces_update() -> None:
    text = "FROM alpine:3\nRUN apk add --update curl\n"
    assert spans(text, "LW610") == ["apk add"]
    assert fixed(text, "LW610") == "FROM alpine:3\nRUN apk add --no-cache curl\n"
    plain = "FROM alpine:3\nRUN apk -q add curl\n"
    assert fixed(plain, "LW610") == "FROM alpine:3\nRUN apk -q add --no-cache curl\n"


def test_apk_update_reported_without_fix() -> None:
    text = "FROM alpine:3\nRUN apk update && apk add --no-cache curl\n"
    finding = only(text, "LW610")
    assert text[finding.span.start : finding.span.end] == "apk update" and finding.fix is None


def test_apk_no_cache_fix_unsafe_when_a_later_add_needs_the_index() -> None:
    text = "FROM alpine:3\nRUN apk add -U curl\nRUN apk add git\n"
    first, second = findings(text, "LW610")
    assert first.fix is not None and not first.fix.safe
    assert second.fix is not None and second.fix.safe


@pytest.mark.parametrize(
    "text",
    [
        "FROM alpine:3\nRUN apk add --no-cache curl\n",
        "FROM alpine:3\nRUN apk --no-cache add curl\n",
        "FROM alpine:3\nRUN apk add --update curl && rm -rf /var/cache/apk/*\n",
        "FROM alpine:3\nRUN --mount=type=cache,target=/var/cache/apk apk add --update curl\n",
        "FROM alpine:3\nRUN --mount=type=cache,target=/etc/apk/cache apk add curl\n",
        "FROM alpine:3\nRUN apk add --no-network --virtual .rundeps $runDeps\n",
        "FROM alpine:3\nRUN apk add --allow-untrusted glibc-2.23-r3.apk\n",
        "FROM alpine:3 AS build\nRUN apk add --update gcc\nFROM alpine:3\nCOPY --from=build /x /x\n",
        'FROM alpine:3\nRUN ["apk", "add", "curl"]\n',
    ],
)
def test_apk_no_cache_silent(text: str) -> None:
    assert findings(text, "LW610") == []


def test_apk_cleanup_before_add_does_not_count() -> None:
    text = "FROM alpine:3\nRUN rm -rf /var/cache/apk/* && apk add --update curl\n"
    assert spans(text, "LW610") == ["apk add"]


# -- yum / dnf -y ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "code, line, span",
    [("LW612", "yum install httpd", "yum install"), ("LW612", "yum update", "yum update"),
     ("LW612", "yum -q remove vim", "yum -q remove"), ("LW615", "dnf install httpd", "dnf install"),
     ("LW615", "microdnf install httpd", "microdnf install"),
     ("LW615", "tdnf install httpd", "tdnf install"), ("LW615", "dnf5 upgrade", "dnf5 upgrade")],
)  # fmt: skip
def test_rpm_missing_yes(code: str, line: str, span: str) -> None:
    text = f"FROM x:1\nRUN {line}\n"
    assert spans(text, code) == [span]
    assert fixed(text, code) == text.replace(span, f"{span} -y")


@pytest.mark.parametrize(
    "line",
    ["yum install -y httpd", "yum -y install httpd", "yum install --assumeyes httpd",
     "yum install -qy httpd", "yum --setopt=assumeyes=1 install httpd", "yum makecache",
     "yum clean all", "yum list installed", "yum group list"],
)  # fmt: skip
def test_yum_yes_variants(line: str) -> None:
    assert findings(f"FROM x:1\nRUN {line}\n", "LW612") == []


def test_rpm_yes_group_module_and_config() -> None:
    text = "FROM x:1\nRUN dnf group install 'Development Tools' && dnf module enable nodejs:20\n"
    assert fixed(text, "LW615") == (
        "FROM x:1\nRUN dnf group install -y 'Development Tools' && dnf module enable -y nodejs:20\n"
    )
    configured = "FROM x:1\nRUN echo assumeyes=1 >> /etc/yum.conf\nRUN yum install httpd\n"
    assert findings(configured, "LW612") == []
    assert findings("FROM x:1\nRUN dnf install httpd\n", "LW612") == []  # dnf is LW615's


# -- yum / dnf / zypper cache -----------------------------------------------------------


def test_rpm_cache_fix_appends_clean() -> None:
    text = "FROM x:1\nRUN yum install -y httpd\n"
    assert spans(text, "LW613") == ["yum install -y httpd"]
    assert fixed(text, "LW613") == "FROM x:1\nRUN yum install -y httpd && yum clean all\n"
    multi = "FROM x:1\nRUN microdnf install -y \\\n      httpd\n"
    assert (
        fixed(multi, "LW616")
        == "FROM x:1\nRUN microdnf install -y \\\n      httpd \\\n      && microdnf clean all\n"
    )


@pytest.mark.parametrize(
    "code, line",
    [("LW613", "yum install -y httpd && yum clean all"),
     ("LW613", "yum install -y httpd && rm -rf /var/cache/yum"),
     ("LW613", "yum install -y httpd && dnf clean all"),
     ("LW613", "yum install -y httpd && yum clean metadata packages"),
     ("LW616", "dnf install -y httpd && rm -rf /var/cache/dnf/*"),
     ("LW616", "dnf --installroot=/rootfs install -y httpd"),
     ("LW616", "dnf -C install -y httpd"),
     ("LW616", "dnf clean all"),
     ("LW619", "zypper -n in curl && zypper cc"),
     ("LW619", "zypper -n in curl && rm -rf /var/cache/zypp/*"),
     ("LW619", "zypper --root /mnt -n in curl")],
)  # fmt: skip
def test_cache_cleaned(code: str, line: str) -> None:
    assert findings(f"FROM x:1\nRUN {line}\n", code) == []


@pytest.mark.parametrize(
    "mount, code, line",
    [("/var/cache/yum", "LW613", "yum install -y httpd"),
     ("/var/cache/dnf", "LW616", "dnf install -y httpd"),
     ("/var/cache", "LW616", "tdnf install -y httpd"),
     ("/var/cache/zypp", "LW619", "zypper -n in curl")],
)  # fmt: skip
def test_cache_mounts_silence(mount: str, code: str, line: str) -> None:
    assert findings(f"FROM x:1\nRUN --mount=type=cache,target={mount} {line}\n", code) == []
    unknown = f"FROM x:1\nRUN --mount=type=cache,target=$DIR {line}\n"
    assert findings(unknown, code) == []
    other = f"FROM x:1\nRUN --mount=type=cache,target=/root/.cache {line}\n"
    assert len(findings(other, code)) == 1


def test_cache_clean_must_follow_the_install() -> None:
    text = "FROM x:1\nRUN dnf clean all && dnf install -y httpd\n"
    assert spans(text, "LW616") == ["dnf install -y httpd"]


def test_cache_rules_skip_builder_stages_and_mark_cache_only_users() -> None:
    builder = "FROM x:1 AS build\nRUN yum install -y gcc\nFROM y:1\nCOPY --from=build /o /o\n"
    assert findings(builder, "LW613") == []
    cache_only = "FROM x:1\nRUN dnf install -y httpd\nRUN dnf -C install -y mod_ssl\n"
    (finding,) = [f for f in findings(cache_only, "LW616") if f.span.start < 40]
    assert finding.fix is not None and not finding.fix.safe


def test_zypper_cache_fix() -> None:
    text = "FROM x:1\nRUN zypper --non-interactive install curl\n"
    assert spans(text, "LW619") == ["zypper --non-interactive install curl"]
    assert fixed(text, "LW619") == text[:-1] + " && zypper clean --all\n"


# -- zypper -n and dist-upgrade -----------------------------------------------------------


@pytest.mark.parametrize(
    "line, reported",
    [("zypper install curl", True), ("zypper in -n curl", True), ("zypper -n in curl", False),
     ("zypper --non-interactive in curl", False), ("zypper -qn in curl", False),
     ("zypper in -y curl", False), ("zypper rm --no-confirm vim", False),
     ("zypper --gpg-auto-import-keys ref", False), ("zypper -c /etc/z.conf in curl", True)],
)  # fmt: skip
def test_zypper_non_interactive(line: str, reported: bool) -> None:
    assert bool(findings(f"FROM x:1\nRUN {line}\n", "LW618")) is reported


def test_zypper_non_interactive_fix_and_span() -> None:
    text = "FROM x:1\nRUN sudo zypper -q install curl\n"
    assert spans(text, "LW618") == ["zypper -q install"]
    assert fixed(text, "LW618") == "FROM x:1\nRUN sudo zypper --non-interactive -q install curl\n"


def test_zypper_dist_upgrade() -> None:
    text = "FROM x:1\nRUN zypper -n dup && zypper -n dist-upgrade --no-recommends\n"
    assert spans(text, "LW620") == ["zypper -n dup", "zypper -n dist-upgrade"]


# -- everywhere ----------------------------------------------------------------------------


@pytest.mark.parametrize("code", [f"LW{n}" for n in range(606, 622)])
def test_windows_stages_are_skipped(code: str) -> None:
    text = (
        "FROM mcr.microsoft.com/windows/servercore:ltsc2022\n"
        "RUN apt update && apt-get upgrade && apk add --update x && yum install a && "
        "dnf install b && zypper in c && zypper dup\nRUN rm -rf /var/lib/apt/lists/*\n"
    )
    assert findings(text, code) == []


# -- cache-mount alternatives (PRACTICES 26) -------------------------------------------


def test_apt_lists_and_yum_cache_offer_a_cache_mount_where_buildkit_is_used() -> None:
    apt = "# syntax=docker/dockerfile:1\nFROM debian:12\nRUN apt-get update && apt-get install -y curl\n"
    finding = only(apt, "LW605")
    (mount,) = finding.alternatives
    (edit,) = mount.edits
    assert apt[: edit.start] + edit.new_text + apt[edit.end :] == apt.replace(
        "RUN apt-get", "RUN --mount=type=cache,target=/var/lib/apt/lists,sharing=locked apt-get"
    )
    # A later RUN that installs without updating needs the lists: both fixes are unsafe.
    later = only(apt + "RUN apt-get install -y git\n", "LW605")
    assert later.fix is not None and not later.fix.safe and not later.alternatives[0].safe

    yum = "# syntax=docker/dockerfile:1\nFROM centos:7\nRUN yum install -y httpd\n"
    (mount,) = only(yum, "LW613").alternatives
    assert [e.new_text for e in mount.edits] == [
        " --mount=type=cache,target=/var/cache/yum --mount=type=cache,target=/var/cache/dnf"
    ]
    assert (
        findings(yum.replace("# syntax=docker/dockerfile:1\n", ""), "LW613")[0].alternatives == ()
    )
