"""Language package managers (LW63x-LW65x): behaviour, exact ranges, fixes and their safety."""

from __future__ import annotations

from pathlib import Path

import pytest

from layerwise.analysis import Finding, LintOptions, fix_text, lint_text
from layerwise.analysis.context import FileSystemProject
from layerwise.analysis.rules import rule_by_code


def findings(text: str, code: str) -> list[Finding]:
    result = lint_text(text, options=LintOptions(select=(code,)))
    assert not result.failures, result.failures
    return [f for f in result.findings if f.code == code]


def spans(text: str, code: str) -> list[str]:
    return [text[f.span.start : f.span.end] for f in findings(text, code)]


def fixed(text: str, code: str, unsafe: bool = True) -> str:
    return fix_text(text, options=LintOptions(select=(code,)), unsafe=unsafe).text


def safety(text: str, code: str) -> list[bool | None]:
    return [None if f.fix is None else f.fix.safe for f in findings(text, code)]


def test_registry_metadata() -> None:
    off = {"LW631", "LW644", "LW650"}
    for code in ("LW630", "LW631", "LW632", "LW633", "LW634", "LW635", "LW640", "LW641",
                 "LW642", "LW643", "LW644", "LW645", "LW646", "LW647", "LW650"):  # fmt: skip
        rule = rule_by_code(code)
        assert rule is not None, code
        assert rule.default_enabled is (code not in off), code
    assert rule_by_code("LW630").aliases == ("DL3042",)  # type: ignore[union-attr]
    assert rule_by_code("LW646").aliases == ("DL3060",)  # type: ignore[union-attr]
    # Off-by-default rules stay quiet unless selected.
    text = "FROM python:3.12\nRUN pip install --no-cache-dir flask\n"
    assert not [f for f in lint_text(text).findings if f.code == "LW631"]
    assert [f.code for f in lint_text(text, options=LintOptions(select=("DL3013",))).findings] == [
        "LW631"
    ]


# -- LW630 pip-cache ------------------------------------------------------------------


def test_pip_cache_spans_and_fix() -> None:
    text = (
        "FROM python:3.12-slim\n"
        "RUN pip install -r requirements.txt && python3 -m pip install -U pip\n"
        "RUN pip3.12 --disable-pip-version-check install flask==3.0.3\n"
    )
    # One finding per RUN (on its first install); its fix covers every install of the RUN.
    assert spans(text, "LW630") == [
        "pip install",
        "pip3.12 --disable-pip-version-check install",
    ]
    assert safety(text, "LW630") == [True, True]
    assert fixed(text, "LW630", unsafe=False) == (
        "FROM python:3.12-slim\n"
        "RUN pip install --no-cache-dir -r requirements.txt && "
        "python3 -m pip install --no-cache-dir -U pip\n"
        "RUN pip3.12 --disable-pip-version-check install --no-cache-dir flask==3.0.3\n"
    )


def test_pip_cache_one_finding_per_run() -> None:
    text = (
        "FROM ubuntu:24.04\n"
        "RUN pip3 install -U pip && pip3 install ansible && pip3 install --no-cache-dir x\n"
    )
    (finding,) = findings(text, "LW630")
    assert "2 pip installs in this RUN" in finding.message
    assert fixed(text, "LW630", unsafe=False) == (
        "FROM ubuntu:24.04\n"
        "RUN pip3 install --no-cache-dir -U pip && pip3 install --no-cache-dir ansible "
        "&& pip3 install --no-cache-dir x\n"
    )


def test_pip_cache_mount_hint_uses_the_users_home() -> None:
    text = "FROM python:3.12-slim\nUSER app:app\nRUN pip install --user flask\n"
    (finding,) = findings(text, "LW630")
    assert "mount a BuildKit cache on /home/app/.cache/pip with uid=" in finding.message
    assert "/root" not in finding.message
    assert finding.alternatives == ()  # a plain cache mount would belong to root
    root = findings("FROM python:3.12-slim\nRUN pip install flask\n", "LW630")[0]
    assert root.message.endswith("mount a BuildKit cache on /root/.cache/pip")
    assert "uid" not in root.message
    uid = findings("FROM python:3.12-slim\nUSER 1000\nRUN pip install flask\n", "LW630")[0]
    assert "/root" not in uid.message and "the user's ~/.cache/pip" in uid.message
    assert uid.alternatives == ()
    env = findings("FROM python:3.12\nENV PIP_CACHE_DIR=/cache/pip\nRUN pip install x\n", "LW630")
    assert env[0].message.endswith("mount a BuildKit cache on /cache/pip")


def test_pip_cache_exec_form_and_heredoc() -> None:
    text = (
        "FROM python:3.12-slim\n"
        'RUN ["python3", "-m", "pip", "install", "flask==3"]\n'
        "RUN <<EOF\nset -e\npip install gunicorn==22\nEOF\n"
    )
    assert spans(text, "LW630") == ['"python3", "-m", "pip", "install"', "pip install"]
    assert fixed(text, "LW630") == (
        "FROM python:3.12-slim\n"
        'RUN ["python3", "-m", "pip", "install", "--no-cache-dir", "flask==3"]\n'
        "RUN <<EOF\nset -e\npip install --no-cache-dir gunicorn==22\nEOF\n"
    )


