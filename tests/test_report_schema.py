"""results.json's JSON Schema, and a report whose spec texts are hostile: the Markdown stays inert (safe
as a GitHub Actions job summary) and the HTML escapes them."""

import json
import math
import re

import pytest
from report_fakes import HOSTILE, write_fake_report

from helpers import assert_valid_results
from repro.report.schema import SCHEMA_VERSION, load_schema, loads_strict, schema_problems
from repro.verify import VERDICT_HELP

SPEC = "x-stilts-xnli-no-benefit"
LABEL = "<b>tr|eat</b>\n# label"


def _hostile(spec):
    if spec.id != SPEC:
        return spec
    source = spec.source.model_copy(update={"quote": HOSTILE, "location": HOSTILE})
    treatment = spec.treatment.model_copy(update={"label": LABEL})
    return spec.model_copy(update={"source": source, "title": HOSTILE, "notes": HOSTILE, "treatment": treatment})


@pytest.fixture(scope="module")
def hostile_report(tmp_path_factory):
    _, paths = write_fake_report(tmp_path_factory.mktemp("hostile"), [SPEC], transform=_hostile)
    return paths


def test_the_schema_is_a_valid_draft_2020_12_schema_whose_enums_follow_the_code():
    jsonschema = pytest.importorskip("jsonschema")
    schema = load_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["properties"]["schema_version"]["const"] == SCHEMA_VERSION
    # a new verdict in repro.verify must reach the schema (and its documentation)
    assert set(schema["$defs"]["verdict"]["enum"]) == set(VERDICT_HELP)
    assert set(schema["$defs"]["measured_verdict"]["anyOf"][1]["enum"]) < set(VERDICT_HELP)


def test_a_written_report_follows_the_schema_and_breaking_it_is_caught(hostile_report):
    pytest.importorskip("jsonschema")
    data = assert_valid_results(hostile_report["json"])
    assert data["schema_version"] == SCHEMA_VERSION
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", data["generated"])
    assert data["git_commit"] and isinstance(data["git_dirty"], bool)
    broken = json.loads(json.dumps(data))
    del broken["generated"]
    broken["schema_version"] = 2
    broken["claims"][0]["verdict"] = "fine"
    broken["claims"][0]["effect"]["mean"] = "1.0"
    problems = "\n".join(schema_problems(broken))
    for where in ("(top level): 'generated' is a required property", "schema_version: 1 was expected",
                  "claims/0/verdict: 'fine' is not one of", "claims/0/effect"):
        assert where in problems


def test_results_json_is_strict_json():
    assert loads_strict('{"a": null}') == {"a": None}
    for constant in ("NaN", "Infinity", "-Infinity"):
        with pytest.raises(ValueError, match="not JSON"):
            loads_strict(f'{{"a": {constant}}}')


def test_an_undefined_interval_is_written_as_null(tmp_path):
    from repro.io import write_json

    write_json(tmp_path / "r.json", {"ci_low": math.nan, "ci_high": math.inf})
    assert loads_strict((tmp_path / "r.json").read_text()) == {"ci_low": None, "ci_high": None}


def _tables(markdown: str) -> list[list[str]]:
    tables, current = [], []
    for line in markdown.splitlines() + [""]:
        if line.startswith("|"):
            current.append(line)
        elif current:
            tables.append(current)
            current = []
    return tables


def test_markdown_keeps_hostile_spec_text_inert(hostile_report):
    markdown = hostile_report["markdown"].read_text()
    assert "Ends \\| here # Heading \\<script\\>" in markdown  # present, escaped, on one line
    assert not re.search(r"(?<!\\)<", markdown), "a raw '<' could open an HTML tag"
    assert not re.search(r"(?<!\\)`", markdown)
    headings = [line for line in markdown.splitlines() if line.startswith("#")]
    assert headings[0].startswith("# Verification report: ")
    assert all(h.startswith("## ") for h in headings[1:]) and "# label" not in "".join(headings)
    for table in _tables(markdown):
        pipes = {len(re.findall(r"(?<!\\)\|", row)) for row in table}
        assert len(pipes) == 1, table  # no cell was split or merged


def test_markdown_renders_without_html_from_the_spec(hostile_report):
    markdown_it = pytest.importorskip("markdown_it")
    html = markdown_it.MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"]).render(
        hostile_report["markdown"].read_text())
    for tag in ("<script", "<img", "<a ", "<b>", "<code", "<!--"):
        assert tag not in html, tag
    assert html.count("<h1>") == 1


def test_html_escapes_hostile_spec_text(hostile_report):
    html = hostile_report["html"].read_text()
    assert "&lt;script&gt;alert(" in html and "<script>alert(" not in html
    assert html.count("<script>") == 1  # the page's own table script
    assert "&lt;b&gt;tr|eat&lt;/b&gt;" in html
