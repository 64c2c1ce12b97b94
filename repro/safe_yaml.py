"""YAML from spec files, read as untrusted input: safe tags only, and bounded in size.

A leaf module: it imports nothing of ``repro``.

``yaml.safe_load`` already refuses tags that build Python objects (``!!python/object``). It does
not bound the size of what it builds: an alias bomb (anchors whose aliases repeat each other,
"billion laughs") loads as a small graph of shared references, but anything that walks it (the
schema's validation, a JSON dump) visits every repetition; and a deeply nested document makes the
composer recurse until Python's stack runs out. :func:`load_bounded` checks the event stream
(which the parser produces without recursion and without expanding aliases) before it builds
anything, then counts the nodes of the result with aliases expanded, stopping at the limit.

The limits are far above what the project's spec files use (the largest: 27 KB, 107 aliases,
nesting 8 deep, 5,100 nodes expanded).
"""

from __future__ import annotations

from typing import Any

import yaml

MAX_BYTES = 1 << 20  # 1 MiB of YAML text
MAX_ALIASES = 1_000
MAX_DEPTH = 32  # nested mappings and lists
MAX_NODES = 100_000  # scalars, mappings and lists after expanding every alias


class YamlLimitError(ValueError):
    """A YAML document over one of the size limits; the message names the limit."""


def load_bounded(text: str) -> Any:
    """Parse ``text`` with the safe loader after checking its size, aliases, nesting and expanded
    node count. Raises YamlLimitError over a limit, ``yaml.YAMLError`` for invalid YAML."""
    size = len(text.encode("utf-8"))
    if size > MAX_BYTES:
        raise YamlLimitError(f"{size:,} bytes; a spec file may have at most {MAX_BYTES:,}")
    aliases = depth = 0
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.AliasEvent):
            aliases += 1
            if aliases > MAX_ALIASES:
                raise YamlLimitError(f"more than {MAX_ALIASES:,} aliases (*name); an alias bomb?")
        elif isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                line = event.start_mark.line + 1 if event.start_mark else "?"
                raise YamlLimitError(f"nested more than {MAX_DEPTH} levels deep (line {line})")
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
    data = yaml.safe_load(text)
    expanded_nodes(data, MAX_NODES)
    return data


def expanded_nodes(data: Any, limit: int) -> int:
    """How many nodes ``data`` has with shared references counted each time they occur; raises
    YamlLimitError as soon as the count passes ``limit`` (so an alias bomb is never walked whole)."""
    count, stack = 0, [data]
    while stack:
        node = stack.pop()
        count += 1
        if count > limit:
            raise YamlLimitError(f"more than {limit:,} values once aliases are expanded; an alias bomb?")
        if isinstance(node, dict):
            stack.extend(node.keys())
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return count


def short_repr(value: Any, limit: int = 80) -> str:
    """``repr(value)`` cut to ``limit`` characters, for error messages: a hostile spec may hold a
    megabyte in one field, or an integer too long for ``str()``."""
    try:
        text = repr(value)
    except ValueError:  # an int over Python's limit on digits converted to text
        return f"an integer of about {value.bit_length() * 0.30103:,.0f} digits"
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text):,} characters)"
