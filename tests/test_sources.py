"""repro.provenance: arXiv records, merge rules, relevance, seed references, full-text grounding.

No network: the arXiv client is a fake object exposing ``.results(search)``.
"""

from __future__ import annotations

import argparse
import json
from datetime import datetime, timezone
from pathlib import Path
from types import SimpleNamespace

import arxiv
import pytest

from repro import provenance as S

SHARED = Path(__file__).resolve().parents[2] / "shared"
SEEDS = SHARED / "seeds"

ROBUST_ABSTRACT = (
    "Pre-trained multilingual language encoders, such as multilingual BERT and XLM-R, show great "
    "potential for zero-shot cross-lingual transfer. [...] robust training improves zero-shot "
    "cross-lingual transfer on text classification tasks."
)


class FakeClient:
    """Stands in for arxiv.Client: answers id_list searches from a dict of Result-like objects."""

    def __init__(self, results=(), error: Exception | None = None):
        self.by_id = {S.normalize_arxiv_id(r.get_short_id()): r for r in results}
        self.error = error
        self.searches: list[list[str]] = []

    def results(self, search):
        assert isinstance(search, arxiv.Search)
        self.searches.append(list(search.id_list))
        if self.error is not None:
            raise self.error
        return iter([self.by_id[i] for i in search.id_list if i in self.by_id])


def real_result(short_id="2104.08645v2",
                title="Improving Zero-Shot Cross-Lingual\n  Transfer Learning via Robust Training",
                summary=ROBUST_ABSTRACT, pdf_href=None):
    links = [arxiv.Result.Link(f"http://arxiv.org/abs/{short_id}", rel="alternate")]
    if pdf_href:
        links.append(arxiv.Result.Link(pdf_href, title="pdf", rel="related"))
    return arxiv.Result(
        entry_id=f"http://arxiv.org/abs/{short_id}",
        published=datetime(2021, 4, 17, 1, 2, 3, tzinfo=timezone.utc),
        updated=datetime(2021, 9, 13, 4, 5, 6, tzinfo=timezone.utc),
        title=title,
        authors=[arxiv.Result.Author(n)
                 for n in ("Kuan-Hao Huang", "Wasi Uddin Ahmad", "Nanyun Peng", "Kai-Wei Chang")],
        summary=summary,
        primary_category="cs.CL",
        categories=["cs.CL"],
        links=links,
    )


def duck_result(short_id, title, summary):
    """Not an arxiv.Result at all: only the attributes the converter reads."""
    return SimpleNamespace(
        entry_id=f"http://arxiv.org/abs/{short_id}", get_short_id=lambda: short_id,
        published=datetime(2018, 8, 1), updated=datetime(2018, 8, 1), title=title,
        authors=[SimpleNamespace(name="A. Author")], summary=summary, comment=None, journal_ref=None,
        doi=None, primary_category="cs.CL", categories=["cs.CL"], pdf_url=None,
    )


def seeded(arxiv_id="2104.08645", **meta):
    base = {
        "title": "Improving Zero-Shot Cross-Lingual Transfer Learning via Robust Training",
        "authors": ["Kuan-Hao Huang"], "published": "2021-04-17", "updated": None,
        "versions": ["v1: 2021-04-17", "v2: exists (somewhere); possibly 2021-09-13"],
        "abstract": ROBUST_ABSTRACT, "abstract_v1": "[Probably v1, unconfirmed] An older abstract.",
        "sources": ["https://example.org/page (abstract)"], "confidence": "high", "notes": "a note",
    }
    base.update(meta)
    return S.record_from_metadata(arxiv_id, base, file="meta.json")


# --- ids, conversion ----------------------------------------------------------------------------


def test_parse_arxiv_id_forms():
    assert S.parse_arxiv_id("http://arxiv.org/abs/2104.08645v2") == ("2104.08645", "v2")
    assert S.parse_arxiv_id("<http://arxiv.org/abs/1909.07342v1>") == ("1909.07342", "v1")
    assert S.parse_arxiv_id("arXiv:2005.13013") == ("2005.13013", None)
    assert S.parse_arxiv_id("https://arxiv.org/pdf/2003.11080v5.pdf") == ("2003.11080", "v5")
    assert S.parse_arxiv_id("hep-th/9711200v1") == ("hep-th/9711200", "v1")
    with pytest.raises(ValueError):
        S.parse_arxiv_id("2104.864")


