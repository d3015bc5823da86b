"""Security, secrets, build-context and remote-content rules: behaviour, exact ranges, fixes."""

from __future__ import annotations

from pathlib import Path

import pytest

from layerwise.analysis import FileSystemProject, Finding, LintOptions, fix_text, lint_text
from layerwise.analysis.dockerignore import IgnoreMatcher, valid_glob


def findings(text: str, code: str, **kwargs: object) -> list[Finding]:
    result = lint_text(text, options=LintOptions(select=(code,)), **kwargs)  # type: ignore[arg-type]
    assert not result.failures, result.failures
    return [f for f in result.findings if f.code == code]


def spans(text: str, code: str, **kwargs: object) -> list[str]:
    return [text[f.span.start : f.span.end] for f in findings(text, code, **kwargs)]


def fixed(text: str, code: str, unsafe: bool = True) -> str:
    return fix_text(text, options=LintOptions(select=(code,)), unsafe=unsafe).text


# -- LW203 copy-without-chown ----------------------------------------------------------

CHOWN_AFTER_COPY = """\
FROM python:3.12-slim
RUN useradd --system app
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
RUN chown -R app:app /app
USER app
"""


def test_copy_then_recursive_chown_is_reported_on_each_copy_that_can_be_big() -> None:
    found = findings(CHOWN_AFTER_COPY, "LW203")
    # requirements.txt is one small file: stored twice, it is not worth a warning.
    assert [CHOWN_AFTER_COPY[f.span.start : f.span.end + 4] for f in found] == ["COPY . ."]
    assert "line 7" in found[0].message and "--chown=app:app" in found[0].message
    related = found[0].related[0].span
    assert CHOWN_AFTER_COPY[related.start : related.end] == "chown -R app:app /app"
    assert all(f.fix is not None and not f.fix.safe for f in found)


def test_copy_without_chown_fix_adds_the_flag_and_keeps_the_chown() -> None:
    assert fixed(CHOWN_AFTER_COPY, "LW203") == CHOWN_AFTER_COPY.replace(
        "COPY . .", "COPY --chown=app:app . ."
    )
    # Unsafe only: a plain fix run leaves the file alone.
    assert fixed(CHOWN_AFTER_COPY, "LW203", unsafe=False) == CHOWN_AFTER_COPY


@pytest.mark.parametrize(
    "text",
    [
        # chown is not recursive: only the directory entry changes
        "FROM debian:12\nWORKDIR /app\nCOPY . .\nRUN chown app /app\n",
        # chown of a subdirectory does not cover everything the COPY added
        "FROM debian:12\nWORKDIR /app\nCOPY . .\nRUN chown -R app /app/data\n",
        # chown before the COPY
        "FROM debian:12\nRUN mkdir /app && chown -R app /app\nCOPY . /app/\n",
        # already --chown
        "FROM debian:12\nCOPY --chown=app:app . /app/\nRUN chown -R app:app /app\n",
        # relative destination with an unknown WORKDIR (the base image decides it)
        "FROM debian:12\nCOPY . .\nRUN chown -R app /app\n",
        # chown in another stage
        "FROM debian:12 AS a\nCOPY . /app/\nFROM debian:12\nRUN chown -R app /app\n",
        # a cd before the chown makes its relative path unknown
        "FROM debian:12\nWORKDIR /app\nCOPY . .\nRUN cd /srv && chown -R app .\n",
        # Windows images have no --chown
        "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nCOPY . /app/\nRUN chown -R app /app\n",
    ],
)
def test_copy_without_chown_no_false_positives(text: str) -> None:
    assert findings(text, "LW203") == []


def test_copy_without_chown_resolves_variables_globs_and_ancestors() -> None:
    text = (
        "FROM debian:12\nARG APP=/srv/app\nCOPY --from=build /out/bin $APP/bin/\n"
        "RUN chown -hR 1000:1000 /srv/*\n"
    )
    assert spans(text, "LW203") == ["COPY"]
    assert (
        fixed(text, "LW203").splitlines()[2]
        == "COPY --chown=1000:1000 --from=build /out/bin $APP/bin/"
    )