@pytest.mark.parametrize(
    "body",
    [
        "RUN pip install --no-cache-dir flask",
        "RUN pip --no-cache-dir install flask",
        "ENV PIP_NO_CACHE_DIR=1\nRUN pip install flask",
        "ENV PIP_NO_CACHE_DIR=false\nRUN pip install flask",  # pip: any value disables it
        "ARG PIP_NO_CACHE_DIR\nRUN pip install flask",
        "RUN PIP_NO_CACHE_DIR=1 pip install flask",
        "RUN export PIP_NO_CACHE_DIR=1 && pip install flask",
        "RUN pip install flask && rm -rf /root/.cache",
        "RUN pip install flask && rm -rf ~/.cache/pip",
        "RUN pip install flask && pip cache purge",
        "RUN --mount=type=cache,target=/root/.cache/pip pip install flask",
        "RUN --mount=type=cache,target=/root/.cache pip install flask",
        "RUN --mount=type=cache,id=pip,target=/home/app/.cache/pip,sharing=locked pip install x",
        "RUN --mount=type=tmpfs,target=/root/.cache pip install flask",
        "ARG CACHE=/root/.cache/pip\nRUN --mount=type=cache,target=$CACHE pip install flask",
        "RUN --mount=type=cache,target=$UNKNOWN pip install flask",
        "ENV PIP_CACHE_DIR=/tmp/pip\nRUN pip install flask && rm -rf /tmp/pip",
        "RUN pip install --cache-dir /tmp/pc flask && rm -rf /tmp/pc",
        "COPY pip.conf /etc/pip.conf\nRUN pip install flask",
        "RUN pip config set global.no-cache-dir false\nRUN pip install flask",
        "RUN uv pip install flask",  # uv has its own rule
        "RUN pipx install black && pipenv install",
        "RUN pip wheel flask && pip download flask && pip --version",
        "RUN $PIP install flask",
    ],
)
def test_pip_cache_silent(body: str) -> None:
    assert findings(f"FROM python:3.12-slim\n{body}\n", "LW630") == []


def test_pip_cache_reports_unrelated_mounts_and_cleanups() -> None:
    text = (
        "FROM python:3.12-slim\n"
        "RUN --mount=type=cache,target=/var/cache/apt pip install flask\n"
        "RUN --mount=type=bind,target=/root/.cache/pip pip install flask\n"
        "RUN pip install flask && rm -rf /tmp/*\n"
        "RUN export PIP_NO_CACHE_DIR=1\n"
        "RUN pip install flask --no-compile\n"
    )
    assert len(findings(text, "LW630")) == 4


def test_pip_cache_only_in_shipped_stages_and_inherited_env() -> None:
    text = (
        "FROM python:3.12 AS build\n"
        "RUN pip install --prefix=/install -r requirements.txt\n"
        "FROM python:3.12-slim AS base\n"
        "ENV PIP_NO_CACHE_DIR=1\n"
        "FROM base\n"
        "RUN pip install flask\n"
        "FROM python:3.12-slim\n"
        "COPY --from=build /install /usr/local\n"
    )
    assert findings(text, "LW630") == []
    shipped = 'FROM python:3.12 AS base\nRUN pip install flask\nFROM base\nCMD ["flask"]\n'
    assert spans(shipped, "LW630") == ["pip install"]


def test_pip_cache_skips_windows() -> None:
    text = "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN pip install flask\n"
    assert findings(text, "LW630") == []


# -- LW631 pip-unpinned -----------------------------------------------------------------


def test_pip_unpinned() -> None:
    text = (
        "FROM python:3.12\n"
        "RUN pip install --no-cache-dir -i https://pypi.example/simple flask 'requests>=2' "
        "uvicorn[standard] ./lib dist/app.whl git+https://github.com/a/b@v1 "
        "git+https://github.com/a/c $PKG numpy==2.0\n"
        "ONBUILD RUN pip install gunicorn\n"
    )
    assert spans(text, "LW631") == [
        "flask",
        "uvicorn[standard]",
        "git+https://github.com/a/c",
        "gunicorn",
    ]
    assert all(f.fix is None for f in findings(text, "LW631"))


@pytest.mark.parametrize(
    "command",
    [
        "pip install -r requirements.txt flask",
        "pip install --requirement=req.txt",
        "pip install -c constraints.txt flask",
        "pip install .",
        "pip install -e .",
        "pip install 'flask~=3.0'",
    ],
)
def test_pip_unpinned_silent(command: str) -> None:
    assert findings(f"FROM python:3.12\nRUN {command}\n", "LW631") == []


