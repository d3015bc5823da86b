"""The editor's reference data documents exactly what the parser and the rules accept."""

from __future__ import annotations

import re

import pytest

from layerwise.analysis.facts import AUTOMATIC_ARGS
from layerwise.analysis.rules import ALL_RULES
from layerwise.analysis.suppression import is_buildkit_rule
from layerwise.services import reference
from layerwise.syntax.flags import BOOLEAN_FLAGS, INSTRUCTION_FLAGS, MOUNT_KEYS
from layerwise.syntax.parser import KNOWN_DIRECTIVES, KNOWN_INSTRUCTIONS, parse


def test_every_instruction_is_documented_with_forms():
    assert set(reference.INSTRUCTIONS) == set(KNOWN_INSTRUCTIONS)
    for doc in reference.INSTRUCTIONS.values():
        assert doc.summary and doc.description and doc.forms, doc.keyword
        assert doc.url.endswith("#" + doc.keyword.lower())
    assert reference.instruction("copy") is reference.INSTRUCTIONS["COPY"]
    assert reference.instruction("NOPE") is None


@pytest.mark.parametrize("keyword", sorted(INSTRUCTION_FLAGS))
def test_flags_documented_are_the_flags_the_parser_accepts(keyword: str):
    docs = reference.flags_of(keyword)
    assert {d.name for d in docs} == set(INSTRUCTION_FLAGS[keyword])
    for doc in docs:
        assert doc.summary, doc.name
        assert doc.boolean == (doc.name in BOOLEAN_FLAGS.get(keyword, frozenset()))
        # A flag the parser accepts without error, written as the docs show it.
        example = doc.usage.replace("<", "").replace(">", "")
        text = f"FROM alpine\n{keyword} {example} x y\n"
        errors = [e.message for e in parse(text).errors if f"--{doc.name}" in e.message]
        assert not errors, errors


def test_flag_doc_rejects_flags_of_other_instructions():
    assert reference.flag_doc("COPY", "checksum") is None
    assert reference.flag_doc("ADD", "checksum") is not None
    assert reference.flag_doc("run", "network").values[2].value == "host"  # type: ignore[union-attr]
    assert reference.flags_of("USER") == ()


def test_mount_keys_cover_the_parser_table():
    names = {n for d in reference.mount_keys() for n in (d.name, *d.aliases)}
    assert names == set(MOUNT_KEYS)
    assert reference.mount_key("src") is reference.mount_key("source")
    assert {d.name for d in reference.mount_keys("tmpfs")} == {"type", "target", "size"}
    sharing = reference.mount_key("sharing")
    assert sharing is not None and [v.value for v in sharing.values] == [
        "shared",
        "private",
        "locked",
    ]
    for doc in reference.mount_keys():
        allowed = MOUNT_KEYS[doc.name]
        # A key documented for a type the rules would reject on that type is a bug.
        assert allowed is None or set(doc.used_by) <= allowed, doc.name


def test_signature_parameters_are_found_at_their_offsets():
    for keyword in reference.INSTRUCTIONS:
        for sig in reference.signatures(keyword):
            assert sig.label.startswith(keyword + " ")
            assert len(sig.offsets) == len(sig.parameters)
            for param, (start, end) in zip(sig.parameters, sig.offsets, strict=True):
                assert sig.label[start:end] == param.label
    copy = reference.signatures("COPY")[0]
    assert copy.label.endswith("[--link] [--parents] [--exclude=<pattern>] <src>... <dest>")
    assert copy.flag_count == 6
    cmd = reference.signatures("CMD")[0]
    assert cmd.label == 'CMD ["<executable>", "<param>", ...]'


def test_directives_checks_and_predefined_args():
    assert set(reference.DIRECTIVES) == set(KNOWN_DIRECTIVES)
    assert {"skip", "error"} <= set(reference.CHECK_KEYS)
    # Every BuildKit check a layerwise rule stands for is a known check name.
    for rule in ALL_RULES:
        if is_buildkit_rule(rule):
            names = [a for a in rule.aliases if re.match(r"^[A-Z][A-Za-z]*[a-z][A-Za-z]*$", a)]
            assert names and all(n in reference.BUILDKIT_CHECKS for n in names), rule.code
    assert set(reference.PREDEFINED_ARGS) >= AUTOMATIC_ARGS
    for name in ("BUILDKIT_INLINE_CACHE", "SOURCE_DATE_EPOCH", "http_proxy"):
        assert reference.PREDEFINED_ARGS[name].summary
    assert reference.PREDEFINED_ARGS["TARGETARCH"].group == "platform"
