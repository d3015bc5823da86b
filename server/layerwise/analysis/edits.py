"""Building blocks for fixes: where to insert lines, how to merge RUNs.

Every helper returns edits against the original text (code-point offsets),
uses the document's own line ending and escape character, and returns ``None``
when it cannot produce an edit that keeps the file's meaning.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

from ..syntax.model import Comment, Instruction, Stage, Token
from ..syntax.shell import ShellScript
from .context import LintContext
from .rule import Edit, Fix
from .suppression import parse_pragma

# Builtins whose effect carries over to later commands of the same shell: merging
# a RUN that uses them into the next one would change what the next one does.
STATEFUL_BUILTINS = frozenset(
    {"cd", "pushd", "popd", "export", "unset", "set", "source", ".", "umask", "alias",
     "ulimit", "shopt", "exec", "exit", "trap", "readonly", "declare", "typeset", "local"}
)  # fmt: skip


def line_indent(ctx: LintContext, offset: int) -> str:
    source = ctx.doc.source
    line = source.line_of(offset)
    text = source.line_text(line)
    return text[: len(text) - len(text.lstrip(" \t"))]


def block_start(ctx: LintContext, ins: Instruction) -> int:
    """Start of the line holding the first comment attached above ``ins``, or of ``ins``."""
    source = ctx.doc.source
    first = ins.comments[0].span.start if ins.comments else ins.span.start
    return source.line_start(source.line_of(first))


def insert_after(word: Token, text: str) -> Edit:
    """Insert ``text`` right after ``word`` (an option after a subcommand, say)."""
    return Edit(word.span.end, word.span.end, text)


def insert_lines_before(ctx: LintContext, ins: Instruction, lines: list[str]) -> Edit:
    """Insert whole lines before ``ins`` and the comments attached to it."""
    at = block_start(ctx, ins)
    indent = line_indent(ctx, ins.span.start)
    nl = ctx.newline
    return Edit(at, at, "".join(f"{indent}{line}{nl}" for line in lines))


def insert_lines_at_end(ctx: LintContext, stage: Stage, lines: list[str]) -> Edit:
    """Append whole lines after the stage's last instruction."""
    last = stage.instructions[-1]
    source = ctx.doc.source
    end_line = source.line_of(last.span.end)
    at = source.line_end(end_line)
    nl = ctx.newline
    return Edit(at, at, "".join(f"{nl}{line}" for line in lines))


def continuation_indent(ctx: LintContext, ins: Instruction) -> str:
    """Indentation used by the instruction's continuation lines, else four spaces."""
    source = ctx.doc.source
    first = source.line_of(ins.span.start)
    last = source.line_of(ins.args_span.end)
    for line in range(first + 1, last + 1):
        text = source.line_text(line)
        stripped = text.lstrip(" \t")
        if stripped and not stripped.startswith("#"):
            indent = text[: len(text) - len(stripped)]
            if indent:
                return indent
    return "    "


def ends_cleanly(script: ShellScript | None) -> bool:
    """A script another command can be appended to with ``&&``."""
    if script is None or script.error or script.comments or not script.commands:
        return False
    return script.commands[-1].separator is None


def and_chain_only(script: ShellScript) -> bool:
    """Commands joined only by ``&&`` and pipes, so prefixing ``x &&`` keeps its meaning."""
    return all(c.separator in (None, "&&", "|") for c in script.commands)


def uses_stateful_builtin(script: ShellScript) -> bool:
    """Commands whose effect outlives them: ``cd``, ``export``… or a bare ``VAR=value``."""
    return any(
        c.program in STATEFUL_BUILTINS or (c.program is None and bool(c.words))
        for c in script.commands
    )


def stage_shell_is_posix(ctx: LintContext, ins: Instruction) -> bool:
    """False when a SHELL instruction earlier in the stage selects PowerShell."""
    stage = ctx.doc.stage_of(ins)
    if stage is None:
        return True
    shell_program = ""
    for other in ctx.keyword_in(stage, "SHELL"):
        if other.span.start >= ins.span.start:
            break
        if other.exec_args:
            shell_program = other.exec_args[0].value.lower()
    return not any(name in shell_program for name in ("powershell", "pwsh"))


def flags_key(ins: Instruction) -> tuple[tuple[str, str | None], ...]:
    return tuple((flag.name, flag.value) for flag in ins.flags)


def append_to_run(ctx: LintContext, ins: Instruction, command: str) -> Edit | None:
    """Append ``&& command`` at the end of a shell-form RUN, on a new line if it is multi-line."""
    if ins.heredocs or not ends_cleanly(ins.shell):
        return None
    end = ins.args_span.end
    source = ctx.doc.source
    if source.line_of(ins.span.start) == source.line_of(end):
        return Edit(end, end, f" && {command}")
    indent = continuation_indent(ctx, ins)
    return Edit(end, end, f" {ctx.doc.escape}{ctx.newline}{indent}&& {command}")