def test_fake_client_round_trip(tmp_path):
    path = tmp_path / "sources.json"
    style = duck_result("1808.00179v1", "Monolingual and Cross-lingual Zero-shot Style Transfer",
                        "We introduce the task of zero-shot style transfer between different languages.")
    client = FakeClient([real_result(), style])
    got = S.fetch_sources(["arXiv:2104.08645v2", "1808.00179", "2104.08645"], client=client, path=path,
                          fetched="2030-01-02")
    assert client.searches == [["2104.08645", "1808.00179"]]  # versionless, deduplicated
    rec = got["2104.08645"]
    assert rec.title == "Improving Zero-Shot Cross-Lingual Transfer Learning via Robust Training"
    assert rec.latest_version == "v2" and rec.published == "2021-04-17" and rec.updated == "2021-09-13"
    assert [(v.version, v.date) for v in rec.versions] == [("v1", "2021-04-17"), ("v2", "2021-09-13")]
    assert rec.authors[0] == "Kuan-Hao Huang" and rec.primary_category == "cs.CL"
    assert rec.origin.kind == "arxiv-api" and rec.origin.fetched == "2030-01-02"
    assert rec.relevance.verdict == "on-topic"
    assert got["1808.00179"].relevance.verdict == "off-topic"

    loaded = S.load_sources(path)
    assert loaded["2104.08645"].to_dict() == rec.to_dict()
    # stable: writing the same records again gives the same bytes
    before = path.read_bytes()
    S.write_sources(loaded, path)
    assert path.read_bytes() == before
    assert json.loads(before)["records"].keys() == {"1808.00179", "2104.08645"}
    assert (tmp_path / "sources.json.lock").exists()   # repro.io.lock_for: the lock lies beside its file


def test_seeded_record_keeps_origin_and_hedges():
    rec = seeded()
    assert rec.origin.kind == "seed-metadata"
    assert rec.origin.sources == ["https://example.org/page (abstract)"]
    assert (rec.origin.confidence, rec.origin.notes, rec.origin.file) == ("high", "a note", "meta.json")
    assert rec.latest_version == "v2"
    v2 = rec.versions[1]
    assert v2.date is None and "possibly 2021-09-13" in v2.note   # a hedged date is not taken as a date
    assert rec.earlier_abstracts[0].text == "An older abstract."
    assert rec.earlier_abstracts[0].note == "Probably v1, unconfirmed"
    hedged = seeded(updated="2021-09-13 (unconfirmed)")
    assert hedged.updated is None and hedged.field_notes["updated"] == "2021-09-13 (unconfirmed)"


# --- merge rules ----------------------------------------------------------------------------------


def test_api_replaces_seeded_and_not_the_reverse(tmp_path):
    path = tmp_path / "sources.json"
    S.write_sources([seeded(abstract="A seeded abstract that differs from the API's.")], path)
    assert S.load_sources(path)["2104.08645"].origin.kind == "seed-metadata"

    S.fetch_sources(["2104.08645"], client=FakeClient([real_result()]), path=path, fetched="2030-01-02")
    rec = S.load_sources(path)["2104.08645"]
    assert rec.origin.kind == "arxiv-api"
    assert rec.abstract == ROBUST_ABSTRACT
    carried = {e.text: e for e in rec.earlier_abstracts}
    assert carried["An older abstract."].source == "seed-metadata (carried over)"
    assert "A seeded abstract that differs from the API's." in carried

    decisions = S.write_sources([seeded()], path)
    assert decisions["2104.08645"].startswith("kept arxiv-api")
    assert S.load_sources(path)["2104.08645"].origin.kind == "arxiv-api"


def test_merge_same_kind_replaces():
    merged, decisions = S.merge_records({"2104.08645": seeded(notes="old")}, [seeded(notes="new")])
    assert merged["2104.08645"].origin.notes == "new"
    assert decisions["2104.08645"] == "replaced seed-metadata record"


# --- relevance ------------------------------------------------------------------------------------