def test_copy_without_chown_no_fix_when_user_is_created_later_or_unknown() -> None:
    later = "FROM debian:12\nCOPY . /app/\nRUN useradd app && chown -R app:app /app\n"
    (finding,) = findings(later, "LW203")
    assert finding.fix is None
    unknown = "FROM debian:12\nCOPY . /app/\nRUN chown -R $(id -u) /app\n"
    (finding,) = findings(unknown, "LW203")
    assert finding.fix is None and "--chown=<user>" in finding.message
    legacy = "FROM debian:12\nCOPY . /app/\nRUN chown -R app.app /app\n"
    assert findings(legacy, "LW203")[0].fix is None


# -- LW204 world-writable --------------------------------------------------------------


def test_world_writable_modes() -> None:
    text = (
        "FROM debian:12\n"
        "RUN chmod 777 /a && chmod -R 0777 /b && chmod a+rwx /c && chmod go+w /d "
        "&& chmod 666 /e && chmod u+x,o+w /f && mkdir -p -m 777 /g && install -m0777 x /h\n"
        "COPY --chmod=777 entrypoint.sh /\n"
    )
    assert spans(text, "LW204") == [
        "777",
        "0777",
        "a+rwx",
        "go+w",
        "666",
        "u+x,o+w",
        "777",
        "-m0777",
        "777",
    ]


@pytest.mark.parametrize(
    "mode",
    [
        "755",
        "775",
        "1777",
        "3777",
        "o-w",
        "g+w",
        "+w",
        "a+rx",
        "o+w,o-w",
        "a+rwx,+t",
        "$MODE",
        "u=rwx,go=rx",
    ],
)
def test_world_writable_accepts(mode: str) -> None:
    assert findings(f"FROM debian:12\nRUN chmod {mode} /srv/data\n", "LW204") == []


def test_world_writable_resolves_args_and_skips_removed_scratch_dirs() -> None:
    text = "FROM debian:12\nARG MODE=0777\nRUN chmod $MODE /data\nCOPY --chmod=$MODE a /b\n"
    assert spans(text, "LW204") == ["$MODE", "$MODE"]
    scratch = (
        'FROM debian:12\nRUN d="$(mktemp -d)" && chmod 777 "$d" && make -C "$d" && rm -rf "$d"\n'
    )
    assert findings(scratch, "LW204") == []


def test_world_writable_in_heredoc_and_not_on_windows() -> None:
    text = "FROM debian:12\nRUN <<EOF\nset -e\nchmod 777 /srv\nEOF\n"
    assert spans(text, "LW204") == ["777"]
    windows = "# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN chmod 777 C:/x\n"
    assert findings(windows, "LW204") == []


# -- LW205 sudo ------------------------------------------------------------------------


def test_sudo_is_reported_on_the_word() -> None:
    text = "FROM debian:12\nRUN sudo apt-get update && env X=1 /usr/bin/sudo -E make install\n"
    assert spans(text, "LW205") == ["sudo", "/usr/bin/sudo"]


def test_sudo_fix_when_running_as_root() -> None:
    text = "FROM debian:12\nRUN sudo apt-get update && sudo -u nobody true\n"
    first, second = findings(text, "LW205")
    assert first.fix is not None and not first.fix.safe
    assert second.fix is None  # sudo with options: not a plain wrapper
    assert fixed(text, "LW205") == "FROM debian:12\nRUN apt-get update && sudo -u nobody true\n"


def test_sudo_no_fix_for_non_root_or_unknown_user() -> None:
    non_root = "FROM debian:12\nUSER app\nRUN sudo apt-get update\n"
    assert [f.fix for f in findings(non_root, "LW205")] == [None]
    custom_base = "FROM example.com/dev/base:1\nRUN sudo make install\n"
    assert [f.fix for f in findings(custom_base, "LW205")] == [None]
    root_again = "FROM example.com/dev/base:1\nUSER root\nRUN sudo make install\n"
    assert findings(root_again, "LW205")[0].fix is not None