# -- LW632 uv-cache ---------------------------------------------------------------------


def test_uv_cache() -> None:
    text = (
        "FROM python:3.12-slim\n"
        "RUN uv pip install --system flask && uv tool install ruff && uv --directory app sync\n"
        "RUN uv pip install -n flask && UV_NO_CACHE=1 uv sync && uv venv\n"
        "RUN --mount=type=cache,target=/root/.cache/uv uv sync --locked\n"
        "RUN uv sync && uv cache prune --ci\n"
    )
    assert spans(text, "LW632") == ["uv pip install", "uv tool install", "uv --directory app sync"]
    assert safety(text, "LW632") == [True, True, True]
    assert fixed(text, "LW632").splitlines()[1] == (
        "RUN uv pip install --no-cache --system flask && uv tool install --no-cache ruff "
        "&& uv --directory app sync --no-cache"
    )
    assert findings("FROM python:3.12\nENV UV_NO_CACHE=1\nRUN uv sync\n", "LW632") == []


# -- LW633 poetry-dev-dependencies -----------------------------------------------------


def test_poetry_dev_dependencies() -> None:
    text = (
        "FROM python:3.12-slim\n"
        "RUN poetry install --no-root && poetry -C app install && poetry sync\n"
        "RUN poetry install --only main && poetry install --without dev,test "
        "&& poetry install --no-dev && poetry install --with docs\n"
    )
    assert spans(text, "LW633") == ["poetry install", "poetry -C app install", "poetry sync"]
    assert safety(text, "LW633") == [False, False, False]
    assert fixed(text, "LW633").splitlines()[1] == (
        "RUN poetry install --only main --no-root && poetry -C app install --only main "
        "&& poetry sync --only main"
    )


@pytest.mark.parametrize(
    "text",
    [
        "FROM python:3.12 AS build\nRUN poetry install\nFROM python:3.12-slim\n",
        "FROM python:3.12 AS test\nRUN poetry install\n",
        'FROM python:3.12\nRUN poetry install\nCMD ["pytest", "-q"]\n',
        'FROM python:3.12\nRUN poetry install\nCMD ["uvicorn", "app:app", "--reload"]\n',
        'FROM python:3.12\nRUN if [ "$DEV" = 1 ]; then poetry install; fi\n',
        "FROM python:3.12\nRUN poetry add requests && poetry lock\n",
    ],
)
def test_poetry_dev_dependencies_silent(text: str) -> None:
    assert findings(text, "LW633") == []


# -- LW634 uv-dev-dependencies / LW635 uv-sync-unlocked -----------------------------------


def test_uv_dev_dependencies() -> None:
    text = (
        "FROM python:3.12-slim\n"
        "RUN uv sync --locked && uv sync --no-dev && uv sync --only-group prod\n"
        "RUN UV_NO_DEV=1 uv sync && uv pip install -r requirements.txt\n"
    )
    assert spans(text, "LW634") == ["uv sync"]
    assert safety(text, "LW634") == [False]
    assert fixed(text, "LW634").splitlines()[1].startswith("RUN uv sync --no-dev --locked &&")
    build_only = "FROM python:3.12 AS build\nRUN uv sync\nFROM python:3.12-slim\n"
    assert findings(build_only, "LW634") == []


def test_uv_sync_unlocked() -> None:
    text = (
        "FROM python:3.12 AS build\n"
        "COPY pyproject.toml uv.lock ./\n"
        "RUN uv sync --no-dev && uv sync --frozen && uv sync --locked\n"
        "FROM python:3.12\n"
        "COPY pyproject.toml ./\n"
        "RUN uv sync\n"
        "ENV UV_LOCKED=1\n"
        "RUN uv sync\n"
    )
    assert spans(text, "LW635") == ["uv sync", "uv sync"]
    assert safety(text, "LW635") == [False, None]  # no uv.lock copied: no fix
    assert "copy uv.lock" in findings(text, "LW635")[1].message
    assert fixed(text, "LW635").splitlines()[2] == (
        "RUN uv sync --locked --no-dev && uv sync --frozen && uv sync --locked"
    )


# -- LW640 npm-install-not-ci -------------------------------------------------------------


def test_npm_install_not_ci() -> None:
    text = (
        "FROM node:20 AS build\n"
        "COPY package.json package-lock.json ./\n"
        "COPY package-lock.json /srv/app/\n"
        "RUN npm install && npm --prefix /srv/app i --no-audit\n"
        'RUN ["npm", "install", "--omit=dev"]\n'
    )
    assert spans(text, "LW640") == ["install", "i", '"install"']
    assert safety(text, "LW640") == [False, False, False]
    assert fixed(text, "LW640") == (
        "FROM node:20 AS build\n"
        "COPY package.json package-lock.json ./\n"
        "COPY package-lock.json /srv/app/\n"
        "RUN npm ci && npm --prefix /srv/app ci --no-audit\n"
        'RUN ["npm", "ci", "--omit=dev"]\n'
    )
    # Unsafe fixes are not applied without --unsafe-fixes.
    assert fixed(text, "LW640", unsafe=False) == text


