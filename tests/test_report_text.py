"""Numbers as the report prints them, and Markdown that a hostile spec text cannot break out of."""

import re

import pytest
from report_fakes import HOSTILE

from repro.report.text import fmt, interval, md, signed


def test_numbers_at_fixed_precision_with_a_dash_for_missing():
    assert fmt(1.23456) == "1.23"
    assert fmt(1.2, 1, sign=True) == "+1.2"
    assert fmt(float("nan")) == fmt(None) == fmt(float("inf")) == "–"
    assert signed(-1.25, 1) == "\u22121.2"  # round half to even on the float 1.25, then a real minus sign
    assert signed(0.4) == "+0.4"


def test_interval_reads_mean_and_bounds_and_says_when_there_is_none():
    assert interval({"mean": 0.5, "ci_low": -1.0, "ci_high": 2.0}) == "+0.50 [-1.00, +2.00]"
    assert interval({"mean": 0.5, "ci_low": None, "ci_high": None}, 1) == "+0.5 (one seed: no interval)"
    assert interval(None) == interval({}) == "–"


@pytest.mark.parametrize(("text", "expected"), [
    # CommonMark: a backslash before ASCII punctuation makes it literal
    ("a | b", r"a \| b"),
    ("<b>x</b>", r"\<b\>x\</b\>"),
    ("`x`", r"\`x\`"),
    ("[a](b)", r"\[a\](b)"),
    ("![i](u)", r"\!\[i\](u)"),
    ("*a* _b_ ~~c~~", r"\*a\* \_b\_ \~\~c\~\~"),
    ("&amp;", r"\&amp;"),
    ("a\\b", r"a\\b"),
    # block starts only matter at the start of the text: newlines are gone
    ("# h", r"\# h"),
    ("- item", r"\- item"),
    ("+ item", r"\+ item"),
    ("12. item", r"12\. item"),
    ("3) item", r"3\) item"),
    ("a # b - c 1. d", "a # b - c 1. d"),
    ("line one\nline two\r\n\tthree", "line one line two three"),
    (None, ""),
])
def test_md_escapes_what_would_become_markup(text, expected):
    assert md(text) == expected


def test_md_output_is_one_line_without_raw_html_or_unescaped_markup():
    out = md(HOSTILE)
    assert "\n" not in out
    assert not re.search(r"(?<!\\)[<>|`\[\]*_~!&]", out)


def test_hostile_text_renders_as_text_in_one_table_cell():
    markdown_it = pytest.importorskip("markdown_it")
    parser = markdown_it.MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    html = parser.render(f"| quote | n |\n|---|---|\n| {md(HOSTILE)} | 1 |\n")
    body = html.split("<tbody>")[1]
    assert body.count("<td>") == 2  # the pipe in the quote did not split the cell
    for tag in ("<script", "<h1", "<img", "<a ", "<code", "<em", "<strong", "<s>", "<del", "<ol", "<ul", "<blockquote",
                "<!--"):
        assert tag not in html, tag
    assert "&lt;script&gt;" in body and "Ends | here # Heading" in body


def test_inline_md_leaves_the_start_alone_but_still_escapes_markup():
    assert md("0.1.0 <x>", inline=True) == r"0.1.0 \<x\>"
    assert md("0.1.0") == r"0\.1.0"