@pytest.mark.parametrize(
    "text",
    [
        "FROM debian:12\nRUN apt-get install -y sudo\n",
        "FROM debian:12\nRUN echo 'app ALL=(ALL) NOPASSWD: ALL' >> /etc/sudoers\n",
        'FROM debian:12\nRUN ["apt-get", "update"]\n',
    ],
)
def test_sudo_not_run(text: str) -> None:
    assert findings(text, "LW205") == []


def test_sudo_in_onbuild_and_heredoc() -> None:
    text = "FROM debian:12\nONBUILD RUN sudo make\nRUN <<EOF\nsudo make install\nEOF\n"
    assert spans(text, "LW205") == ["sudo", "sudo"]


# -- LW302 literal credentials ---------------------------------------------------------


def test_literal_credentials_point_at_the_secret() -> None:
    text = (
        "FROM debian:12\n"
        "ENV AWS_ACCESS_KEY_ID=AKIA5ZQW3YJX7N2RT4PL\n"
        "RUN git clone https://deploy:hunter2-x@git.example.com/app.git\n"
        "RUN echo '//registry.npmjs.org/:_authToken=9f8e7d6c5b4a' > .npmrc\n"
        "ARG GH=ghp_R4nd0mT0k3nV4lu3F0rT3st1ngPurp0s3s12\n"
        "LABEL slack=xoxb-1234567890-abcdefghij\n"
        "RUN <<EOF\ncat > /k <<KEY\n-----BEGIN OPENSSH PRIVATE KEY-----\nKEY\nEOF\n"
    )
    assert spans(text, "LW302") == [
        "AKIA5ZQW3YJX7N2RT4PL",
        "hunter2-x",
        "9f8e7d6c5b4a",
        "ghp_R4nd0mT0k3nV4lu3F0rT3st1ngPurp0s3s12",
        "xoxb-1234567890-abcdefghij",
        "-----BEGIN OPENSSH PRIVATE KEY-----",
    ]


def test_token_inside_url_is_reported_once() -> None:
    text = "FROM debian:12\nRUN git clone https://x:ghp_R4nd0mT0k3nV4lu3F0rT3st1ngPurp0s3s12@github.com/o/r\n"
    (finding,) = findings(text, "LW302")
    assert "GitHub token" in finding.message


@pytest.mark.parametrize(
    "line",
    [
        "ENV AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE",
        "ENV AWS_ACCESS_KEY_ID=${AWS_ACCESS_KEY_ID}",
        "RUN git clone https://oauth2:${GITLAB_TOKEN}@gitlab.com/o/r.git",
        "RUN git clone https://$USER:$PASS@example.com/r.git",
        "RUN git clone https://x-access-token@github.com/o/r.git",
        "ENV DATABASE_URL=postgres://app:<password>@db:5432/app",
        "RUN echo '//registry.npmjs.org/:_authToken=${NPM_TOKEN}' > .npmrc",
        "ENV T=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "RUN curl -fsSL http://localhost:8080/health",
        "RUN gpg --keyserver hkps://keys.openpgp.org --recv-keys ABCDEF",
    ],
)
def test_literal_credentials_no_false_positives(line: str) -> None:
    assert findings(f"FROM debian:12\n{line}\n", "LW302") == []


def test_literal_credentials_ignore_comments() -> None:
    text = "FROM debian:12\n# old key AKIA5ZQW3YJX7N2RT4PL\nRUN true \\\n# AKIA5ZQW3YJX7N2RT4PL\n    && make\n"
    assert findings(text, "LW302") == []


# -- LW303 sensitive files copied -----------------------------------------------------


def test_sensitive_sources() -> None:
    text = (
        "FROM node:20-slim\n"
        "COPY .env .env.production .env.example id_rsa id_rsa.pub .npmrc .pypirc .netrc "
        ".aws/ .ssh config/tls.key certs/ca.pem certs/key.pem app.p12 .git .docker/config.json /app/\n"
    )
    assert spans(text, "LW303") == [
        ".env",
        ".env.production",
        "id_rsa",
        ".npmrc",
        ".pypirc",
        ".netrc",
        ".aws/",
        ".ssh",
        "config/tls.key",
        "certs/key.pem",
        "app.p12",
        ".git",
        ".docker/config.json",
    ]