@pytest.mark.parametrize(
    "command",
    [
        "npm ci",
        "npm clean-install",
        "npm install express@4",
        "npm install -g pm2",
        "npm install --global pm2",
        "npm i --location=global pm2",
        "npm add lodash",
        "npx prisma generate",
        "npm run build",
        "npm install --no-package-lock",
        "npm install --package-lock=false",
        "npm --version",
        "if [ -f package-lock.json ]; then npm ci; else npm install; fi",
        "[ -f package-lock.json ] && npm ci || npm install",
        "if [ -f yarn.lock ]; then yarn --frozen-lockfile; elif [ -f package-lock.json ]; "
        "then npm ci; else npm i; fi",
    ],
)
def test_npm_install_not_ci_silent(command: str) -> None:
    assert findings(f"FROM node:20\nRUN {command}\n", "LW640") == []


def in_context(tmp_path: Path, text: str, code: str, files: dict[str, str]) -> list[Finding]:
    """Findings of ``code`` for a Dockerfile in a project holding ``files``."""
    for name, content in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(content)
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text(text)
    result = lint_text(
        text,
        options=LintOptions(select=(code,)),
        path=dockerfile,
        project=FileSystemProject(tmp_path),
    )
    return [f for f in result.findings if f.code == code]


def test_npm_install_not_ci_needs_a_lock_file() -> None:
    # Without the build context, only a lock file copied into the install folder shows
    # the project has one: otherwise 'npm ci' could fail the build.
    for copy in (
        "COPY package.json ./",
        "COPY . .",
        "COPY app/ ./",
        "COPY $SRC ./",
        "COPY package.json package-lock.json /elsewhere/",
    ):
        text = f"FROM node:20\nWORKDIR /app\n{copy}\nRUN npm install\n"
        assert findings(text, "LW640") == [], copy
    assert safety("FROM node:20\nCOPY package*.json ./\nRUN npm install\n", "LW640") == [False]
    assert findings("FROM node:20\nADD . /src\nRUN cd /src; npm install\n", "LW640") == []
    # An ONBUILD trigger runs in a build whose context is unknown.
    text = "FROM node:20\nCOPY package*.json ./\nONBUILD RUN npm install\n"
    assert findings(text, "LW640") == []


def test_npm_install_not_ci_reads_the_build_context(tmp_path: Path) -> None:
    whole = "FROM node:20\nADD . /src\nRUN cd /src; npm install\n"
    package = {"package.json": '{"dependencies": {"express": "^4"}}'}
    # No lock file beside package.json: 'npm ci' would fail, the rule is silent.
    assert in_context(tmp_path, whole, "LW640", package) == []
    [finding] = in_context(tmp_path, whole, "LW640", {"package-lock.json": "{}"})
    assert finding.fix is not None
    # The lock file exists but is not copied: copy it first.
    only = "FROM node:20\nWORKDIR /app\nCOPY package.json ./\nRUN npm install\n"
    [finding] = in_context(tmp_path, only, "LW640", {})
    assert finding.fix is None and "copy package-lock.json" in finding.message


def test_npm_install_not_ci_reads_the_folder_copied(tmp_path: Path) -> None:
    text = "FROM node:20\nCOPY web /app\nWORKDIR /app\nRUN npm install\n"
    assert in_context(tmp_path, text, "LW640", {"web/package.json": "{}"}) == []
    assert len(in_context(tmp_path, text, "LW640", {"web/package-lock.json": "{}"})) == 1


def test_npm_install_conditional_without_locked_alternative_is_reported() -> None:
    text = "FROM node:20\nCOPY package*.json ./\nRUN if [ -f package.json ]; then npm install; fi\n"
    assert spans(text, "LW640") == ["install"]


# -- LW641 npm-production-flag -----------------------------------------------------------


def test_npm_production_flag() -> None:
    text = (
        "FROM node:20-alpine\n"
        "RUN npm ci --only=production && npm prune --production\n"
        "RUN npm ci --only prod --production=false\n"
        'RUN ["npm", "ci", "--only=prod"]\n'
    )
    assert spans(text, "LW641") == [
        "--only=production",
        "--production",
        "--only prod",
        "--production=false",
        '"--only=prod"',
    ]
    assert safety(text, "LW641") == [True] * 5
    assert fixed(text, "LW641", unsafe=False) == (
        "FROM node:20-alpine\n"
        "RUN npm ci --omit=dev && npm prune --omit=dev\n"
        "RUN npm ci --omit=dev --include=dev\n"
        'RUN ["npm", "ci", "--omit=dev"]\n'
    )
    assert rule_by_code("LW641").tags == ("deprecated",)  # type: ignore[union-attr]


