"""Signature help: the syntax forms of the instruction being typed, and which part the
cursor is on (a flag, or the n-th argument; in a JSON array, the n-th element).

The signatures come from :func:`reference.signatures` (one per syntax form: shell,
exec, heredoc...); the active one is the form the instruction is written in.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..syntax.model import Dockerfile, Instruction
from . import reference

#: Characters after which a client should ask for signature help.
TRIGGER_CHARACTERS = (" ", "=", ",", "[")
#: Characters after which an open signature help is refreshed.
RETRIGGER_CHARACTERS = ('"', "-")


@dataclass(frozen=True, slots=True)
class SignatureHelp:
    signatures: tuple[reference.Signature, ...]
    active_signature: int
    #: Index into the active signature's parameters; ``None``: none of them.
    active_parameter: int | None


def signature_help(doc: Dockerfile, offset: int) -> SignatureHelp | None:
    """Signature help for the instruction at ``offset`` (code points), if any."""
    ins = doc.instruction_at(offset)
    if ins is None or _in_comment(doc, offset):
        return None
    if ins.trigger is not None and offset > ins.trigger.keyword_span.end:
        ins = ins.trigger
    if offset <= ins.keyword_span.end:
        return None
    if ins.heredocs and offset >= ins.heredocs[0].body.start:
        return None  # in a heredoc body: text, not arguments
    signatures = reference.signatures(ins.keyword)
    if not signatures:
        return None
    kind = _form_kind(ins)
    active = next((i for i, s in enumerate(signatures) if s.form.kind == kind), 0)
    signature = signatures[active]
    return SignatureHelp(signatures, active, _active_parameter(ins, signature, offset))


def _in_comment(doc: Dockerfile, offset: int) -> bool:
    comment = doc.comment_at(offset)
    return comment is not None and comment.span.start < offset


def _after_cmd(ins: Instruction) -> str:
    """HEALTHCHECK's arguments after ``CMD``."""
    head, _, rest = ins.args.partition(" ")
    return rest.lstrip() if head.upper() == "CMD" else ""


def _form_kind(ins: Instruction) -> str:
    args = ins.args.lstrip()
    if ins.keyword == "HEALTHCHECK":
        if args.upper().startswith("NONE"):
            return "none"
        return "exec" if _after_cmd(ins).startswith("[") else "shell"
    if ins.is_exec_form or args.startswith("["):
        return "exec"
    if ins.heredocs or any(w.raw.startswith("<<") for w in ins.words):
        return "heredoc"
    if ins.keyword == "ENV" and ins.pairs and ins.pairs[0].legacy:
        return "legacy"
    if ins.keyword in ("RUN", "CMD", "ENTRYPOINT"):
        return "shell"
    return ""


def _active_parameter(ins: Instruction, signature: reference.Signature, offset: int) -> int | None:
    flags = reference.flags_of(ins.keyword)
    for flag in ins.flags:
        if flag.span.start <= offset <= flag.span.end:
            for index, doc in enumerate(flags):
                if doc.name == flag.name:
                    return index
            for index, doc in enumerate(flags):
                if doc.name.startswith(flag.name):
                    return index
            return None
    params = signature.form.params
    base = signature.flag_count
    if not params:
        return None
    if signature.form.json:
        return base + _json_parameter(ins, signature, offset)
    if signature.form.kind == "shell" and ins.keyword != "HEALTHCHECK":
        return base
    return base + min(_word_parameter(ins, signature, offset), len(params) - 1)


def _word_parameter(ins: Instruction, signature: reference.Signature, offset: int) -> int:
    words = ins.words
    if ins.keyword == "HEALTHCHECK":
        # HEALTHCHECK has no words in the model: CMD, then the command.
        start = ins.args_span.start
        return 0 if offset <= start + 3 else 1
    index = sum(1 for w in words if w.span.end < offset)
    inside = any(w.span.start <= offset <= w.span.end for w in words)
    params = signature.form.params
    count = len(params)
    if params[-1].label == "<dest>":
        # COPY/ADD: sources, then the destination as the last word.
        if index == 0:
            return 0
        if inside:
            return count - 1 if index >= len(words) - 1 else 0
        return 0 if any(w.span.start > offset for w in words) else count - 1
    return min(index, count - 1)


def _logical_index(ins: Instruction, offset: int) -> int:
    """The index in ``ins.args`` of the first character at or after ``offset``."""
    lo, hi = 0, len(ins.args)
    while lo < hi:
        mid = (lo + hi) // 2
        if ins.args_to_span(mid, mid + 1).start < offset:
            lo = mid + 1
        else:
            hi = mid
    return lo


def _json_parameter(ins: Instruction, signature: reference.Signature, offset: int) -> int:
    params = signature.form.params
    lead = [p for p in params if not p.label.startswith('"')]
    args = ins.args
    cut = _logical_index(ins, offset)
    bracket = args.find("[")
    if lead and (bracket < 0 or cut <= bracket):
        return 0  # on HEALTHCHECK's CMD
    element, total = _elements(args, bracket, cut)
    array = len(params) - len(lead)
    if array == 1:
        return len(lead)
    if params[-1].label == '"<dest>"':
        # COPY/ADD ["src", ..., "dest"]: the last element is the destination.
        return len(lead) + (1 if element >= 1 and element >= total - 1 else 0)
    return len(lead) + min(element, array - 1)


def _elements(args: str, bracket: int, cut: int) -> tuple[int, int]:
    """(index of the array element at ``cut``, number of elements written)."""
    element = 0
    total = 0
    quoted = False
    escaped = False
    seen_value = False
    for i in range(bracket + 1, len(args)):
        c = args[i]
        if escaped:
            escaped = False
            continue
        if quoted:
            if c == "\\":
                escaped = True
            elif c == '"':
                quoted = False
            continue
        if c == '"':
            quoted = True
            seen_value = True
        elif c == ",":
            total += 1
            if i < cut:
                element += 1
        elif c == "]":
            break
    return element, total + (1 if seen_value else 0)