def test_sensitive_copy_from_stage_only_credentials() -> None:
    text = (
        "FROM debian:12 AS build\nRUN make\n"
        "FROM debian:12\n"
        "COPY --from=build /out/server.key /out/ca.pem /etc/ssl/\n"
        "COPY --from=build /root/.npmrc /root/\n"
    )
    assert spans(text, "LW303") == ["/root/.npmrc"]


def test_sensitive_destination_and_resolved_variables() -> None:
    text = "FROM debian:12\nARG KEY=deploy_key\nCOPY $KEY /root/.ssh/id_ed25519\nARG F=.env\nCOPY ${F} /app/\n"
    assert spans(text, "LW303") == ["/root/.ssh/id_ed25519", "${F}"]


def test_sensitive_env_glob() -> None:
    assert spans("FROM debian:12\nCOPY .env* ./\n", "LW303") == [".env*"]
    assert findings("FROM debian:12\nCOPY *.json ./\n", "LW303") == []


@pytest.mark.parametrize(
    "text",
    [
        "FROM debian:12\nCOPY . /app/\n",
        "FROM debian:12\nCOPY .env.example /app/.env\n",
        "FROM debian:12\nCOPY nodesource.gpg.key /usr/share/keyrings/\n",
        "FROM debian:12\nCOPY repo.key /etc/apt/trusted.gpg.d/\n",
        "FROM debian:12\nCOPY .ssh/config .ssh/known_hosts /root/.ssh/\n",
        "FROM debian:12\nCOPY $SOMETHING /app/\n",
        "FROM debian:12\nADD https://example.com/.env /app/\n",
        # .git in a build stage that does not ship (version stamping)
        "FROM golang:1.22 AS build\nCOPY .git .git\nRUN git describe > /version\nFROM scratch\nCOPY --from=build /version /\n",
    ],
)
def test_sensitive_copy_no_false_positives(text: str) -> None:
    assert findings(text, "LW303") == []


# -- LW304 secret removed later --------------------------------------------------------


def test_secret_removed_in_a_later_run() -> None:
    text = (
        "FROM debian:12\n"
        "COPY id_rsa /root/.ssh/id_rsa\n"
        "RUN git clone git@example.com:o/r.git /src\n"
        "RUN rm -f /root/.ssh/id_rsa\n"
    )
    (finding,) = findings(text, "LW304")
    assert text[finding.span.start : finding.span.end] == "/root/.ssh/id_rsa"
    assert "line 2" in finding.message
    related = finding.related[0].span
    assert text[related.start : related.end] == "COPY"


def test_secret_removed_through_workdir_directory_and_glob() -> None:
    text = (
        "FROM node:20-slim\nWORKDIR /app\n"
        "COPY package.json .npmrc ./\nRUN npm ci\nRUN rm .npmrc\n"
        "COPY secrets/ /run/app-secrets/\nRUN rm -rf /run/app-secrets\n"
        "COPY certs/server.key /etc/tls/\nRUN rm /etc/tls/*.key\n"
    )
    assert spans(text, "LW304") == [".npmrc", "/run/app-secrets", "/etc/tls/*.key"]


def test_secret_written_by_a_run_and_removed_later() -> None:
    text = (
        "FROM node:20-slim\n"
        'RUN echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > ~/.npmrc\n'
        "RUN npm ci\n"
        "RUN rm ~/.npmrc\n"
        "RUN curl -fsSo /tmp/credentials.json https://vault.example.com/creds\n"
        "RUN rm /tmp/credentials.json\n"
    )
    assert spans(text, "LW304") == ["~/.npmrc", "/tmp/credentials.json"]