def test_npm_production_flag_depends_on_the_npm_version() -> None:
    for old in ("node:14", "node:12.18-alpine", "node:fermium", "node:8"):
        assert findings(f"FROM {old}\nRUN npm ci --production\n", "LW641") == [], old
    for new in ("node:lts", "node", "node:hydrogen-slim", "node:22.1"):
        assert safety(f"FROM {new}\nRUN npm ci --production\n", "LW641") == [True], new
    # Another base: the npm version is unknown, so the fix is unsafe.
    assert safety("FROM debian:12\nRUN npm ci --production\n", "LW641") == [False]
    assert findings("FROM node:20\nRUN yarn install --production\n", "LW641") == []


# -- LW642 npm-dev-dependencies ----------------------------------------------------------


DEV_PACKAGE = {"package.json": '{"dependencies": {"a": "1"}, "devDependencies": {"jest": "29"}}'}


def test_npm_dev_dependencies(tmp_path: Path) -> None:
    text = 'FROM node:20-slim\nCOPY package*.json ./\nRUN npm ci\nCMD ["node", "server.js"]\n'
    [finding] = in_context(tmp_path, text, "LW642", DEV_PACKAGE)
    assert text[finding.span.start : finding.span.end] == "npm ci"
    assert finding.fix is not None and finding.fix.safe is False
    assert finding.fix.edits[0].new_text == " --omit=dev"
    old = "FROM node:14\nCOPY . /src\nWORKDIR /src\nRUN npm install\n"
    [finding] = in_context(tmp_path, old, "LW642", DEV_PACKAGE)
    assert finding.fix is not None and finding.fix.edits[0].new_text == " --production"


def test_npm_dev_dependencies_reads_package_json(tmp_path: Path) -> None:
    # package.json without devDependencies: nothing dev ships.
    text = 'FROM node:20-slim\nCOPY package*.json ./\nRUN npm ci\nCMD ["node", "server.js"]\n'
    package = {"package.json": '{"dependencies": {"express": "^4"}}'}
    assert in_context(tmp_path, text, "LW642", package) == []
    # Nothing of the context readable and no build step after: it cannot tell.
    assert findings(text, "LW642") == []
    assert findings("FROM node:20\nADD . /src\nRUN cd /src; npm install\n", "LW642") == []
    # A CMD is no build step.
    assert findings("FROM node:20\nRUN npm ci\nCMD npm run start\n", "LW642") == []


def test_npm_dev_dependencies_with_a_build_after_offers_no_fix() -> None:
    text = 'FROM node:20\nRUN npm ci\nCOPY . .\nRUN npm run build\nCMD ["node", "dist"]\n'
    [finding] = findings(text, "LW642")
    assert finding.fix is None
    assert "earlier stage" in finding.message
    same_run = "FROM node:20\nRUN npm ci && npx tsc\n"
    assert safety(same_run, "LW642") == [None]


@pytest.mark.parametrize(
    "text",
    [
        "FROM node:20\nRUN npm ci --omit=dev\n",
        "FROM node:20\nRUN npm ci --omit dev\n",
        "FROM node:20\nRUN npm ci --omit=optional --omit=dev\n",
        "FROM node:20\nRUN npm ci --production\n",
        "FROM node:20\nRUN npm ci --only=prod\n",
        "FROM node:20\nRUN npm ci --include=dev\n",
        "FROM node:20\nENV NODE_ENV=production\nRUN npm ci\n",
        "FROM node:20\nARG NODE_ENV\nRUN npm ci\n",
        "FROM node:20\nRUN NODE_ENV=production npm ci\n",
        "FROM node:20\nENV npm_config_omit=dev\nRUN npm ci\n",
        "FROM node:20\nRUN npm ci && npm run build && npm prune --omit=dev\n",
        'FROM node:20\nRUN if [ "$ENV" = dev ]; then npm ci; fi\n',
        "FROM node:20 AS build\nRUN npm ci\nFROM node:20-slim\nCOPY --from=build /a /a\n",
        "FROM node:20 AS development\nRUN npm ci\n",
        "FROM node:20 AS base\nRUN npm ci\nFROM base AS dev-envs\n",
        'FROM node:20\nRUN npm ci\nCMD ["npm", "run", "dev"]\n',
        'FROM node:20\nRUN npm ci\nCMD ["nodemon", "server.js"]\n',
        'FROM node:20\nRUN npm ci\nCMD ["ng", "serve", "--host", "0.0.0.0"]\n',
        "FROM node:20\nRUN npm install -g pm2 && npm install express@4\n",
    ],
)
def test_npm_dev_dependencies_silent(text: str) -> None:
    assert findings(text, "LW642") == []


def test_npm_dev_dependencies_follows_the_shipped_chain(tmp_path: Path) -> None:
    text = 'FROM node:20 AS deps\nCOPY package*.json ./\nRUN npm ci\nFROM deps\nCMD ["node", "x"]\n'
    assert len(in_context(tmp_path, text, "LW642", DEV_PACKAGE)) == 1


# -- LW643 npm-cache ------------------------------------------------------------------------


