"""Build step: ship the rule documents inside the package.

The documents live in ``rules/`` at the repository root (one ``LWxxx.md`` per rule,
plus ``README.md`` and ``hadolint.md``); a regular (non-editable) build copies them
into ``layerwise/rule_docs/`` so ``layerwise rule LW701`` and the editor's links work
offline from an installed wheel. Editable installs read ``rules/`` in place.
"""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

RULES = Path(__file__).resolve().parent / "rules"


class BuildWithRuleDocs(build_py):
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return  # the package finds the source tree's rules/ itself
        target = Path(self.build_lib, "layerwise", "rule_docs")
        self.mkpath(str(target))
        for doc in sorted(RULES.glob("*.md")):
            self.copy_file(str(doc), str(target / doc.name))


setup(cmdclass={"build_py": BuildWithRuleDocs})
