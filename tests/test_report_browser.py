"""The HTML report in a real headless browser (Debian's chromium), driven with the standard library:
the page loads from a file:// URL with no console error, every figure is drawn with a size, sorting
and filtering the summary table change the rows shown, and every internal link has a target.

Chromium runs with ``--dump-dom``: a copy of the page gets a checker script that, once the page has
loaded, measures the figures, clicks the table's controls and writes what it saw into the DOM.
"""

import html as html_lib
import json
import re
import shutil
import subprocess

import pytest

CHROMIUM = next((path for name in ("chromium", "chromium-browser", "google-chrome")
                 if (path := shutil.which(name))), None)
pytestmark = [pytest.mark.slow, pytest.mark.skipif(
    CHROMIUM is None, reason="no chromium on PATH: `apt-get install chromium` (Debian) to run the browser checks")]

# flags that work in a container as root, with no network and no GPU
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--virtual-time-budget=10000"]

CHECKER = r"""
<script>
window.addEventListener("load", function () {
  var out = {errors: []};
  window.addEventListener("error", function (e) { out.errors.push(String(e.message)); });
  function rows() { return Array.prototype.slice.call(document.querySelectorAll("#summary tbody tr")); }
  function shown() {
    return rows().filter(function (r) { return !r.hidden && r.getClientRects().length > 0; })
                 .map(function (r) { return r.getAttribute("data-id"); });
  }
  function effects() {
    return rows().filter(function (r) { return !r.hidden; })
                 .map(function (r) { return r.cells[5].getAttribute("data-sort"); });
  }
  function choose(name, value) {
    var select = document.querySelector('select[data-filter="' + name + '"]');
    select.value = value;
    select.dispatchEvent(new Event("change"));
  }
  try {
    out.figures = Array.prototype.slice.call(document.querySelectorAll("figure")).map(function (f) {
      var img = f.querySelector("img"), box = img.getBoundingClientRect();
      return {id: f.id, natural: [img.naturalWidth, img.naturalHeight], shown: [box.width, box.height],
              complete: img.complete};
    });
    out.unresolved = Array.prototype.slice.call(document.querySelectorAll('a[href^="#"]'))
      .map(function (a) { return a.getAttribute("href").slice(1); })
      .filter(function (id) { return !document.getElementById(decodeURIComponent(id)); });
    out.filtersShown = !document.getElementById("summary-filters").hidden;
    out.initial = shown();
    var effectButton = document.querySelectorAll("#summary thead th")[5].querySelector("button");
    effectButton.click();
    out.ascending = {ids: shown(), effects: effects()};
    effectButton.click();
    out.descending = {ids: shown(), effects: effects()};
    choose("kind", "hypothesis");
    out.hypotheses = shown();
    out.count = document.getElementById("summary-count").textContent;
    choose("kind", "");
    choose("verdict", "error");
    out.errorsOnly = shown();
    choose("verdict", "");
    choose("task", "tydiqa");
    out.tydiqa = shown();
    choose("task", "");
    var search = document.getElementById("summary-search");
    search.value = "PAWSX";
    search.dispatchEvent(new Event("input"));
    out.searched = shown();
    document.getElementById("summary-reset").click();
    out.reset = shown();
  } catch (e) {
    out.errors.push(String(e && e.stack || e));
  }
  var pre = document.createElement("pre");
  pre.id = "checker-output";
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
});
</script>
"""


def _chromium(url: str, profile_dir, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile_dir}", *extra, url],
                          capture_output=True, text=True, timeout=180)


@pytest.fixture(scope="module")
def checked(fake_report, tmp_path_factory):
    fake, paths = fake_report
    folder = tmp_path_factory.mktemp("browser")
    page = paths["html"].read_text()
    assert page.count("</body>") == 1
    copy = folder / "checked.html"
    copy.write_text(page.replace("</body>", CHECKER + "</body>"))
    done = _chromium(copy.as_uri(), folder / "profile-checked", "--dump-dom")
    match = re.search(r'<pre id="checker-output">(.*?)</pre>', done.stdout, re.S)
    assert match, f"the checker wrote nothing; chromium said:\n{done.stderr[-3000:]}"
    return fake, page, json.loads(html_lib.unescape(match.group(1)))


def test_the_report_loads_from_a_file_url_without_console_errors(fake_report, tmp_path):
    _, paths = fake_report
    done = _chromium(paths["html"].as_uri(), tmp_path / "profile", "--enable-logging=stderr", "--v=0", "--dump-dom")
    assert done.returncode == 0, done.stderr[-3000:]
    assert 'id="summary"' in done.stdout
    console = [line for line in done.stderr.splitlines() if "CONSOLE" in line or "Uncaught" in line]
    assert not [line for line in console if "Uncaught" in line or "Error" in line], console
    assert "Failed to load resource" not in done.stderr  # nothing fetched: one file is the report


def test_every_figure_is_drawn_with_a_size(checked):
    _, page, out = checked
    assert not out["errors"], out["errors"]
    assert [f["id"] for f in out["figures"]][0] == "forest"
    assert len(out["figures"]) == page.count("<figure ")
    for figure in out["figures"]:
        assert figure["complete"] and min(figure["natural"]) > 0 and min(figure["shown"]) > 0, figure
        assert figure["natural"][0] <= 1600, figure  # readable on a screen: small multiples wrap, rows grow down


def test_every_internal_link_has_a_target(checked):
    _, _, out = checked
    assert out["unresolved"] == []


def test_sorting_orders_the_rows_by_effect_both_ways_with_blanks_last(checked):
    fake, _, out = checked
    assert out["filtersShown"]
    assert out["initial"] == [r.id for r in fake.results]
    for direction, reverse in (("ascending", False), ("descending", True)):
        values = [float(v) for v in out[direction]["effects"] if v]
        assert values == sorted(values, reverse=reverse)
        blanks = [v for v in out[direction]["effects"] if not v]
        assert out[direction]["effects"][len(values):] == blanks  # the error rows, last either way
    assert out["ascending"]["ids"] != out["initial"] and sorted(out["ascending"]["ids"]) == sorted(out["initial"])


def test_filters_and_search_change_the_rows_shown(checked):
    fake, _, out = checked
    kinds = {r.id: r.kind for r in fake.results}
    assert out["hypotheses"] and set(out["hypotheses"]) == {i for i, k in kinds.items() if k == "hypothesis"}
    assert out["count"] == f"{len(out['hypotheses'])} of {len(fake.results)} rows shown"
    assert out["errorsOnly"] == [r.id for r in fake.results if r.verdict == "error"] != []
    # tydiqa is a target of the XTREME-R question and of the best-per-target claim, of nothing else here
    assert set(out["tydiqa"]) == {"rq-multilingual-vs-english-intermediate-xtreme-r",
                                  "x-stilts-best-per-target-xtreme"}
    # the search reads each row's text, case-insensitively
    assert {"robust-xlt-pawsx", "control-planted-label-noise-pawsx"} <= set(out["searched"])
    assert "rq-multilingual-vs-english-intermediate-xtreme-r" not in out["searched"]
    assert sorted(out["reset"]) == sorted(out["initial"]) and out["reset"] == out["initial"]