def test_npm_cache() -> None:
    text = (
        "FROM node:20-slim\n"
        "COPY package*.json ./\n"
        "RUN npm ci --omit=dev && npm install -g pm2@5\n"
        "RUN npm ci \\\n    --omit=dev\n"
        'RUN ["npm", "ci"]\n'
    )
    assert spans(text, "LW643") == ["npm ci", "npm ci", '"npm", "ci"']
    assert safety(text, "LW643") == [True, True, None]
    assert fixed(text, "LW643", unsafe=False) == (
        "FROM node:20-slim\n"
        "COPY package*.json ./\n"
        "RUN npm ci --omit=dev && npm install -g pm2@5 && npm cache clean --force\n"
        "RUN npm ci \\\n    --omit=dev \\\n    && npm cache clean --force\n"
        'RUN ["npm", "ci"]\n'
    )


def test_npm_cache_needs_a_package_json_or_named_packages(tmp_path: Path) -> None:
    # Without package.json 'npm install' downloads nothing: a folder copy alone does not
    # show there is one when the build context cannot be read.
    whole = "FROM node:20\nADD . /src\nRUN cd /src; npm install\n"
    assert findings(whole, "LW643") == []
    assert len(in_context(tmp_path, whole, "LW643", {"package.json": "{}"})) == 1
    assert spans("FROM node:20\nRUN npm install -g pm2@5\n", "LW643") == ["npm install"]


def test_npm_cache_silent_in_development_images() -> None:
    text = (
        "FROM node:20 AS builder\nRUN npm install -g @angular/cli@17\n"
        'CMD ["ng", "serve"]\nFROM builder AS dev-envs\nRUN useradd dev\n'
    )
    assert findings(text, "LW643") == []


@pytest.mark.parametrize(
    "body",
    [
        "RUN npm ci && npm cache clean --force",
        "RUN --mount=type=cache,target=/root/.npm npm ci",
        "RUN --mount=type=cache,target=/home/node/.npm,uid=1000 npm ci",
        "RUN npm ci && rm -rf /root/.npm",
        "RUN npm ci && rm -rf ~/.npm/_cacache",
        "RUN npm ci --cache /tmp/npm && rm -rf /tmp/npm",
        "ENV npm_config_cache=/tmp/npm\nRUN npm ci && rm -rf /tmp/npm",
        "RUN npm run build && npx tsc",
    ],
)
def test_npm_cache_silent(body: str) -> None:
    assert findings(f"FROM node:20\n{body}\n", "LW643") == []


def test_npm_cache_only_shipped_stages() -> None:
    text = (
        "FROM node:20 AS build\nRUN npm ci\nFROM nginx:1.27\nCOPY --from=build /dist /usr/share\n"
    )
    assert findings(text, "LW643") == []


# -- LW644 npm-unpinned --------------------------------------------------------------------


def test_npm_unpinned() -> None:
    text = (
        "FROM node:20\n"
        "RUN npm install -g pm2 typescript@5.4 @angular/cli @nestjs/cli@10 ./local "
        "git+https://github.com/a/b git+https://github.com/a/c#v1 https://x.test/p.tgz "
        "$PKG user/repo#main\n"
    )
    assert spans(text, "LW644") == ["pm2", "@angular/cli", "git+https://github.com/a/b"]
    assert findings("FROM node:20\nRUN npm ci && npm install\n", "LW644") == []


# -- LW645 yarn-frozen-lockfile ---------------------------------------------------------------


def test_yarn_frozen_lockfile() -> None:
    text = (
        "FROM node:20\n"
        "COPY package.json yarn.lock ./\n"
        "RUN yarn && yarn --cwd web install --production && yarn install --frozen-lockfile\n"
        'RUN ["yarn", "install"]\n'
    )
    assert spans(text, "LW645") == ["yarn", "yarn --cwd web install", '"yarn", "install"']
    assert safety(text, "LW645") == [False, False, False]
    assert fixed(text, "LW645") == (
        "FROM node:20\n"
        "COPY package.json yarn.lock ./\n"
        "RUN yarn --frozen-lockfile && yarn --cwd web install --frozen-lockfile --production "
        "&& yarn install --frozen-lockfile\n"
        'RUN ["yarn", "install", "--frozen-lockfile"]\n'
    )


def test_yarn_frozen_lockfile_berry_gets_immutable() -> None:
    text = "FROM node:20\nCOPY .yarnrc.yml package.json yarn.lock ./\nRUN yarn install\n"
    assert fixed(text, "LW645").endswith("RUN yarn install --immutable\n")
    text = "FROM node:20\nRUN corepack enable && yarn set version stable && yarn install\n"
    assert fixed(text, "LW645").endswith("yarn install --immutable\n")
    text = "FROM node:20\nRUN corepack enable && yarn install\n"  # corepack alone says nothing
    assert fixed(text, "LW645").endswith("yarn install --frozen-lockfile\n")


