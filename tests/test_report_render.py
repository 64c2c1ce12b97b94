"""A whole report from made-up run results: the forest plot on top, the summary table with its filters
and permalinks, every spec's figures with captions naming the profile, the research questions' map,
and results.json. (The browser checks are in test_report_browser.py.)"""

import json
import re
from html.parser import HTMLParser

import pytest
from report_fakes import write_fake_report

from helpers import assert_valid_results

pytestmark = pytest.mark.slow  # plots a dozen figures: seconds to a minute on a busy machine


class Page(HTMLParser):
    """The parts of the page the tests read: figures (id, alt, caption), ids, internal links, summary rows."""

    def __init__(self, html: str):
        super().__init__()
        self.figures, self.ids, self.links, self.rows = [], set(), [], []
        self._figure = None
        self._in_caption = False
        self._in_summary = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "a" and attrs.get("href", "").startswith("#"):
            self.links.append(attrs["href"][1:])
        if tag == "figure":
            self._figure = {"id": attrs.get("id"), "alt": None, "caption": "", "src": ""}
            self.figures.append(self._figure)
        elif tag == "img" and self._figure is not None:
            self._figure.update(alt=attrs.get("alt"), src=attrs.get("src", ""))
        elif tag == "figcaption":
            self._in_caption = True
        elif tag == "table" and attrs.get("id") == "summary":
            self._in_summary = True
        elif tag == "tr" and self._in_summary and "data-id" in attrs:
            self.rows.append(attrs)

    def handle_endtag(self, tag):
        if tag == "figcaption":
            self._in_caption = False
        elif tag == "figure":
            self._figure = None
        elif tag == "table":
            self._in_summary = False

    def handle_data(self, data):
        if self._in_caption and self._figure is not None:
            self._figure["caption"] += data


@pytest.fixture(scope="module")
def page(fake_report):
    _, paths = fake_report
    html = paths["html"].read_text()
    return html, Page(html)


def test_the_forest_plot_comes_first_with_alt_text_and_a_caption_naming_the_profile(page):
    html, parsed = page
    first = parsed.figures[0]
    assert first["id"] == "forest" and first["src"].startswith("data:image/png;base64,")
    assert "micro profile" in first["alt"] and "Forest plot" in first["alt"]
    assert "micro profile (a scale analog" in first["caption"] and "measured verdict (not comparable)" in \
        first["caption"]
    assert html.index('id="forest"') < html.index('id="summary"')
    # the controls have their own forest plot, in their section
    assert html.index('id="controls"') < html.index('id="forest-controls"')


def test_every_figure_has_alt_text_and_a_caption_with_the_profile(page):
    _, parsed = page
    assert len(parsed.figures) >= 10
    for figure in parsed.figures:
        assert figure["alt"] and figure["src"].startswith("data:image/png;base64,")
        assert "micro profile" in figure["caption"], figure["id"]
    ids = {f["id"] for f in parsed.figures}
    # generalized readings: pair heatmaps; the attack readings: clean vs attacked; the questions: groups
    assert {"fig-robust-xlt-pawsx-generalized-rs-da-pairs", "fig-robust-xlt-pawsx-zero-shot-rs-da-targets",
            "fig-rq-adversarial-robustness-multilingual-intermediate-xnli-copa-character-noise-attack",
            "fig-rq-adversarial-robustness-multilingual-intermediate-xnli-copa-code-switching-attack",
            "fig-rq-multilingual-vs-english-intermediate-xtreme-r-groups",
            "fig-x-stilts-best-per-target-xtreme-as-written-targets"} <= ids
    groups = next(f for f in parsed.figures if f["id"].endswith("-groups"))
    assert "family, script and resource class" in groups["caption"]


