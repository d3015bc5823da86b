"""CI integrations: the pre-commit hooks (.pre-commit-hooks.yaml) and the GitHub Action
(action.yml), each run for real against a small temporary project.

These install the package into fresh environments (marker ``slow``); they run in the
default test command.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import venv
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from test_packaging import copy_project

ROOT = Path(__file__).resolve().parents[1]

#: One finding (LW908, MAINTAINER); LW908 has a safe fix.
WITH_FINDING = 'FROM alpine:3.20\nMAINTAINER me\nRUN adduser -D app\nUSER app\nCMD ["sleep", "1"]\n'
FIXED = WITH_FINDING.replace("MAINTAINER me", 'LABEL org.opencontainers.image.authors="me"')
CLEAN = 'FROM alpine:3.20\nRUN adduser -D app\nUSER app\nCMD ["sleep", "1"]\n'

pytestmark = pytest.mark.slow


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=test", "-c", "user.email=test@example.com", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
    )


def _project(tmp_path: Path, dockerfile: str) -> Path:
    """A git repository holding one Dockerfile (and the .dockerignore LW401 asks for)."""
    repo = tmp_path / "project"
    repo.mkdir()
    (repo / "Dockerfile").write_text(dockerfile, encoding="utf-8")
    (repo / ".dockerignore").write_text(".git\n", encoding="utf-8")
    _git(repo, "init", "-q")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "init")
    return repo


# -- pre-commit --------------------------------------------------------------------------


def test_hooks_file() -> None:
    hooks = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    assert set(hooks) == {"layerwise", "layerwise-fix"}
    for hook in hooks.values():
        assert hook["language"] == "python" and hook["types"] == ["dockerfile"]
    # pre-commit names the files: --force-exclude lets layerwise.toml's `exclude` and
    # .gitignore still apply to them.
    assert hooks["layerwise"]["entry"] == "layerwise check --force-exclude"
    assert hooks["layerwise-fix"]["entry"] == "layerwise fix --force-exclude"


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One pre-commit cache for the module: the hook environment is built once."""
    return tmp_path_factory.mktemp("pre-commit-home")


def try_repo(repo: Path, hook: str, home: Path) -> subprocess.CompletedProcess[str]:
    # try-repo clones the checkout at its HEAD and adds the uncommitted changes itself.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PRE_COMMIT", "GIT_"))}
    env["PRE_COMMIT_HOME"] = str(home)
    env.pop("VIRTUAL_ENV", None)
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), hook, "--files", "Dockerfile"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )


def test_pre_commit_hook_fails_on_a_finding(tmp_path: Path, pre_commit_home: Path) -> None:
    repo = _project(tmp_path, WITH_FINDING)
    proc = try_repo(repo, "layerwise", pre_commit_home)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert re.search(r"^layerwise\.+Failed$", proc.stdout, re.M), proc.stdout
    assert "Dockerfile:2:1: warning LW908 MAINTAINER is deprecated" in proc.stdout


def test_pre_commit_hook_passes_a_clean_file(tmp_path: Path, pre_commit_home: Path) -> None:
    repo = _project(tmp_path, CLEAN)
    proc = try_repo(repo, "layerwise", pre_commit_home)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert re.search(r"^layerwise\.+Passed$", proc.stdout, re.M), proc.stdout


def test_pre_commit_fix_hook_fixes_the_file(tmp_path: Path, pre_commit_home: Path) -> None:
    repo = _project(tmp_path, WITH_FINDING)
    proc = try_repo(repo, "layerwise-fix", pre_commit_home)
    # pre-commit fails a hook that changed files, so the fix is reviewed before committing.
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "files were modified by this hook" in proc.stdout
    assert (repo / "Dockerfile").read_text(encoding="utf-8") == FIXED
    proc = try_repo(repo, "layerwise-fix", pre_commit_home)
    assert proc.returncode == 0, proc.stdout + proc.stderr


# -- the GitHub Action -------------------------------------------------------------------

ACTION = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
STEPS: list[dict[str, Any]] = ACTION["runs"]["steps"]
_EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


def _inputs(**given: str) -> dict[str, str]:
    """The action's inputs as GitHub passes them: defaults, then the workflow's values."""
    values = {name: str(spec.get("default", "")) for name, spec in ACTION["inputs"].items()}
    unknown = set(given) - set(values)
    assert not unknown, f"not inputs of action.yml: {unknown}"
    return values | given


def _value(expression: str, inputs: Mapping[str, str], github: Mapping[str, str]) -> str:
    context, _, key = expression.partition(".")
    table = {"inputs": inputs, "github": github}.get(context)
    assert table is not None and key in table, f"the test does not know ${{{{ {expression} }}}}"
    return table[key]


def substitute(text: str, inputs: Mapping[str, str], github: Mapping[str, str]) -> str:
    """Replace ``${{ inputs.x }}`` and ``${{ github.x }}`` as the runner does."""
    return _EXPRESSION.sub(lambda m: _value(m.group(1), inputs, github), text)


def condition(expression: str | None, inputs: Mapping[str, str]) -> bool:
    """Evaluate the small part of GitHub's expression language the action uses in ``if:``."""
    if expression is None:
        return True
    python = re.sub(r"\binputs\.([A-Za-z0-9_-]+)", lambda m: repr(inputs[m.group(1)]), expression)
    python = python.replace("&&", " and ").replace("||", " or ")
    assert re.fullmatch(r"[\s'A-Za-z0-9_.\-/=!()]*", python), f"unexpected if: {expression}"
    return bool(eval(python, {"__builtins__": {}}))