@pytest.mark.parametrize(
    "body",
    [
        "RUN yarn install --immutable",
        "RUN yarn --frozen-lockfile",
        "RUN yarn install --no-immutable",
        "RUN yarn --version",
        "RUN yarn add react && yarn global add serve && yarn build",
        "ENV CI=true\nRUN yarn install",
        "ENV YARN_ENABLE_IMMUTABLE_INSTALLS=true\nRUN yarn install",
        "RUN [ -f yarn.lock ] && yarn install --frozen-lockfile || yarn install",
    ],
)
def test_yarn_frozen_lockfile_silent(body: str) -> None:
    assert findings(f"FROM node:20\n{body}\n", "LW645") == []


def test_yarn_frozen_lockfile_ci_false_is_reported() -> None:
    assert spans("FROM node:20\nENV CI=false\nRUN yarn install\n", "LW645") == ["yarn install"]


def test_yarn_frozen_lockfile_without_lockfile_offers_no_fix() -> None:
    text = "FROM node:20\nCOPY package.json ./\nRUN yarn install\n"
    [finding] = findings(text, "LW645")
    assert finding.fix is None and "copy yarn.lock" in finding.message


# -- LW646 yarn-cache ---------------------------------------------------------------------------


def test_yarn_cache() -> None:
    text = (
        "FROM node:20-slim\n"
        "COPY package.json yarn.lock ./\n"
        "RUN yarn install --frozen-lockfile\n"
        "RUN yarn --cache-folder /tmp/yc install --frozen-lockfile\n"
    )
    assert spans(text, "LW646") == ["yarn install", "yarn --cache-folder /tmp/yc install"]
    assert safety(text, "LW646") == [True, None]
    assert fixed(text, "LW646").splitlines()[2] == (
        "RUN yarn install --frozen-lockfile && yarn cache clean"
    )


def test_yarn_cache_fix_is_unsafe_when_a_yarnrc_may_be_copied() -> None:
    text = "FROM node:20\nCOPY . .\nRUN yarn install --frozen-lockfile\n"
    assert safety(text, "LW646") == [False]
    classic = "FROM node:20\nRUN yarn set version classic\nCOPY . .\nRUN yarn --frozen-lockfile\n"
    assert safety(classic, "LW646") == [True]


@pytest.mark.parametrize(
    "body",
    [
        "RUN yarn install && yarn cache clean",
        "RUN yarn install && yarn cache clean --all",
        "RUN --mount=type=cache,target=/usr/local/share/.cache/yarn yarn install",
        "RUN --mount=type=cache,target=/usr/local/share/.cache/yarn/v6 yarn install",
        "RUN --mount=type=cache,target=/root/.cache/yarn yarn install",
        "RUN yarn install && rm -rf /usr/local/share/.cache/yarn",
        "ENV YARN_CACHE_FOLDER=/tmp/yarn\nRUN yarn && rm -rf /tmp/yarn",
        "COPY .yarnrc.yml ./\nRUN yarn install",  # Yarn 2+: the cache may be the install
        "RUN yarn build",
    ],
)
def test_yarn_cache_silent(body: str) -> None:
    assert findings(f"FROM node:20\n{body}\n", "LW646") == []


def test_yarn_cache_only_shipped_stages() -> None:
    text = "FROM node:20 AS build\nRUN yarn install\nRUN yarn test\nFROM nginx:1.27\n"
    assert findings(text, "LW646") == []
    assert spans(text, "LW645") == ["yarn install"]  # reproducibility matters in every stage


# -- LW647 pnpm-frozen-lockfile ----------------------------------------------------------------


def test_pnpm_frozen_lockfile() -> None:
    text = (
        "FROM node:20\n"
        "COPY package.json pnpm-lock.yaml ./\n"
        "RUN pnpm install --prod && pnpm -C web i && pnpm --filter api install\n"
    )
    assert spans(text, "LW647") == ["pnpm install", "pnpm -C web i", "pnpm --filter api install"]
    assert safety(text, "LW647") == [False, False, False]
    assert fixed(text, "LW647").splitlines()[2] == (
        "RUN pnpm install --frozen-lockfile --prod && pnpm -C web i --frozen-lockfile "
        "&& pnpm --filter api install --frozen-lockfile"
    )


@pytest.mark.parametrize(
    "body",
    [
        "RUN pnpm install --frozen-lockfile",
        "RUN pnpm install --no-frozen-lockfile",
        "RUN pnpm fetch && pnpm install --offline --prod",
        "RUN pnpm add -g pnpm && pnpm install -g typescript",
        "ENV CI=1\nRUN pnpm install",
        "RUN pnpm run build",
    ],
)
def test_pnpm_frozen_lockfile_silent(body: str) -> None:
    assert findings(f"FROM node:20\n{body}\n", "LW647") == []


def test_pnpm_without_lockfile_offers_no_fix() -> None:
    text = "FROM node:20\nCOPY package.json .npmrc ./\nRUN pnpm install\n"
    assert safety(text, "LW647") == [None]


