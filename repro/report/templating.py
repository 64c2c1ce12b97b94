"""The package's Jinja2 templates with the report's filters (``fmt``, ``interval``, ``md``)."""

from __future__ import annotations

import jinja2

from repro.report.text import fmt, interval, md


def templates(autoescape: bool) -> jinja2.Environment:
    """HTML templates autoescape; Markdown ones escape through the ``md`` filter instead."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("repro", "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"], default_for_string=True) if autoescape else False,
        undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
    )
    env.filters.update(fmt=fmt, interval=interval, md=md)
    return env
