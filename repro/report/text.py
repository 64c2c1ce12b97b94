"""Numbers and spec-derived text as the report prints them: fixed precision, and Markdown that is safe
to paste into a GitHub Actions job summary (no raw HTML, no stray table cells or headings)."""

from __future__ import annotations

import math
import re

# CommonMark lets a backslash escape any ASCII punctuation; these are the ones that start markup
# inline (emphasis, code, links, images, raw HTML, autolinks, strikethrough) or split a GFM table cell.
_INLINE = re.compile(r"([\\`*_\[\]<>|~!&])")
# characters that start a block only at the beginning of a line: headings, quotes, lists, rules
_LINE_START = re.compile(r"^(\s*)([#>+\-=])")
_ORDERED = re.compile(r"^(\s*\d+)([.)])")


def fmt(value, digits: int = 2, sign: bool = False) -> str:
    """A number at ``digits`` decimals (``sign``: always with its sign); "–" for a missing or NaN value."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    return f"{value:+.{digits}f}" if sign else f"{value:.{digits}f}"


def signed(value, digits: int = 1) -> str:
    """A signed number for prose, with a real minus sign: ``+0.4``, ``−1.2``."""
    return fmt(value, digits, sign=True).replace("-", "\u2212")


def interval(effect: dict | None, digits: int = 2) -> str:
    """``+1.23 [−0.40, +2.86]`` for an effect dict (mean, ci_low, ci_high); "–" without one."""
    if not effect or effect.get("mean") is None:
        return "–"
    mean = fmt(effect["mean"], digits, sign=True)
    low, high = effect.get("ci_low"), effect.get("ci_high")
    if low is None or high is None or not (math.isfinite(low) and math.isfinite(high)):
        return f"{mean} (one seed: no interval)"
    return f"{mean} [{fmt(low, digits, sign=True)}, {fmt(high, digits, sign=True)}]"


def md(value, inline: bool = False) -> str:
    """``value`` as one line of inert Markdown text: newlines become spaces, markup characters are
    backslash-escaped (``<`` included, so no HTML tag survives), and a leading ``#``, ``>``, list
    marker or ``=`` cannot start a block. Safe inside a table cell (``|`` is escaped too).

    ``inline``: the text never starts a line (mid-line, or a table cell, whose content is parsed as
    inline text only), so its start needs no escaping (``0.1.0`` stays as it is).
    """
    if value is None:
        return ""
    text = " ".join(str(value).split())  # every newline, tab and run of spaces: one space
    text = _INLINE.sub(r"\\\1", text)
    if inline:
        return text
    text = _LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), text)
    return _ORDERED.sub(lambda m: m.group(1) + "\\" + m.group(2), text)