def test_relevance_keyword_rule_and_overrides():
    on = S.judge_relevance("9999.00001", "A Study of Zero-Shot Cross-Lingual Transfer", None)
    assert (on.verdict, on.basis) == ("on-topic", "keyword rule")
    off = S.judge_relevance("9999.00002", "Automated Semantic Search Datasets", "German chemistry texts.")
    assert off.verdict == "off-topic" and "none of" in off.reason
    unknown = S.judge_relevance("1909.07342", None, None)
    assert unknown.verdict == "unverified" and "No title" in unknown.reason
    style = S.judge_relevance("1808.00179", "Monolingual and Cross-lingual Zero-shot Style Transfer", "style transfer")
    assert (style.verdict, style.basis) == ("off-topic", "reviewed override") and "style" in style.reason
    # an override does not apply to a different title: the rule decides and the reason says so
    other = S.judge_relevance("1808.00179", "Zero-Shot Cross-Lingual Transfer of Something Else", None)
    assert other.verdict == "on-topic" and other.basis == "keyword rule" and "review it" in other.reason


def write_reviewed(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_reviewed_verdicts_file_errors_name_file_id_and_field(tmp_path):
    bad = write_reviewed(tmp_path / "relevance.yaml", (
        '"2104.08645":\n  title: Improving\n  verdict: maybe\n  reason: Read it.\n  reviewer: me\n'
        '"1808.00179":\n  title: Monolingual\n  reason: Read it.\n'
        '"2005.13013v2":\n  title: English\n  verdict: on-topic\n  reason: Read it.\n'
        'not-an-id:\n  title: X\n  verdict: on-topic\n  reason: Read it.\n'
        '"2003.11080": just text\n'))
    with pytest.raises(S.RelevanceFileError) as info:
        S.load_reviewed_verdicts(bad)
    problems = info.value.problems
    # every problem of the file at once, each as "file: id: field: what was expected"
    assert f"{bad}: 2104.08645: verdict: 'maybe' is not one of on-topic, off-topic, unverified" in problems
    assert f"{bad}: 2104.08645: reviewer: unknown field; expected only title, verdict, reason" in problems
    assert f"{bad}: 1808.00179: verdict: missing or empty; expected text" in problems
    assert f"{bad}: 2005.13013v2: write the versionless id '2005.13013'" in problems
    assert any(p.startswith(f"{bad}: 'not-an-id': not an arXiv id") for p in problems)
    assert f"{bad}: 2003.11080: expected a mapping with title, verdict, reason" in problems
    assert len(problems) == 6
    assert isinstance(info.value, S.SourcesError) and str(bad) in str(info.value)

    with pytest.raises(S.RelevanceFileError, match="not found"):
        S.load_reviewed_verdicts(tmp_path / "missing.yaml")
    write_reviewed(bad, "- a list\n")
    with pytest.raises(S.RelevanceFileError, match="expected a mapping of arXiv ids"):
        S.load_reviewed_verdicts(bad)
    write_reviewed(bad, '"2104.08645": {title: [unclosed\n')
    with pytest.raises(S.RelevanceFileError, match="not valid YAML"):
        S.load_reviewed_verdicts(bad)


def test_reviewed_verdicts_come_from_the_project_the_user_stands_in(tmp_path, monkeypatch):
    project = tmp_path / "proj"
    reviewed = write_reviewed(project / "claims" / "provenance" / "relevance.yaml",
                              '"9999.00002":\n  title: Automated Semantic Search\n  verdict: on-topic\n'
                              '  reason: A reviewer read it.\n')
    monkeypatch.delenv("XLT_REPRO_PROJECT", raising=False)
    monkeypatch.chdir(project / "claims")          # a sub-folder: the root is found upwards, as git does
    assert S.relevance_path() == project.resolve() / "claims" / "provenance" / "relevance.yaml"
    # the keyword rule alone says off-topic (no keyword in the title); the reviewed verdict wins
    rel = S.judge_relevance("9999.00002", "Automated Semantic Search Datasets", None)
    assert (rel.verdict, rel.basis, rel.keyword_verdict) == ("on-topic", "reviewed override", "off-topic")
    assert rel.reason == "A reviewer read it."
    # an edit is seen at the next call, and an invalid edit is an error, never a silent fallback
    write_reviewed(reviewed, '"9999.00002":\n  title: Automated Semantic Search\n  verdict: unverified\n'
                             '  reason: On second thoughts, unclear.\n')
    assert S.judge_relevance("9999.00002", "Automated Semantic Search Datasets", None).verdict == "unverified"
    # this project's file, not the repo's: the repo's reviewed verdict for 1808.00179 does not apply here
    style = S.judge_relevance("1808.00179", "Monolingual and Cross-lingual Zero-shot Style Transfer", None)
    assert style.basis == "keyword rule" and "review it" not in style.reason
    write_reviewed(reviewed, '"9999.00002":\n  title: Automated Semantic Search\n  verdict: yes\n  reason: R.\n')
    with pytest.raises(S.RelevanceFileError, match="9999.00002: verdict"):
        S.judge_relevance("9999.00002", "Automated Semantic Search Datasets", None)


def test_committed_reviewed_verdicts_load():
    reviewed = S.load_reviewed_verdicts()
    assert S.relevance_path().parent.parent.name == "claims"
    assert reviewed["1808.00179"].verdict == "off-topic" and "style" in reviewed["1808.00179"].reason
    assert reviewed["2003.11080"].title.startswith("XTREME: A Massively")   # kept as text, not a float
    assert {v.verdict for v in reviewed.values()} <= set(S.VERDICTS)


# --- seed documents and claim files ------------------------------------------------------------


def test_seed_document_parsing(tmp_path):
    doc = tmp_path / "007_x.txt"
    doc.write_text("\n\n# A Title\n\n## 1 Introduction\n\nThis paper examines: Some Paper. Research question: Why?.\n\n"
                   "## References\n\n- <http://arxiv.org/abs/2104.08645v2>\n\n- <http://arxiv.org/abs/1909.07342v1>",
                   encoding="utf-8")
    parsed = S.parse_seed_document(doc)
    assert parsed.title == "A Title" and parsed.examines == "Some Paper"
    assert [(r.arxiv_id, r.version) for r in parsed.references] == [("2104.08645", "v2"), ("1909.07342", "v1")]


@pytest.mark.skipif(not SEEDS.is_dir(), reason=f"seed documents not present at {SEEDS} (outside the repo)")
def test_reference_parsing_of_real_seeds():
    refs = S.seed_reference_ids(SEEDS)
    assert len(refs) == 5
    assert refs["000_0dacbe83ea79621c.txt"] == ["2104.07412", "2104.08645", "1909.07342"]
    assert refs["002_fd49e17cdaf72396.txt"] == ["2005.13013", "1808.00179", "2310.09917"]
    assert all("2104.08645" in ids or "2005.13013" in ids for ids in refs.values())
    docs = S.parse_seed_documents(SEEDS)
    assert docs["002_fd49e17cdaf72396.txt"].references[2].version == "v3"
    # the committed cache recorded the same references, so the product needs no ../shared
    assert {k: [r.arxiv_id for r in d.references] for k, d in S.load_seed_docs().items()} == refs


def test_claim_arxiv_ids_reads_every_arxiv_value(tmp_path):
    (tmp_path / "a.yaml").write_text(
        "specs:\n  - id: x\n    source: {arxiv: 2003.11080}\n"
        "  - id: y\n    source:\n      arxiv: 'arXiv:2104.08645v2'\n",
        encoding="utf-8")
    (tmp_path / "b.yml").write_text("deep: [{nested: {arxiv: [2005.13013, '2104.08645']}}]\n", encoding="utf-8")
    found = S.claim_arxiv_ids(tmp_path)
    assert found == {"2003.11080": ["a.yaml"], "2005.13013": ["b.yml"], "2104.08645": ["a.yaml", "b.yml"]}
    (tmp_path / "c.yaml").write_text("source: {arxiv: not-an-id}\n", encoding="utf-8")
    with pytest.raises(S.SourcesError, match="c.yaml"):
        S.claim_arxiv_ids(tmp_path)


# --- offline behaviour ------------------------------------------------------------------------------


def test_offline_error_names_ids_and_cache(tmp_path):
    path = tmp_path / "sources.json"
    down = FakeClient(error=ConnectionError("no route to export.arxiv.org"))
    with pytest.raises(S.SourcesUnavailableError) as info:
        S.fetch_sources(["2104.08645", "2005.13013"], client=down, path=path)
    assert info.value.ids == ["2104.08645", "2005.13013"]
    assert "offline cache" in str(info.value) and str(path) in str(info.value)

    S.write_sources([seeded()], path)
    with pytest.warns(S.SourcesCacheWarning):
        got = S.fetch_sources(["2104.08645"], client=down, path=path)
    assert got["2104.08645"].origin.kind == "seed-metadata"
    with pytest.raises(S.SourcesUnavailableError, match="2005.13013"):
        S.fetch_sources(["2104.08645", "2005.13013"], client=down, path=path)


def test_load_sources_errors(tmp_path):
    with pytest.raises(S.SourcesFileError, match="not found"):
        S.load_sources(tmp_path / "missing.json")
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(S.SourcesFileError, match="bad.json"):
        S.load_sources(bad)
    bad.write_text(json.dumps({"schema_version": 1, "records": {"2104.08645": {"arxiv_id": "2104.08645"}}}),
                   encoding="utf-8")
    with pytest.raises(S.SourcesFileError, match="2104.08645"):
        S.load_sources(bad)


# --- the committed cache ------------------------------------------------------------------------------


def test_committed_cache_loads_with_abstracts():
    records = S.load_sources()
    robust, stilts = records["2104.08645"], records["2005.13013"]
    assert robust.abstract.startswith("Pre-trained multilingual language encoders")
    assert "generalized cross-lingual transfer setting" in robust.abstract
    assert stilts.abstract.startswith("Intermediate-task training---fine-tuning")
    assert "5.4 point improvement" in stilts.abstract
    assert "6.1 point improvement" in stilts.earlier_abstracts[0].text
    assert robust.on_topic and stilts.on_topic
    for rec in records.values():   # every record carries its origin and a current relevance verdict
        assert rec.origin.kind in ("seed-metadata", "arxiv-api")
        assert rec.origin.kind != "seed-metadata" or rec.origin.sources
        assert rec.relevance == S.judge_relevance(rec.arxiv_id, rec.title, rec.abstract)
    assert records["1808.00179"].relevance.verdict == "off-topic"
    assert records["2412.10008"].relevance.verdict == "off-topic"
    assert records["1909.07342"].relevance.verdict == "unverified"
    with pytest.raises(S.OffTopicSourceError, match="style"):
        S.get_source("1808.00179")
    assert S.get_source("arXiv:2104.08645v2").title.startswith("Improving")


def test_default_fetch_ids_cover_seeds_and_claims():
    ids = S.default_fetch_ids()
    assert {"2104.08645", "2005.13013", "2104.07412", "1909.07342", "2404.12444"} <= set(ids)
    assert set(S.claim_arxiv_ids()) <= set(ids)


def test_register_cli_offline(tmp_path, capsys):
    parser = argparse.ArgumentParser(prog="repro")
    sub = parser.add_subparsers(dest="cmd", required=True)
    S.register_cli(sub.add_parser("sources").add_subparsers(dest="sources_cmd", required=True))
    path = tmp_path / "s.json"
    meta = tmp_path / "meta.json"
    meta.write_text(json.dumps({"2104.08645": {"title": "Improving Zero-Shot Cross-Lingual Transfer Learning via "
                                                         "Robust Training", "sources": ["x"], "confidence": "high"}}))
    args = parser.parse_args(["sources", "seed", "--metadata", str(meta), "--sources-file", str(path)])
    assert args.func(args) == 0
    args = parser.parse_args(["sources", "list", "--reasons", "--sources-file", str(path)])
    assert args.func(args) == 0
    assert "2104.08645\ton-topic" in capsys.readouterr().out
    args = parser.parse_args(["sources", "fetch", "--ids", "2104.08645", "--fulltext"])
    assert args.fulltext and args.ids == ["2104.08645"] and callable(args.func)


# --- full-text grounding ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def paper_pdf(tmp_path_factory) -> Path:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    def para(text):
        pdf.multi_cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")

    pdf.add_page()
    para("1 Introduction\nPre-trained multilingual encoders show potential for zero-shot "
                         "transfer. We study robust training for the generalized cross-")
    para("lingual transfer setting. Table 1: Hyperparameters\nlearning rate 2e-5, 12.1 epochs.")
    pdf.add_page()
    para("4 Results\nTable 2: Results on PAWS-X\nmBERT 81.9 / RS-DA 84.0\n"
                         "The cross-lingual transfer performance improves by 2.1 points on PAWS-X, "
                         "and robust training helps most when the two sentences are in different languages.\n"
                         "Figure 3: Accuracy by language pair")
    out = tmp_path_factory.mktemp("pdf") / "paper.pdf"
    pdf.output(str(out))
    return out


def test_ground_quote_in_generated_pdf(paper_pdf):
    pages = S.extract_pages(paper_pdf)
    assert len(pages) == 2
    g = S.ground_quote(pages, "The cross-lingual transfer performance improves by 2.1 points on PAWS-X.", "2.1")
    assert g.quote_status == "found" and g.quote_score == 1.0
    assert g.quote_page == 2
    assert g.caption == "Table 2: Results on PAWS-X"
    assert g.next_caption == "Figure 3: Accuracy by language pair"
    assert g.value_found and g.value_pages == [2]         # 12.1 on page 1 is not 2.1
    assert g.value_hits[0].in_quote and g.value_hits[0].caption == "Table 2: Results on PAWS-X"
    assert "p. 2" in g.summary()

    missing = S.ground_quote(pages, "The cross-lingual transfer performance improves by 1.6 points on XNLI.", "1.6")
    assert missing.value_status == "not found" and missing.value_pages == []
    assert "1.6 not found" in missing.summary()

    # line-break hyphenation and case do not matter
    hyph = S.ground_quote(pages, "robust training for the Generalized Cross-Lingual transfer setting")
    assert hyph.quote_status == "found" and hyph.quote_page == 1 and hyph.caption is None

    # a paraphrase close enough is a fuzzy match with its score; a foreign sentence is not found
    fuzzy = S.ground_quote(pages, "The cross lingual transfer performance improved by 2.1 point on PAWS-X")
    assert fuzzy.quote_status == "fuzzy" and 0.85 <= fuzzy.quote_score < 1 and fuzzy.quote_page == 2
    nothing = S.ground_quote(pages, "Intermediate-task training on SQuAD yields 8.2 points.", 8.2)
    assert nothing.quote_status == "not found" and nothing.quote_page is None and not nothing.value_found


def test_fetch_fulltext_caches_pages(paper_pdf, tmp_path):
    cache = tmp_path / "fulltext"
    client = FakeClient([real_result(pdf_href=paper_pdf.as_uri())])
    got = S.fetch_fulltext(["2104.08645"], client=client, cache_dir=cache)
    ft = got["2104.08645"]
    assert ft.version == "v2" and len(ft.pages) == 2 and "Table 2" in ft.pages[1]
    stored = json.loads((cache / "2104.08645.json").read_text(encoding="utf-8"))
    assert [p["page"] for p in stored["pages"]] == [1, 2]

    down = FakeClient(error=ConnectionError("offline"))
    again = S.fetch_fulltext(["2104.08645"], client=down, cache_dir=cache)   # from the cache, no query
    assert again["2104.08645"].pages == ft.pages and down.searches == []
    assert S.ground_quote(again["2104.08645"], "improves by 2.1 points on PAWS-X", "2.1").quote_page == 2
    with pytest.raises(S.SourcesUnavailableError, match="full-text cache"):
        S.fetch_fulltext(["2005.13013"], client=down, cache_dir=cache)


def test_default_cache_dir_env(monkeypatch, tmp_path):
    monkeypatch.setenv("XLT_REPRO_CACHE", str(tmp_path))
    assert S.default_cache_dir() == tmp_path / "fulltext"


CLAIM_FILE = """\
specs:
  - id: robust-xlt-pawsx-zero-shot
    kind: claim
    title: Robust training improves zero-shot transfer on PAWS-X by 2.1 points
    source:
      arxiv: "2104.08645"
      version: v2
      quote: "The cross-lingual transfer performance improves by 2.1 points on PAWS-X."
    targets: [{task: pawsx, metric: accuracy}]
    baseline: {model: bert-base-multilingual-cased}
    treatment:
      model: bert-base-multilingual-cased
      finetune: {objective: {name: data_augmentation, copies: 10}}
    reported: {value: 2.1, split: test}
    tolerance: 1.0
  - id: bg-generalized
    kind: background
    title: The generalized setting
    source: {arxiv: "2104.08645", version: v2, quote: "robust training for the generalized cross-lingual transfer"}
    statement: Sentence pairs in two languages.
  - id: bg-missing-quote
    kind: background
    title: A sentence the paper does not contain
    source: {arxiv: "2104.08645", version: v2, quote: "Intermediate-task training on SQuAD yields 8.2 points."}
    statement: Not in the paper.
  - id: x-stilts-not-fetched
    kind: background
    title: Another paper
    source: {arxiv: "2005.13013", version: v2, quote: "Intermediate-task training"}
    statement: Its full text is not fetched here.
"""


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    """A project folder with one claim file and the repo's reviewed verdicts; the user stands in it."""
    root = tmp_path / "proj"
    (root / "claims" / "provenance").mkdir(parents=True)
    (root / "claims" / "paper.yaml").write_text(CLAIM_FILE, encoding="utf-8")
    (root / "claims" / "provenance" / "relevance.yaml").write_bytes(S.relevance_path().read_bytes())
    monkeypatch.delenv("XLT_REPRO_PROJECT", raising=False)
    monkeypatch.setenv("XLT_REPRO_CACHE", str(tmp_path / "cache"))
    monkeypatch.chdir(root)
    return root


def sources_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="repro")
    sub = parser.add_subparsers(dest="cmd", required=True)
    S.register_cli(sub.add_parser("sources").add_subparsers(dest="sources_cmd", required=True))
    return parser