def test_summary_rows_carry_filters_and_every_spec_has_a_permalink(page, fake_report):
    html, parsed = page
    fake, _ = fake_report
    assert [row["data-id"] for row in parsed.rows] == [r.id for r in fake.results]
    kinds = {row["data-id"]: row["data-kind"] for row in parsed.rows}
    assert kinds["control-planted-label-noise-pawsx"] == "control"
    assert kinds["x-stilts-best-per-target-xtreme"] == "claim"
    papers = {row["data-id"]: row["data-paper"] for row in parsed.rows}
    assert papers["robust-xlt-pawsx"] == "2104.08645" and papers[
        "rq-multilingual-vs-english-intermediate-xtreme-r"] == "research-questions"
    tasks = {row["data-id"]: row["data-task"].split("|") for row in parsed.rows}
    assert {"xnli", "copa", "tydiqa"} <= set(tasks["rq-multilingual-vs-english-intermediate-xtreme-r"])
    for result in fake.results:
        assert f"claim-{result.id}" in parsed.ids
        assert re.search(rf'href="#claim-{re.escape(result.id)}"[^>]*>¶</a>', html), result.id
    assert set(parsed.links) <= parsed.ids, set(parsed.links) - parsed.ids


def test_questions_map_answers_each_question_in_words(page):
    html, _ = page
    section = html[html.index('id="questions-map"'):]
    assert "rq-multilingual-vs-english-intermediate-xtreme-r" in section
    assert "On the micro profile (a scale analog), multilingual MNLI -&gt; target" in section
    assert "character-noise attack" in section


def test_failed_runs_show_as_errors_with_their_message_escaped(page, fake_report):
    html, _ = page
    fake, _ = fake_report
    failed = next(r for r in fake.results if r.id == "robust-xlt-xnli-generalized-improves")
    assert failed.verdict == "error"
    assert "made up &lt;failure&gt; | here" in html


def test_results_json_follows_the_schema_and_has_time_and_commit(fake_report):
    fake, paths = fake_report
    data = assert_valid_results(paths["json"])
    assert [c["id"] for c in data["claims"]] == [r.id for r in fake.results]
    assert data["generated"].endswith("Z") and data["git_commit"]
    assert all("host" not in run for run in data["runs"].values())


def test_on_a_comparable_profile_the_forest_plot_is_coloured_by_the_verdict(tmp_path):
    fake, paths = write_fake_report(tmp_path, ["x-stilts-xnli-no-benefit"], comparable=True)
    html = paths["html"].read_text()
    forest = Page(html).figures[0]
    assert forest["id"] == "forest" and "Colour: the verdict." in forest["caption"]
    assert "Scale analog" not in html and "(a scale analog" not in forest["caption"]
    data = json.loads(paths["json"].read_text())
    assert data["comparable"] is True and data["claims"][0]["verdict"] == fake.results[0].verdict != "not comparable"


def test_a_second_report_in_the_folder_says_what_changed_and_keeps_the_first(tmp_path):
    specs = ["robust-xlt-pawsx-adversarial", "robust-xlt-pawsx-random-perturbation"]
    _, first = write_fake_report(tmp_path, specs[:1])
    assert "What changed since the previous report" not in first["html"].read_text()
    # the next night: the first spec's runs fail (a verdict flip to error), a second spec is added
    _, second = write_fake_report(tmp_path, specs, failing=frozenset({specs[0]}))
    html, markdown = second["html"].read_text(), second["markdown"].read_text()
    assert "What changed since the previous report" in html and "What changed since the previous report" in markdown
    assert "1 verdict flip(s)" in html and "1 added" in html
    assert re.search(r'<a href="#claim-robust-xlt-pawsx-adversarial">robust-xlt-pawsx-adversarial</a></td>'
                     r"<td>verdict flip</td>", html)
    assert "| robust-xlt-pawsx-random-perturbation | added |" in markdown
    archived = list((tmp_path / "history").glob("results-*.json"))
    assert len(archived) == 1 and json.loads(archived[0].read_text())["claims"][0]["id"] == specs[0]
