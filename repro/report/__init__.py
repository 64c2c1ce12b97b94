"""Report: HTML (``index.html``), Markdown (``report.md``) and JSON (``results.json``) from verify's results.

The report reads only what verify produced, the specs, the plans, the stored runs and
claims/sources.json. Figures are matplotlib PNGs embedded in the page, so one file is the report,
and it works from a ``file://`` URL with no network (the table's sorting and filtering is a small
inline script).

- :mod:`repro.report.writer`: :func:`render` writes a report folder; :func:`environment`.
- :mod:`repro.report.rows`: what is shown, as plain data (forest rows, table rows, answers in words).
- :mod:`repro.report.figures` and :mod:`repro.report.figure_sets`: the figures and their captions.
- :mod:`repro.report.text`: number formats and Markdown escaping.
- :mod:`repro.report.schema`: results.json's JSON Schema and version; a strict reader.
- :mod:`repro.report.history`: verdicts and effects across reports (``repro report --history``,
  ``repro diff``).
"""

from repro.report.schema import SCHEMA_VERSION, read_results
from repro.report.writer import environment, render

__all__ = ["SCHEMA_VERSION", "environment", "read_results", "render"]
