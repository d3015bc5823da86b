"""Install layerwise and its dependencies, as pure Python, into a folder for the .vsix.

    python bundle_python.py PROJECT_ROOT TARGET_DIR

The folder goes first on PYTHONPATH of whatever Python 3.10+ the user has, on any
platform, so what it holds must not depend on the Python or platform that built it:

1. Resolve: install layerwise's wheel with its dependencies for Python 3.10
   (``--python-version 3.10`` also rejects releases that dropped 3.10). pip evaluates
   environment markers for the *running* interpreter only, so a bundle built on 3.11
   would miss e.g. ``tomli; python_version < '3.11'``: the requirements that markers add
   for any supported Python or platform are read from the installed metadata and the
   resolve is redone with them until nothing is missing.
2. Fetch a pure-Python wheel (``py3-none-any``) of each resolved ``name==version``.
   A few packages publish only compiled wheels but run without their compiled part
   (``STRIP_OK``): their wheel for this machine is used with the compiled files removed.
   Anything else that is not pure Python stops the build.
3. Install those wheels, and only those, into TARGET_DIR, and run the bundled command
   line from it with this Python and each of $LAYERWISE_SMOKE_PYTHONS (os.pathsep-separated).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from email.parser import Parser
from pathlib import Path

try:  # pip vendors packaging; prefer a standalone one when installed
    from packaging.markers import Marker
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name
except ImportError:  # pragma: no cover - depends on the build machine
    from pip._vendor.packaging.markers import Marker  # type: ignore[no-redef]
    from pip._vendor.packaging.requirements import Requirement  # type: ignore[no-redef]
    from pip._vendor.packaging.utils import canonicalize_name  # type: ignore[no-redef]

PYTHONS = ["3.10", "3.11", "3.12", "3.13", "3.14"]
PLATFORMS = [("linux", "posix", "Linux"), ("darwin", "posix", "Darwin"), ("win32", "nt", "Windows")]
OLDEST = ["--python-version", PYTHONS[0]]
PURE = ["--only-binary=:all:", "--platform", "any", "--implementation", "py", *OLDEST]
COMPILED_SUFFIXES = {".so", ".pyd", ".dylib", ".dll"}

#: Packages without a pure-Python wheel whose Python code works when the compiled
#: accelerator is missing (checked by importing it after the build, see ``smoke_test``).
STRIP_OK = {
    # yaml/__init__.py: `try: from .cyaml import * ... except ImportError` -> pure loader
    "pyyaml": "import yaml; assert not yaml.__with_libyaml__; yaml.safe_load('a: 1')",
}

#: Dependencies the language server never imports, left out of the bundle: they have no
#: pure-Python wheel and serve only a command-line feature (``check --watch``, which says
#: what to install when its watcher is missing).
LEAVE_OUT = {"watchfiles"}


def pip(*args: str) -> None:
    command = [sys.executable, "-m", "pip", "--disable-pip-version-check", *args]
    if args[0] == "install":
        command.append("--root-user-action=ignore")
    print("+ pip", " ".join(args), flush=True)
    subprocess.run(command, check=True)


def environments() -> list[dict[str, str]]:
    return [
        {
            "python_version": version,
            "python_full_version": f"{version}.0",
            "sys_platform": sys_platform,
            "os_name": os_name,
            "platform_system": system,
            "implementation_name": "cpython",
            "platform_python_implementation": "CPython",
            "extra": "",
        }
        for version in PYTHONS
        for sys_platform, os_name, system in PLATFORMS
    ]


def installed(target: Path) -> dict[str, tuple[str, list[str]]]:
    """Canonical name -> (version, Requires-Dist lines) for each distribution in ``target``."""
    out = {}
    for info in target.glob("*.dist-info"):
        metadata = Parser().parsestr((info / "METADATA").read_text(encoding="utf-8"))
        name = canonicalize_name(metadata["Name"])
        out[name] = (metadata["Version"], metadata.get_all("Requires-Dist") or [])
    return out


def missing_requirements(target: Path) -> list[str]:
    """Requirements that some supported Python or platform needs and ``target`` lacks."""
    have = installed(target)
    envs = environments()
    missing: dict[str, str] = {}
    for _, requires in have.values():
        for line in requires:
            req = Requirement(line)
            if canonicalize_name(req.name) in have:
                continue
            marker: Marker | None = req.marker
            if marker is None or any(marker.evaluate(env) for env in envs):
                req.marker = None
                missing.setdefault(canonicalize_name(req.name), str(req))
    return sorted(missing.values())


def resolve(wheel: Path, scratch: Path) -> dict[str, str]:
    """name -> version of every dependency (layerwise itself excluded)."""
    extra: list[str] = []
    for _ in range(5):
        shutil.rmtree(scratch, ignore_errors=True)
        pip("install", "-q", "--no-compile", "--target", str(scratch), "--only-binary=:all:",
            *OLDEST, str(wheel), *extra)  # fmt: skip
        more = missing_requirements(scratch)
        if not more:
            return {n: v for n, (v, _) in installed(scratch).items() if n != "layerwise"}
        print("adding what other Pythons/platforms need:", ", ".join(more), flush=True)
        extra = sorted(set(extra) | set(more))
    raise SystemExit("bundle: the dependency closure did not settle")


def fetch_wheels(pins: dict[str, str], wheels: Path) -> list[str]:
    """Download pure wheels of ``pins`` into ``wheels``; returns the packages stripped instead."""
    pure = [f"{n}=={v}" for n, v in sorted(pins.items()) if n not in STRIP_OK]
    try:
        pip("download", "-q", "--no-deps", "-d", str(wheels), *PURE, *pure)
    except subprocess.CalledProcessError:
        raise SystemExit(
            "bundle: a dependency has no pure-Python wheel (pip said which); if it works without "
            "its compiled part, add it to STRIP_OK in scripts/bundle_python.py"
        ) from None
    stripped = []
    for name in sorted(set(pins) & set(STRIP_OK)):
        spec = f"{name}=={pins[name]}"
        try:
            pip("download", "-q", "--no-deps", "-d", str(wheels), *PURE, spec)
        except subprocess.CalledProcessError:
            print(f"no pure-Python wheel of {spec}: taking this machine's and removing its compiled part")
            pip("download", "-q", "--no-deps", "-d", str(wheels), "--only-binary=:all:", *OLDEST, spec)
            stripped.append(name)
    return stripped


def compiled_files(target: Path) -> list[Path]:
    return [p for p in target.rglob("*") if p.suffix in COMPILED_SUFFIXES or ".so." in p.name]


def smoke_test(target: Path, stripped: list[str], pythons: list[str]) -> None:
    """Run the bundled command line as the extension runs the server: bundle on PYTHONPATH,
    working directory elsewhere. With the build Python and each of ``pythons``."""
    imports = "; ".join(["import layerwise.lsp.server"] + [STRIP_OK[name] for name in stripped])
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env["PYTHONPATH"] = str(target)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    with tempfile.TemporaryDirectory(prefix="layerwise-smoke-") as cwd:
        for python in [sys.executable, *pythons]:
            subprocess.run([python, "-c", imports], check=True, cwd=cwd, env=env)
            result = subprocess.run(
                [python, "-m", "layerwise", "check", "--format", "json", "-"],
                input="FROM debian:12\nADD . /app\n", capture_output=True, text=True, cwd=cwd, env=env,
            )  # fmt: skip
            if result.returncode != 1 or '"LW701"' not in result.stdout:
                raise SystemExit(f"bundle: smoke test failed with {python}:\n{result.stdout}{result.stderr}")
            version = subprocess.run([python, "--version"], capture_output=True, text=True, check=True)
            print(f"bundle: smoke test passed with {python} ({version.stdout.strip()})", flush=True)


def main() -> int:
    root, target = Path(sys.argv[1]).resolve(), Path(sys.argv[2]).resolve()
    if not (root / "pyproject.toml").is_file():
        print(f"bundle: not a project root (no pyproject.toml): {root}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="layerwise-bundle-") as tmp_name:
        tmp = Path(tmp_name)
        wheels = tmp / "wheels"
        pip("wheel", "-q", "--no-deps", "-w", str(wheels), str(root))
        (wheel,) = wheels.glob("layerwise-*.whl")
        pins = {n: v for n, v in resolve(wheel, tmp / "resolve").items() if n not in LEAVE_OUT}
        stripped = fetch_wheels(pins, wheels)

        shutil.rmtree(target, ignore_errors=True)
        pip("install", "-q", "--no-compile", "--no-deps", "--no-index", "--target", str(target),
            "--only-binary=:all:", *OLDEST, *[str(w) for w in sorted(wheels.glob("*.whl"))])  # fmt: skip

    shutil.rmtree(target / "bin", ignore_errors=True)  # console scripts with this machine's shebang
    for path in compiled_files(target):
        path.unlink()
    for cache in target.rglob("__pycache__"):
        shutil.rmtree(cache, ignore_errors=True)
    for record in target.glob("*.dist-info/direct_url.json"):  # names this build's temp folder
        record.unlink()
    extra_pythons = [p for p in os.environ.get("LAYERWISE_SMOKE_PYTHONS", "").split(os.pathsep) if p]
    smoke_test(target, stripped, extra_pythons)

    names = sorted(f"{n} {v}" for n, (v, _) in installed(target).items())
    print(f"bundle: {target}: {', '.join(names)}")
    if stripped:
        print(f"bundle: compiled accelerators removed from: {', '.join(stripped)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