@pytest.mark.parametrize(
    "text",
    [
        # removed in the same RUN that created it
        "FROM node:20-slim\nRUN echo x > /root/.npmrc && npm ci && rm /root/.npmrc\n",
        # not a secret
        "FROM debian:12\nCOPY requirements.txt /tmp/\nRUN pip install -r /tmp/requirements.txt\nRUN rm /tmp/requirements.txt\n",
        # a non-recursive rm of the directory does not remove the file
        "FROM debian:12\nCOPY id_rsa /root/.ssh/id_rsa\nRUN rm /root/.ssh\n",
        # a builder stage that does not ship
        "FROM debian:12 AS build\nCOPY id_rsa /root/.ssh/\nRUN rm /root/.ssh/id_rsa\nFROM debian:12\nCOPY --from=build /src /src\n",
        # an unrelated file in the same directory
        "FROM debian:12\nCOPY id_rsa /root/.ssh/\nRUN rm /root/.ssh/known_hosts\n",
        # rm after cd: the relative path is unknown
        "FROM debian:12\nWORKDIR /app\nCOPY .npmrc .\nRUN cd /tmp && rm .npmrc\n",
    ],
)
def test_secret_removed_later_no_false_positives(text: str) -> None:
    assert findings(text, "LW304") == []


def test_secret_removed_in_child_stage() -> None:
    text = "FROM debian:12 AS base\nCOPY .env /app/.env\nFROM base\nRUN rm /app/.env\n"
    assert spans(text, "LW304") == ["/app/.env"]


# -- .dockerignore matching --------------------------------------------------------------

EXACT, INEXACT, FAIL = "exact", "inexact", "fail"


@pytest.mark.parametrize(
    "pattern, path, expected",
    [
        ("**", "file", EXACT),
        ("**/", "dir/file", EXACT),
        ("dir/**", "dir/dir2/file", EXACT),
        ("**/dir", "dir", EXACT),
        ("**/dir", "dir/file", INEXACT),
        ("**/dir2/*", "dir/dir2/file", EXACT),
        ("**/dir2/*", "dir/dir2/file/", INEXACT),
        ("**file", "dir/dir/file", EXACT),
        ("**/file*.txt", "dir/dir/file.txt", EXACT),
        ("**/**/*.txt2", "dir/dir/file.txt", FAIL),
        ("**/*.txt", "file.txt", EXACT),
        ("a**/*.txt", "a/dir/dir/file.txt", EXACT),
        ("a/*.txt", "a/dir/file.txt", FAIL),
        ("a[b-d]e", "ace", EXACT),
        ("a[b-d]e", "aae", FAIL),
        ("a[^b-d]e", "aze", EXACT),
        (".*", ".foo", EXACT),
        (".*", "foo", FAIL),
        ("abc.def", "abcdef", FAIL),
        ("abc?def", "abcZdef", EXACT),
        ("abc?def", "abc/def", FAIL),
        ("abc/**", "abc", FAIL),
        ("**/.foo", "bar.foo", FAIL),
        ("a(b)c/def", "a(b)c/def", EXACT),
        ("a.|)$(}+{bc", "a.|)$(}+{bc", EXACT),
        ("dist/*.whl", "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl", EXACT),
        ("a\\*b", "a*b", EXACT),
        ("/docs/../node_modules/", "node_modules/x", INEXACT),
    ],
)
def test_dockerignore_matches_like_moby(pattern: str, path: str, expected: str) -> None:
    # Cases from moby/patternmatcher's TestMatches (MatchesOrParentMatches).
    matcher = IgnoreMatcher.parse(Path(".dockerignore"), pattern)
    assert matcher is not None
    assert (matcher.decide(path) is not None) == (expected != FAIL)


def test_dockerignore_last_match_wins_and_comments() -> None:
    text = "\ufeff# comment\n  # not a comment\n\n**\n!util/docker/web\n*.md\n!README.md\n"
    matcher = IgnoreMatcher.parse(Path(".dockerignore"), text)
    assert matcher is not None
    assert [p.text for p in matcher.patterns] == [
        "# not a comment",
        "**",
        "util/docker/web",
        "*.md",
        "README.md",
    ]
    assert matcher.decide("util/docker/web/foo") is None
    assert matcher.decide("src/x.py") is not None
    assert matcher.decide("README.md") is None
    assert matcher.decide("CHANGES.md") is not None


