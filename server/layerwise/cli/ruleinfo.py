"""``layerwise rules`` (the list) and ``layerwise rule CODE`` (a rule's document)."""

from __future__ import annotations

import argparse
import json
import sys

from ..analysis import ALL_RULES, Rule
from ..analysis.ruledocs import read_doc
from .discovery import UsageError


def rule_record(rule: Rule) -> dict[str, object]:
    return {
        "code": rule.code,
        "name": rule.name,
        "summary": rule.summary,
        "severity": rule.severity.value,
        "category": rule.category,
        "aliases": list(rule.aliases),
        "default_enabled": rule.default_enabled,
        "fixable": rule.fixable,
        "fix": rule.fix_kind,
        "url": rule.url,
    }


def list_rules(args: argparse.Namespace) -> int:
    if args.format == "json":
        json.dump([rule_record(rule) for rule in ALL_RULES], sys.stdout, indent=2)
        sys.stdout.write("\n")
        return 0
    width = max(len(rule.name) for rule in ALL_RULES)
    print(f"{'CODE':<6}{'SEVERITY':<9}{'DEFAULT':<8}{'FIX':<17}{'NAME':<{width + 1}}SUMMARY")
    for rule in ALL_RULES:
        default = "on" if rule.default_enabled else "off"
        aliases = f"  ({', '.join(rule.aliases)})" if rule.aliases else ""
        print(
            f"{rule.code:<6}{rule.severity.value:<9}{default:<8}{rule.fix_kind:<17}"
            f"{rule.name:<{width + 1}}{rule.summary}{aliases}"
        )
    return 0


def rules_named(word: str) -> list[Rule]:
    """The rules ``word`` names exactly: code, name or a hadolint/BuildKit alias (an alias
    some rules share names them all)."""
    key = word.strip()
    return [
        rule
        for rule in ALL_RULES
        if key.upper() == rule.code
        or key.lower() == rule.name
        or any(key.upper() == alias.upper() for alias in rule.aliases)
    ]


def show_rule(args: argparse.Namespace) -> int:
    if args.all == bool(args.rule):
        raise UsageError("give a rule (code, name or alias) or --all")
    if args.all:
        chosen = list(ALL_RULES)
    else:
        chosen = rules_named(args.rule)
        if not chosen:
            raise UsageError(f"unknown rule '{args.rule}' (see 'layerwise rules')")
    texts = []
    for rule in chosen:
        text = read_doc(rule.code)
        if text is None:
            raise UsageError(f"the document of {rule.code} is missing from this installation")
        texts.append(text)
    sys.stdout.write("\n".join(texts))
    return 0


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    rules = sub.add_parser(
        "rules", help="list the rules: severity, on/off by default, fix safety, name"
    )
    rules.add_argument("--format", choices=("text", "json"), default="text")
    rules.set_defaults(func=list_rules)

    rule = sub.add_parser("rule", help="print a rule's document")
    rule.add_argument(
        "rule", nargs="?", metavar="RULE", help="code, name or hadolint/BuildKit alias"
    )
    rule.add_argument("--all", action="store_true", help="print every rule's document")
    rule.set_defaults(func=show_rule)