@dataclass
class StepRun:
    name: str
    ran: bool
    returncode: int = 0
    output: str = ""


@dataclass
class Runner:
    #: A Python environment's bin folder, put first on PATH: setup-python's part.
    bin_dir: str
    #: The action's checkout (GITHUB_ACTION_PATH): a copy of this project.
    action_path: Path


def run_action(workspace: Path, runner: Runner, **given: str) -> list[StepRun]:
    """Run the action's steps as a composite-action runner would, stopping at a failure.

    ``uses:`` steps (setup-python, upload-sarif) are not run: ``runner.bin_dir`` stands in
    for setup-python, and an upload is reported as ran without running.
    """
    inputs = _inputs(**given)
    action_path = str(runner.action_path)
    github = {"action_path": action_path, "workspace": str(workspace)}
    results = []
    for step in STEPS:
        if not condition(step.get("if"), inputs):
            results.append(StepRun(step["name"], ran=False))
            continue
        if "run" not in step:
            results.append(StepRun(step["name"], ran=True))
            continue
        assert step["shell"] == "bash"
        env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "RUNNER_"))}
        env.pop("VIRTUAL_ENV", None)
        env.update(
            PATH=f"{runner.bin_dir}{os.pathsep}{os.environ['PATH']}",
            GITHUB_ACTION_PATH=action_path,
            GITHUB_WORKSPACE=str(workspace),
            GITHUB_ACTIONS="true",
        )
        env.update({k: substitute(str(v), inputs, github) for k, v in step.get("env", {}).items()})
        script = workspace.parent / "step.sh"
        script.write_text(substitute(step["run"], inputs, github), encoding="utf-8")
        # The command GitHub runs for `shell: bash`.
        proc = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
            cwd=workspace,
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
        )
        results.append(StepRun(step["name"], True, proc.returncode, proc.stdout + proc.stderr))
        if proc.returncode != 0:
            break
    return results


@pytest.fixture(scope="module")
def action_python(tmp_path_factory: pytest.TempPathFactory) -> Runner:
    """A fresh Python environment, with layerwise installed by the action's install step."""
    base = tmp_path_factory.mktemp("action")
    venv.create(base / "python", with_pip=True)
    runner = Runner(str(base / "python" / "bin"), copy_project(base / "action"))
    workspace = _project(base, CLEAN)
    install = _by_name(run_action(workspace, runner))["Install layerwise"]
    assert install.ran and install.returncode == 0, install.output
    assert (Path(runner.bin_dir) / "layerwise").is_file()
    return runner


def _by_name(results: list[StepRun]) -> dict[str, StepRun]:
    return {r.name: r for r in results}


def test_action_fails_on_findings(tmp_path: Path, action_python: Runner) -> None:
    workspace = _project(tmp_path, WITH_FINDING)
    steps = _by_name(run_action(workspace, action_python))
    assert not steps["Write the SARIF log"].ran and not steps["Upload the SARIF log"].ran
    check = steps["Check"]
    assert check.ran and check.returncode == 1, check.output
    assert "::warning file=Dockerfile,line=2,col=1," in check.output
    assert "title=LW908" in check.output


def test_action_passes_a_clean_project(tmp_path: Path, action_python: Runner) -> None:
    workspace = _project(tmp_path, CLEAN)
    steps = _by_name(run_action(workspace, action_python))
    assert steps["Check"].ran and steps["Check"].returncode == 0, steps["Check"].output


def test_action_args_are_passed_to_check(tmp_path: Path, action_python: Runner) -> None:
    workspace = _project(tmp_path, WITH_FINDING)
    steps = _by_name(run_action(workspace, action_python, args="--ignore LW908 Dockerfile"))
    assert steps["Check"].returncode == 0, steps["Check"].output
    steps = _by_name(run_action(workspace, action_python, args="--select LW999X Dockerfile"))
    assert steps["Check"].returncode == 2, steps["Check"].output


def test_action_sarif_steps(tmp_path: Path, action_python: Runner) -> None:
    workspace = _project(tmp_path, WITH_FINDING)
    upload = next(s for s in STEPS if s["name"] == "Upload the SARIF log")
    assert upload["uses"].startswith("github/codeql-action/upload-sarif@")
    given = {"sarif-file": "layerwise.sarif", "upload-sarif": "true"}
    assert substitute(upload["with"]["sarif_file"], _inputs(**given), {}) == "layerwise.sarif"
    steps = _by_name(run_action(workspace, action_python, **given))
    sarif = steps["Write the SARIF log"]
    assert sarif.ran
    assert sarif.returncode == 0, sarif.output
    log = json.loads((workspace / "layerwise.sarif").read_text(encoding="utf-8"))
    assert log["version"] == "2.1.0"
    assert log["runs"][0]["results"][0]["ruleId"] == "LW908"
    assert steps["Upload the SARIF log"].ran
    assert steps["Check"].returncode == 1
    # The upload needs both inputs.
    assert condition(upload["if"], _inputs(**given))
    assert not condition(upload["if"], _inputs(**{"sarif-file": "layerwise.sarif"}))
    assert not condition(upload["if"], _inputs(**{"upload-sarif": "true"}))