@pytest.mark.parametrize("pattern", ["[", "[^bc", "a[", "\\", "[-x]", "[a-b-c]", "!"])
def test_malformed_dockerignore_is_ignored(pattern: str) -> None:
    assert IgnoreMatcher.parse(Path(".dockerignore"), f"node_modules\n{pattern}\n") is None


def test_valid_glob_accepts_escapes_in_classes() -> None:
    assert valid_glob("[\\]a]") and valid_glob("[x\\-]") and valid_glob("ab[^e-g]")


# -- LW402 / LW403 ------------------------------------------------------------------------


def project(tmp_path: Path, dockerfile: str, files: dict[str, str]) -> dict[str, object]:
    path = tmp_path / "Dockerfile"
    path.write_text(dockerfile)
    for name, content in files.items():
        (tmp_path / name).write_text(content)
    return {"path": path, "project": FileSystemProject(tmp_path)}


NODE = "FROM node:20-slim\nWORKDIR /app\nCOPY package.json ./\nRUN npm ci\nCOPY . .\n"


def test_dockerignore_missing_essentials(tmp_path: Path) -> None:
    where = project(tmp_path, NODE, {".dockerignore": "node_modules\n.env\n"})
    (finding,) = findings(NODE, "LW402", **where)
    assert NODE[finding.span.start : finding.span.end] == "."
    assert ".git, .npmrc" in finding.message and ".env" not in finding.message.split("add")[0]


@pytest.mark.parametrize(
    "ignore",
    [
        ".git\n.env*\n.npmrc\n",
        "**/.git\n**/.env\n/.npmrc\n",
        "*\n!package.json\n!src\n",
        ".*\n!.babelrc\n",
    ],
)
def test_dockerignore_essentials_excluded(tmp_path: Path, ignore: str) -> None:
    where = project(tmp_path, NODE, {".dockerignore": ignore})
    assert findings(NODE, "LW402", **where) == []


def test_dockerignore_essentials_respects_copy_exclude_and_absence(tmp_path: Path) -> None:
    text = "FROM node:20-slim\nCOPY --exclude=.git --exclude=.env* --exclude=.npmrc . /app/\n"
    assert (
        findings(text, "LW402", **project(tmp_path, text, {".dockerignore": "node_modules\n"}))
        == []
    )
    # No .dockerignore at all is LW401's finding; no project: nothing to read.
    bare = tmp_path / "bare"
    bare.mkdir()
    assert findings(NODE, "LW402", **project(bare, NODE, {})) == []
    assert findings(NODE, "LW402") == []


def test_dockerfile_specific_ignore_file_takes_precedence(tmp_path: Path) -> None:
    where = project(
        tmp_path,
        NODE,
        {".dockerignore": "node_modules\n", "Dockerfile.dockerignore": ".git\n.env\n.npmrc\n"},
    )
    assert findings(NODE, "LW402", **where) == []


def test_copy_ignored_file(tmp_path: Path) -> None:
    text = (
        "FROM python:3.12-slim\nWORKDIR /app\nARG DOCS=docs\n"
        "COPY requirements.txt ./\n"
        "COPY $DOCS/openapi.yaml ./\n"
        "COPY ./tmp/cache.db /data/\n"
        "COPY NOTES.md README.md /docs/\n"
        "COPY build/*.whl /wheels/\n"
        "COPY --from=builder /docs/x /x\n"
        "ADD https://example.com/docs/x /x\n"
        "COPY . .\n"
    )
    where = project(
        tmp_path, text, {".dockerignore": "docs\n*/cache.db\n*.md\n!README.md\nbuild\n"}
    )
    found = findings(text, "LW403", **where)
    assert [text[f.span.start : f.span.end] for f in found] == [
        "$DOCS/openapi.yaml",
        "./tmp/cache.db",
        "NOTES.md",
        "build/*.whl",
    ]
    assert "pattern 'docs' on line 1" in found[0].message