# -- LW650 gem-unpinned ------------------------------------------------------------------------


def test_gem_unpinned() -> None:
    text = (
        "FROM ruby:3.3\n"
        "RUN gem install bundler rake:13.2.1 --no-document -i /gems && gem install rails -v 7.1\n"
        "RUN gem i local.gem nokogiri\n"
    )
    assert spans(text, "LW650") == ["bundler", "nokogiri"]


def test_lockfile_detection_treats_added_archives_as_unknown() -> None:
    text = "FROM node:20\nCOPY package.json ./\nADD app.tar.gz /app/\nRUN yarn install\n"
    assert safety(text, "LW645") == [False]
    text = "FROM node:20\nCOPY package.json tsconfig.json .npmrc ./\nRUN yarn install\n"
    assert safety(text, "LW645") == [None]


# -- cache-mount alternatives (PRACTICES 26) -------------------------------------------

BUILDKIT = "# syntax=docker/dockerfile:1\n"


def alternative(text: str, code: str) -> str | None:
    """The text after applying the finding's first alternative fix, if it has one."""
    (finding,) = findings(text, code)
    if not finding.alternatives:
        return None
    (edit,) = finding.alternatives[0].edits
    assert finding.alternatives[0].safe
    return text[: edit.start] + edit.new_text + text[edit.end :]


@pytest.mark.parametrize(
    "code, run, mounted",
    [
        ("LW630", "RUN pip install -r requirements.txt", "/root/.cache/pip"),
        ("LW632", "RUN uv pip install --system -r requirements.txt", "/root/.cache/uv"),
        ("LW643", "RUN npm install -g pm2@5", "/root/.npm"),
        ("LW646", "RUN yarn install", "/usr/local/share/.cache/yarn"),
    ],
)
def test_cache_mount_is_offered_as_an_alternative_where_buildkit_is_used(
    code: str, run: str, mounted: str
) -> None:
    text = BUILDKIT + "FROM python:3.12-slim\nCOPY . /app\n" + run + "\n"
    assert alternative(text, code) == text.replace(
        run, run.replace("RUN", f"RUN --mount=type=cache,target={mounted}", 1)
    )
    # The rule's own fix stays first: fix-all applies it, not the alternative.
    assert "--mount" not in fixed(text, code)


@pytest.mark.parametrize(
    "text",
    [
        # No BuildKit syntax in the file yet: adding some is not this rule's call.
        "FROM python:3.12-slim\nRUN pip install -r requirements.txt\n",
        # A cache mount belongs to root: another user could not write to it.
        BUILDKIT + "FROM python:3.12-slim\nUSER app\nRUN pip install -r requirements.txt\n",
        # The cache directory comes from a variable we cannot resolve.
        BUILDKIT + "FROM python:3.12-slim\nARG DIR\nENV PIP_CACHE_DIR=$DIR\n"
        "RUN pip install -r requirements.txt\n",
    ],
)
def test_no_cache_mount_alternative(text: str) -> None:
    assert alternative(text, "LW630") is None


def test_cache_mount_follows_an_explicit_cache_directory() -> None:
    text = (
        BUILDKIT + "FROM python:3.12-slim\nENV PIP_CACHE_DIR=/cache/pip/\nRUN pip install flask\n"
    )
    assert alternative(text, "LW630") == text.replace(
        "RUN pip", "RUN --mount=type=cache,target=/cache/pip pip"
    )


def test_yarn_lock_missing_looks_where_the_copies_land() -> None:
    # Folders copied into sub-folders cannot bring yarn.lock next to package.json.
    text = (
        "FROM node:20\n"
        "COPY ./package.json /srv/tool/package.json\n"
        "COPY ./lib /srv/tool/lib\n"
        "COPY ./bin /srv/tool/bin\n"
        "WORKDIR /srv/tool\n"
        "RUN yarn --no-progress\n"
    )
    [finding] = findings(text, "LW645")
    assert finding.fix is None and "no yarn.lock in the image" in finding.message
    assert "rewrites" not in finding.message
    # A folder copied into the install folder itself may bring it.
    text = text.replace("/srv/tool/lib", "/srv/tool/")
    assert safety(text, "LW645") == [False]
    # So may a folder copied above it.
    text = (
        "FROM node:20\nCOPY package.json /srv/tool/\nCOPY src /srv\nWORKDIR /srv/tool\nRUN yarn\n"
    )
    assert safety(text, "LW645") == [False]
    # A cd in the RUN decides the folder.
    text = "FROM node:20\nCOPY package.json lib /srv/tool/\nRUN cd /srv/tool && yarn install\n"
    assert safety(text, "LW645") == [False]
    text = "FROM node:20\nCOPY package.json /srv/tool/\nCOPY lib /srv/tool/lib\nRUN cd /srv/tool && yarn\n"
    assert safety(text, "LW645") == [None]