def test_fetch_fulltext_grounds_every_spec(project, paper_pdf, tmp_path, monkeypatch, capsys):
    made: list[FakeClient] = []

    def client():
        made.append(FakeClient([real_result(pdf_href=paper_pdf.as_uri())]))
        return made[-1]

    monkeypatch.setattr(arxiv, "Client", client)
    args = sources_parser().parse_args(["sources", "fetch", "--ids", "2104.08645", "--fulltext"])
    assert args.func(args) == 0
    lines = capsys.readouterr().out.splitlines()
    # what the PDF made by paper_pdf holds: the PAWS-X sentence on page 2 below "Table 2: ...", with
    # 2.1 on page 2 only (page 1 has 12.1, which is not 2.1); the generalized phrase on page 1 before
    # any caption; the SQuAD sentence nowhere. The other paper's spec is not grounded (not fetched).
    assert lines[0].startswith("2104.08645\tarxiv-api\ton-topic\tImproving Zero-Shot")
    assert lines[1] == "2104.08645\tfull text: 2 pages"
    assert lines[2:] == [
        "robust-xlt-pawsx-zero-shot\tfound\tp. 2\tTable 2: Results on PAWS-X\t2.1 on p. 2",
        "bg-generalized\tfound\tp. 1\t-\t-",
        "bg-missing-quote\tnot found\t-\t-\t-",
    ]
    # paths came from the project the user stands in and from $XLT_REPRO_CACHE
    assert S.load_sources(project / "claims" / "sources.json")["2104.08645"].origin.kind == "arxiv-api"
    cache = tmp_path / "cache" / "fulltext"
    assert S.default_cache_dir() == cache and (cache / "2104.08645.pdf").exists()
    stored = S.load_groundings("2104.08645", cache)
    assert sorted(stored) == ["bg-generalized", "bg-missing-quote", "robust-xlt-pawsx-zero-shot"]
    claim = stored["robust-xlt-pawsx-zero-shot"]
    assert (claim.quote_page, claim.reported_value, claim.value_pages) == (2, "2.1", [2])
    assert json.loads(S.grounding_file("2104.08645").read_text(encoding="utf-8"))["version"] == "v2"

    # a second run reads the cached text (no PDF download) and replaces the stored groundings
    (project / "claims" / "paper.yaml").write_text(CLAIM_FILE.split("  - id: bg-generalized")[0], encoding="utf-8")
    assert args.func(args) == 0
    assert capsys.readouterr().out.splitlines()[2:] == [
        "robust-xlt-pawsx-zero-shot\tfound\tp. 2\tTable 2: Results on PAWS-X\t2.1 on p. 2"]
    assert sorted(S.load_groundings("2104.08645")) == ["robust-xlt-pawsx-zero-shot"]
    assert [len(c.searches) for c in made] == [1, 1, 1]    # metadata, full text, metadata again


def test_fetch_fulltext_stops_on_a_bad_spec_before_the_network(project, monkeypatch, capsys):
    made: list[FakeClient] = []
    monkeypatch.setattr(arxiv, "Client", lambda: made.append(FakeClient()) or made[-1])
    (project / "claims" / "bad.yaml").write_text("specs:\n  - id: bg-x\n    kind: background\n", encoding="utf-8")
    args = sources_parser().parse_args(["sources", "fetch", "--ids", "2104.08645", "--fulltext"])
    assert args.func(args) == 1
    err = capsys.readouterr().err
    assert "bad.yaml: bg-x:" in err and "statement" in err
    assert made == []