def test_copy_ignored_file_stays_silent_when_an_exception_may_reinclude(tmp_path: Path) -> None:
    text = "FROM debian:12\nCOPY docs /docs\nCOPY src/*.py /app/\nCOPY $UNKNOWN /x\n"
    where = project(tmp_path, text, {".dockerignore": "docs\n!docs/api\nsrc\n!src/**/*.py\n"})
    assert findings(text, "LW403", **where) == []


def test_copy_ignored_glob_equal_to_pattern(tmp_path: Path) -> None:
    text = "FROM debian:12\nCOPY *.log /logs/\nCOPY *.txt /txt/\n"
    where = project(tmp_path, text, {".dockerignore": "*.log\n"})
    assert spans(text, "LW403", **where) == ["*.log"]


# -- LW702 add-url-without-checksum ----------------------------------------------------


def test_add_url_without_checksum() -> None:
    text = (
        "FROM debian:12\nARG V=1.2.3\n"
        "ADD https://example.com/tool-${V}.tar.gz /opt/\n"
        "ADD --checksum=sha256:0123 https://example.com/b /b\n"
        "ADD https://github.com/moby/buildkit.git#v0.13.0 /src\n"
        "ADD git@github.com:o/r.git /r\n"
        "ADD local.tar.gz /opt/\n"
        "ADD $UNKNOWN /x\n"
        "ONBUILD ADD http://example.com/c /c\n"
    )
    assert spans(text, "LW702") == ["https://example.com/tool-${V}.tar.gz", "http://example.com/c"]


# -- LW703 pipe-to-shell ---------------------------------------------------------------


def test_pipe_to_shell_forms() -> None:
    text = (
        "FROM debian:12\n"
        "RUN curl -fsSL https://x/install.sh | sh\n"
        "RUN wget -qO- https://x/i.sh | sudo -E bash -s -- --yes\n"
        "RUN curl -s https://x/get-pip.py | python3\n"
        'RUN sh -c "$(curl -fsSL https://x/i.sh)"\n'
        "RUN bash <(curl -fsSL https://x/i.sh)\n"
        "RUN curl -fsSL https://x/i.sh | tee /tmp/i.sh | bash\n"
        "RUN <<EOF\nset -e\ncurl -fsSL https://x/i.sh | sh\nEOF\n"
    )
    assert spans(text, "LW703") == [
        "curl -fsSL https://x/install.sh | sh",
        "wget -qO- https://x/i.sh | sudo -E bash -s -- --yes",
        "curl -s https://x/get-pip.py | python3",
        'sh -c "$(curl -fsSL https://x/i.sh)"',
        "bash <(curl -fsSL https://x/i.sh)",
        "curl -fsSL https://x/i.sh | tee /tmp/i.sh | bash",
        "curl -fsSL https://x/i.sh | sh",
    ]


@pytest.mark.parametrize(
    "run",
    [
        "curl -fsSL https://x/key.asc | gpg --dearmor -o /usr/share/keyrings/x.gpg",
        "curl -fsSL https://x/a.tar.gz | tar -xz -C /opt",
        "curl -fsSLo /tmp/i.sh https://x/i.sh && sh /tmp/i.sh",
        "wget https://x/i.sh | sh",
        "curl -o /tmp/i.sh https://x/i.sh | sh",
        "curl -s https://x/data.json | python3 -c 'import json,sys; json.load(sys.stdin)'",
        "curl -s https://x/i.sh | bash /opt/local-script.sh",
        'sh -c "echo $(date)"',
    ],
)
def test_pipe_to_shell_no_false_positives(run: str) -> None:
    assert findings(f"FROM debian:12\nRUN {run}\n", "LW703") == []


def test_pipe_to_shell_powershell() -> None:
    text = (
        "# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\n"
        'SHELL ["powershell", "-Command"]\n'
        "RUN iex ((New-Object System.Net.WebClient).DownloadString('https://x/install.ps1'))\n"
        "RUN Invoke-WebRequest https://x/a.zip -OutFile a.zip\n"
    )
    assert spans(text, "LW703") == ["iex"]


