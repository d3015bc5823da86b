"""LW9xx: correctness (PRACTICES I, and J's policies).

- ``instructions.py``: LW901-LW908, LW928, LW942, instructions Docker rejects or reads
  otherwise than meant (unknown instructions, FROM, WORKDIR, COPY --from, stage names,
  MAINTAINER, exec forms that are not JSON, ENV that reads what it sets);
- ``buildkit.py``: LW909-LW921, BuildKit's own build checks;
- ``syntax_directive.py``: LW922-LW923, the ``# syntax=`` directive and the features
  that need it;
- ``shell.py``: LW924-LW926, LW941, LW943, LW944, the commands of RUN instructions
  (cd, pipes without pipefail, useradd without -l, relinking /bin/sh, commands
  pointless in a build);
- ``destinations.py``: LW927, LW940, where COPY and ADD put files;
- ``policy.py``: LW929-LW939, trusted registries and the label schema;
- ``parity.py``: LW950-LW952, the last of hadolint's checks worth having.
"""

from __future__ import annotations

from . import buildkit, destinations, instructions, parity, policy, shell, syntax_directive

RULES = (
    *instructions.RULES,
    *buildkit.RULES,
    *syntax_directive.RULES,
    *shell.RULES,
    *destinations.RULES,
    *policy.RULES,
    *parity.RULES,
)