def merge_runs(ctx: LintContext, first: Instruction, second: Instruction) -> list[Edit] | None:
    """Edits that fold ``second`` into ``first`` as ``first && second``.

    Comments between them move above the merged RUN. ``None`` when merging could
    change the build: exec form, heredocs, different flags, a trailing operator
    or comment in ``first``, shell state set in ``first`` (``cd``, ``export``…),
    ``second`` not a plain ``&&`` chain, or a PowerShell stage.
    """
    for ins in (first, second):
        if ins.keyword != "RUN" or ins.is_exec_form or ins.heredocs or ins.shell is None:
            return None
        if ins.shell.error or not ins.shell.commands:
            return None
    assert first.shell is not None and second.shell is not None
    if flags_key(first) != flags_key(second):
        return None
    if not ends_cleanly(first.shell) or uses_stateful_builtin(first.shell):
        return None
    if not and_chain_only(second.shell) or not stage_shell_is_posix(ctx, first):
        return None
    text = ctx.text
    indent = continuation_indent(ctx, first)
    body = text[second.args_span.start : second.args_span.end]
    edits = []
    between = [text[c.span.start : c.span.end] for c in comments_between(ctx, first, second)]
    if between:
        source = ctx.doc.source
        at = source.line_start(source.line_of(first.span.start))
        lead = line_indent(ctx, first.span.start)
        edits.append(Edit(at, at, "".join(f"{lead}{c}{ctx.newline}" for c in between)))
    edits.append(
        Edit(
            first.args_span.end,
            second.args_span.end,
            f" {ctx.doc.escape}{ctx.newline}{indent}&& {body}",
        )
    )
    return edits


def comments_between(ctx: LintContext, first: Instruction, second: Instruction) -> list[Comment]:
    """The file's comments after ``first``'s arguments and before ``second``.

    Comments are in file order, so a binary search finds them: fixing every pair of
    RUNs in a long file stays linear instead of scanning all comments per pair.
    """
    comments = ctx.doc.comments
    lo = bisect_right(comments, first.args_span.end, key=lambda c: c.span.start)
    hi = bisect_left(comments, second.span.start, key=lambda c: c.span.start)
    return list(comments[lo:hi])


def uses_buildkit(ctx: LintContext) -> bool:
    """The file already relies on BuildKit: a ``# syntax=`` directive, ``RUN --mount``
    or a heredoc. Fixes that add BuildKit syntax are offered only then."""
    key = ("uses_buildkit",)
    if key not in ctx.memo:
        found = ctx.doc.directive("syntax") is not None
        for ins in ctx.doc.instructions:
            target = ins.trigger if ins.trigger is not None else ins
            if found or target.heredocs or any(f.name == "mount" for f in target.flags):
                found = True
                break
        ctx.memo[key] = found
    return ctx.memo[key]  # type: ignore[return-value]


def cache_mount_alternative(
    ctx: LintContext,
    ins: Instruction,
    targets: tuple[str, ...],
    locked: bool = False,
    safe: bool = True,
) -> tuple[Fix, ...]:
    """The alternative to emptying a tool's cache: mount a BuildKit cache on it, so the
    cache never enters the layer and speeds up the next build.

    Offered where the file already uses BuildKit and the RUN runs as root (a cache
    mount belongs to root unless told otherwise, and another user could not write it).
    ``locked``: one build at a time (apt refuses to share its lists). ``safe``: as the
    fix it stands beside. Returns no fix or one, for ``Violation.alternatives``.
    """
    if not targets or not uses_buildkit(ctx) or ctx.home_of(ins) != "/root":
        return ()
    sharing = ",sharing=locked" if locked else ""
    mounts = "".join(f" --mount=type=cache,target={target}{sharing}" for target in targets)
    at = ins.keyword_span.end
    title = f"Mount a BuildKit cache on {', '.join(targets)} instead"
    return (Fix(title, (Edit(at, at, mounts),), safe=safe),)


def delete_instruction(ctx: LintContext, ins: Instruction) -> Edit:
    """Delete the whole lines of ``ins`` and the suppression pragmas directly above it
    (``# layerwise: ignore=…``, ``# hadolint ignore=…``, ``# check=…``), which would
    otherwise apply to the next instruction. Other comments stay: they are the user's."""
    source = ctx.doc.source
    first = ins.span.start
    for comment in reversed(ins.comments):
        pragma = parse_pragma(comment.text)
        if (pragma is None or pragma.scope != "next") and not _CHECK_COMMENT.match(comment.text):
            break
        first = comment.span.start
    start = source.line_start(source.line_of(first))
    last_line = source.line_of(ins.span.end)
    if last_line + 1 < source.line_count:
        end = source.line_start(last_line + 1)
    else:
        # The file's last line, without a line break: take the line break before it
        # instead, so the file still ends as it did.
        end = len(ctx.text)
        if start > 0:
            start = source.line_end(source.line_of(start - 1))
    return Edit(start, end, "")


_CHECK_COMMENT = re.compile(r"^check\s*=", re.IGNORECASE)


def add_syntax_directive(ctx: LintContext) -> Edit:
    """``# syntax=docker/dockerfile:1`` as the first line (after a byte-order mark)."""
    at = 1 if ctx.text.startswith("\ufeff") else 0
    return Edit(at, at, f"# syntax=docker/dockerfile:1{ctx.newline}")


def with_placeholders(edit: Edit, values: tuple[str, ...]) -> Edit:
    """``edit`` with a snippet in which each whole-word occurrence of ``values[i]`` is
    placeholder ``i + 1`` (the same number everywhere, so editors change them together)."""
    if not values:
        return edit
    pattern = re.compile(r"(?<![\w.-])(" + "|".join(re.escape(v) for v in values) + r")(?![\w.-])")
    escaped = re.compile(r"[$}\\]")
    out: list[str] = []
    last = 0
    text = edit.new_text
    for match in pattern.finditer(text):
        out.append(escaped.sub(lambda m: "\\" + m.group(), text[last : match.start()]))
        value = match.group(1)
        out.append(f"${{{values.index(value) + 1}:{value}}}")
        last = match.end()
    out.append(escaped.sub(lambda m: "\\" + m.group(), text[last:]))
    return Edit(edit.start, edit.end, text, "".join(out) if last else None)