# -- LW704 curl-and-wget ---------------------------------------------------------------


def test_curl_and_wget_reported_once_on_the_later_tool() -> None:
    text = (
        "FROM debian:12\n"
        "RUN apt-get update && apt-get install -y --no-install-recommends curl\n"
        "RUN wget -q https://x/a\n"
        "RUN wget -q https://x/b && curl -fsS https://x/c\n"
    )
    (finding,) = findings(text, "LW704")
    assert text[finding.span.start : finding.span.end] == "wget"
    assert finding.span.start == text.index("wget")
    related = finding.related[0].span
    assert text[related.start : related.end] == "curl"


@pytest.mark.parametrize(
    "text",
    [
        # different stages
        "FROM debian:12 AS a\nRUN curl -fsS https://x\nFROM debian:12\nRUN wget -q https://x\n",
        # wget installed only for the build, then purged (official images' pattern)
        "FROM debian:12\nRUN apt-get update && apt-get install -y wget && ./fetch-sources.sh "
        "&& apt-mark auto '.*' > /dev/null && apt-get purge -y --auto-remove\nRUN curl -fsS https://y\n",
        # apk virtual package removed in the same RUN
        "FROM alpine:3.20\nRUN apk add --no-cache --virtual .fetch curl && apk del .fetch\nRUN wget -q https://y\n",
        "FROM debian:12\nRUN apt-get install -y wget && apt-get purge -y wget\nRUN curl -fsS https://y\n",
        # Windows: wget is PowerShell's alias
        "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN curl.exe -o a https://x && curl -o b https://y\nRUN wget https://z -OutFile c\n",
    ],
)
def test_curl_and_wget_no_false_positives(text: str) -> None:
    assert findings(text, "LW704") == []


# -- LW705 wget-progress -----------------------------------------------------------------


def test_wget_progress_fix_inserts_nv() -> None:
    text = "FROM debian:12\nRUN wget -O /tmp/a.tgz https://x/a.tgz && tar -xzf /tmp/a.tgz\n"
    (finding,) = findings(text, "LW705")
    assert text[finding.span.start : finding.span.end] == "wget"
    assert finding.fix is not None and finding.fix.safe
    assert fixed(text, "LW705", unsafe=False) == text.replace("wget -O", "wget -nv -O")


def test_wget_progress_fix_unsafe_when_stderr_is_captured() -> None:
    text = "FROM debian:12\nRUN wget https://x/a 2>&1 | tee /log\n"
    (finding,) = findings(text, "LW705")
    assert finding.fix is not None and not finding.fix.safe


@pytest.mark.parametrize(
    "args",
    [
        "-q",
        "--quiet",
        "-nv",
        "--no-verbose",
        "--progress=dot:giga",
        "--progress dot:mega",
        "-qO- ",
        "-o /log",
        "-a /log",
    ],
)
def test_wget_progress_accepts(args: str) -> None:
    assert findings(f"FROM debian:12\nRUN wget {args} https://x/a\n", "LW705") == []


def test_wget_progress_skips_busybox_and_windows() -> None:
    assert findings("FROM alpine:3.20\nRUN wget -O /a https://x/a\n", "LW705") == []
    assert findings("FROM node:20-alpine\nRUN wget -O /a https://x/a\n", "LW705") == []
    gnu = "FROM alpine:3.20\nRUN apk add --no-cache wget\nRUN wget -O /a https://x/a\n"
    assert spans(gnu, "LW705") == ["wget"]
    windows = "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN wget https://x -OutFile a\n"
    assert findings(windows, "LW705") == []


def test_wget_progress_in_heredoc_and_onbuild() -> None:
    text = "FROM debian:12\nONBUILD RUN wget https://x/a\nRUN <<EOF\nwget https://x/b\nEOF\n"
    assert fixed(text, "LW705") == text.replace("wget https", "wget -nv https")
