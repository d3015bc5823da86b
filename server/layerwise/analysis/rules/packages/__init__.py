"""LW6xx: layers and package managers (PRACTICES F).

- ``layers.py``: LW601, consecutive RUNs that could be one layer;
- ``apt.py``: LW602-LW605, the apt-get basics (update alone, -y, recommends, lists);
- ``system.py``: LW606-LW621, system package managers (apt, apk, yum/dnf/microdnf/tdnf,
  zypper): caches left in layers, cleanup a layer too late, distribution upgrades, -y
  and version pins;
- ``language.py``: LW630-LW650, language package managers (pip, uv, poetry, npm, yarn,
  pnpm, gem): download caches, lockfiles, dev dependencies, version pins.
"""

from __future__ import annotations

from . import apt, language, layers, system

RULES = (*layers.RULES, *apt.RULES, *system.RULES, *language.RULES)
