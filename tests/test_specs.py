"""The committed claim specs (claims/*.yaml) and the loader's error messages.

Rules over whatever claims/ holds, never snapshots of today's data: adding a claim in YAML needs
no edit here. Every spec validates; ids are unique and name their task; every spec says what is
unconfirmed and where its hyperparameters come from; every extraction is a seed row verbatim; every
seed row is encoded somewhere; a claim's number is its seed sentence's; the seeds' research
questions are hypotheses verbatim; quotes are grounded. The seed documents and the arXiv metadata
live outside the repository (../shared); the tests that read them are skipped, with the reason,
where they are missing (set REPRO_SEEDS_DIR / REPRO_ARXIV_METADATA to point at them).
"""

from __future__ import annotations

import copy
import json
import re
from collections import defaultdict
from pathlib import Path

import pytest
import yaml

from helpers import CLAIMS_DIR, needs_shared, shared_path
from repro import catalog, cli
from repro.spec import SpecError, load_specs, parse_file

SEEDS_DIR = shared_path("seeds", "REPRO_SEEDS_DIR")
METADATA_FILE = shared_path("arxiv-metadata.json", "REPRO_ARXIV_METADATA")
needs_seeds = needs_shared("seeds", "REPRO_SEEDS_DIR")
needs_metadata = needs_shared("arxiv-metadata.json", "REPRO_ARXIV_METADATA")

NUMBER = re.compile(r"\d+\.\d+")
MARKS = {"✓": True, "×": False}


# --- the seed documents --------------------------------------------------------------------------


def _seed_rows(path: Path) -> list[tuple[str, bool, float]]:
    """The seed's '5 Extracted Claims' table: (text, verified, confidence) per row."""
    lines = path.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Claim\tVerified\tConfidence"))
    rows = []
    for line in lines[start + 1:]:
        if not line.strip():
            break
        text, mark, confidence = line.split("\t")
        rows.append((text, MARKS[mark], float(confidence)))
    return rows


def _seed_question(path: Path) -> str:
    match = re.search(r"Research question: (.+\?)\.?\s*$", path.read_text(encoding="utf-8"), re.M)
    assert match, f"{path.name}: no research question"
    return match.group(1)


@pytest.fixture(scope="module")
def seeds() -> dict[str, dict]:
    out = {}
    for path in sorted(SEEDS_DIR.glob("[0-9][0-9][0-9]_*.txt")):
        text = path.read_text(encoding="utf-8")
        out[path.name] = {
            "rows": _seed_rows(path),
            "question": _seed_question(path),
            "examines": re.search(r"This paper examines: (.+?)\. Research question", text).group(1),
            "text": text,
        }
    assert out, f"no seed documents in {SEEDS_DIR}"
    return out


@pytest.fixture(scope="module")
def metadata() -> dict:
    return json.loads(METADATA_FILE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def specs(committed_specs):
    return committed_specs


def _claims(specs):
    return [s for s in specs if s.kind == "claim"]


# --- the committed specs -------------------------------------------------------------------------


def test_every_file_validates_and_has_runnable_specs(specs):
    files = sorted(CLAIMS_DIR.glob("*.yaml"))
    assert files, "no spec files under claims/"
    assert any(s.kind != "background" for s in specs)


def test_ids_unique(specs):
    raw_ids = [item["id"] for f in sorted(CLAIMS_DIR.glob("*.yaml"))
               for item in yaml.safe_load(f.read_text(encoding="utf-8"))["specs"]]
    assert sorted(raw_ids) == sorted(s.id for s in specs)
    assert len(raw_ids) == len(set(raw_ids))


def test_ids_are_prefixed_by_their_kind_or_paper(specs):
    """Research questions start rq-, background statements bg-, controls control-, and the claims and
    hypotheses of one paper share one prefix (so `-k` can select a paper)."""
    prefixes: dict[str, set[str]] = defaultdict(set)
    for s in specs:
        fixed = {"background": "bg-", "control": "control-"}.get(s.kind)
        if s.kind == "hypothesis" and s.seed_document:
            fixed = "rq-"
        if fixed:
            assert s.id.startswith(fixed), f"{s.id}: expected the prefix {fixed!r}"
        else:
            prefixes[s.source.arxiv].add(s.id.split("-")[0])
    assert all(len(found) == 1 for found in prefixes.values()), dict(prefixes)


def test_runnable_claim_ids_name_their_task(specs):
    for claim in _claims(specs):
        tasks = [t.task for t in claim.targets]
        expected = tasks[0] if len(tasks) == 1 else "xtreme"
        assert expected in claim.id.split("-"), f"{claim.id}: should contain {expected!r}"


def test_every_spec_lists_what_is_unconfirmed(specs):
    for s in specs:
        if s.kind == "control":
            assert s.rationale, f"{s.id}: a control says why its answer is known"
            continue
        assert s.source.unconfirmed, f"{s.id}: unconfirmed is empty"
        if s.kind != "background":
            assert s.source.hyperparameters_from, f"{s.id}: hyperparameters_from is missing"


def test_robust_xlt_treatments_are_their_objective_with_the_released_copies(specs):
    """RS-DA specs use the copies Robust-XLT's README gives per task (a rule over the objective)."""
    from repro.tasks.synonyms import RELEASED_NUM_COPIES

    for s in specs:
        if s.kind in ("control", "background"):
            continue
        recipes = [s.treatment] + [r.treatment for r in s.readings if r.treatment]
        for recipe in (c for r in recipes for c in getattr(r, "select_from", [r])):
            objective = recipe.finetune.objective
            if objective.name == "data_augmentation" and s.targets[0].task in RELEASED_NUM_COPIES:
                assert objective.copies == RELEASED_NUM_COPIES[s.targets[0].task], s.id


@needs_seeds
def test_extractions_are_seed_rows_verbatim(specs, seeds):
    for s in (s for s in specs if s.kind != "control"):
        for ex in s.source.extractions:
            assert ex.seed in seeds, f"{s.id}: unknown seed {ex.seed}"
            rows = {text: (verified, conf) for text, verified, conf in seeds[ex.seed]["rows"]}
            assert ex.text in rows, f"{s.id}: not a row of {ex.seed}: {ex.text!r}"
            assert (ex.verified, ex.confidence) == rows[ex.text], f"{s.id}: mark/confidence of {ex.text!r}"
        pairs = [(ex.seed, ex.text) for ex in s.source.extractions]
        assert len(pairs) == len(set(pairs)), f"{s.id}: an extraction is listed twice"


@needs_seeds
def test_seed_tables_parse_as_their_summaries_say(seeds):
    for name, seed in seeds.items():
        stated = re.search(r"(\d+) claims extracted; (\d+) independently verified", seed["text"])
        rows = seed["rows"]
        assert (len(rows), sum(v for _, v, _ in rows)) == (int(stated[1]), int(stated[2])), name


@needs_seeds
def test_every_seed_row_is_encoded(specs, seeds):
    """Every row of every seed's claim table is in some spec's extractions, and the same sentence in
    several seeds is encoded in the same specs."""
    where: dict[tuple[str, str], set[str]] = defaultdict(set)
    for s in specs:
        for ex in getattr(s, "source", None).extractions if s.kind != "control" else ():
            where[(ex.seed, ex.text)].add(s.id)
    by_text: dict[str, set[frozenset]] = defaultdict(set)
    for name, seed in seeds.items():
        for text, _, _ in seed["rows"]:
            ids = where.get((name, text), set())
            assert ids, f"{name}: the row {text!r} is in no spec"
            by_text[text].add(frozenset(ids))
    assert all(len(groups) == 1 for groups in by_text.values()), {
        t: g for t, g in by_text.items() if len(g) > 1}


@needs_seeds
def test_claim_numbers_equal_the_seed_text(specs, seeds):
    for claim in _claims(specs):
        assert claim.source.extractions, f"{claim.id}: a claim needs the seed extraction of its number"
        for ex in claim.source.extractions:
            row = next(text for text, _, _ in seeds[ex.seed]["rows"] if text == ex.text)
            numbers = [float(n) for n in NUMBER.findall(row)]
            if len(numbers) == 1:
                expected = numbers[0]
            else:  # "on SQuAD, MNLI, and HellaSwag ... of 8.2, 7.5, and 7.0": same order
                named = sorted((m.start(), task) for task in catalog.intermediate_tasks()
                               for m in re.finditer(rf"\b{task}\b", row, re.I))
                order = [task for _, task in named]
                assert len(order) == len(numbers), f"{claim.id}: cannot pair tasks with numbers in {row!r}"
                expected = numbers[order.index(claim.treatment.intermediate.tasks[0])]
            assert claim.reported.value == expected, f"{claim.id}: {claim.reported.value} vs {row!r}"


@needs_seeds
def test_every_seed_question_is_a_hypothesis_verbatim(specs, seeds):
    questions = [s for s in specs if s.kind == "hypothesis" and s.seed_document]
    assert sorted(q.seed_document for q in questions) == sorted(seeds)
    for q in questions:
        assert q.question == seeds[q.seed_document]["question"]
        assert q.source.quote == q.question


@needs_seeds
def test_versions_are_the_ones_the_seeds_cite(specs, seeds):
    for s in specs:
        if s.kind == "control":
            continue
        cited_by = {ex.seed for ex in s.source.extractions}
        if s.kind == "hypothesis" and s.seed_document:
            cited_by.add(s.seed_document)
        for name in cited_by:
            assert f"arxiv.org/abs/{s.source.arxiv}{s.source.version}" in seeds[name]["text"], (
                f"{s.id}: {name} does not cite {s.source.arxiv}{s.source.version}")


@needs_metadata
def test_research_questions_cite_the_examined_paper(specs, seeds, metadata):
    for q in (s for s in specs if s.kind == "hypothesis" and s.seed_document):
        assert metadata[q.source.arxiv]["title"] == seeds[q.seed_document]["examines"], q.id


@needs_metadata
def test_quotes_are_grounded(specs, metadata):
    """'abstract' only where the abstract really has the quote; otherwise a seed's own words."""
    def norm(text):
        return " ".join(text.split())

    for s in specs:
        if s.kind == "control":
            continue
        if s.source.location == "abstract":
            assert norm(s.source.quote) in norm(metadata[s.source.arxiv]["abstract"]), s.id
        elif s.kind == "hypothesis" and s.seed_document:
            assert s.source.quote == s.question
        else:
            assert s.source.location == "unconfirmed", s.id
            assert s.source.quote in [ex.text for ex in s.source.extractions], (
                f"{s.id}: the quote is neither in the abstract nor a seed's wording")


def test_round_trip(tmp_path):
    for file in sorted(CLAIMS_DIR.glob("*.yaml")):
        parsed = parse_file(file)
        dumped = {"specs": [s.model_dump(mode="json") for s in parsed]}
        copy_file = tmp_path / file.name
        copy_file.write_text(yaml.safe_dump(dumped, allow_unicode=True, sort_keys=False), encoding="utf-8")
        assert parse_file(copy_file) == parsed, file.name


# --- malformed specs -----------------------------------------------------------------------------

VALID = {
    "id": "t-claim",
    "kind": "claim",
    "title": "A test claim",
    "source": {
        "arxiv": "2104.08645",
        "version": "v2",
        "quote": "The cross-lingual transfer performance improves by 2.1 points on PAWS-X.",
        "extractions": [{"seed": "000_0dacbe83ea79621c.txt", "verified": True, "confidence": 0.15,
                         "text": "The cross-lingual transfer performance improves by 2.1 points on PAWS-X."}],
    },
    "targets": [{"task": "pawsx", "metric": "accuracy"}],
    "baseline": {"model": "bert-base-multilingual-cased"},
    "treatment": {"model": "bert-base-multilingual-cased",
                  "finetune": {"objective": {"name": "data_augmentation", "copies": 10}}},
    "reported": {"value": 2.1},
    "tolerance": 1.0,
}


def _write(tmp_path: Path, spec: dict | None = None, raw: str | None = None, name: str = "bad.yaml") -> Path:
    path = tmp_path / name
    path.write_text(raw if raw is not None else yaml.safe_dump({"specs": [spec]}, sort_keys=False),
                    encoding="utf-8")
    return path


def _mutated(change) -> dict:
    spec = copy.deepcopy(VALID)
    change(spec)
    return spec


def _set(path: str, value):
    def change(spec):
        *parents, last = path.split(".")
        node = spec
        for key in parents:
            node = node[int(key)] if key.isdigit() else node[key]
        node[last] = value
    return change


MALFORMED = [
    ("unknown-field", _set("tolerence", 1.0), "t-claim: tolerence: unknown field (not in the schema"),
    ("missing-field", lambda s: s.pop("title"), "t-claim: title: required field is missing"),
    ("wrong-kind-tag", _set("kind", "claimm"), "t-claim: kind: unknown 'kind' 'claimm'; expected one of 'claim'"),
    ("missing-kind", lambda s: s.pop("kind"), "t-claim: kind: missing the 'kind' field"),
    ("unknown-objective", _set("treatment.finetune.objective", {"name": "pgd"}),
     "t-claim: treatment.finetune.objective.name: unknown 'name' 'pgd'; expected one of 'plain'"),
    ("negative-epsilon", _set("treatment.finetune.objective", {"name": "adversarial", "epsilon": -1.0}),
     "t-claim: treatment.finetune.objective.epsilon: Input should be greater than 0"),
    ("bad-arxiv-id", _set("source.arxiv", "arXiv:2104.08645"), "t-claim: source.arxiv: String should match pattern"),
    ("arxiv-id-with-version", _set("source.arxiv", "2104.08645v2"),
     "t-claim: source.arxiv: String should match pattern"),
    ("unquoted-arxiv-id", _set("source.arxiv", 2104.08645),
     "t-claim: source.arxiv: write the arXiv id as a quoted string"),
    ("bad-version", _set("source.version", "2"), "t-claim: source.version: String should match pattern '^v\\d+$'"),
    ("confidence-above-1", _set("source.extractions.0.confidence", 1.5),
     "t-claim: source.extractions.0.confidence: Input should be less than or equal to 1"),
    ("bad-seed-file-name", _set("source.extractions.0.seed", "seed-000.txt"),
     "t-claim: source.extractions.0.seed: String should match pattern"),
    ("unknown-target-task", _set("targets", [{"task": "xtreme", "metric": "accuracy"}]),
     "t-claim: targets.0.task: unknown target task 'xtreme'"),
    ("unknown-metric", _set("targets", [{"task": "pawsx", "metric": "bleu"}]),
     "t-claim: targets.0: task 'pawsx' is not scored with metric 'bleu'; it produces ['accuracy']"),
    # a metric another kind produces fails at load time, not with a KeyError after training
    ("metric-of-another-kind", _set("targets", [{"task": "pawsx", "metric": "qa_score"}]),
     "t-claim: targets.0: task 'pawsx' is not scored with metric 'qa_score'"),
    ("generalized-on-qa", lambda s: s.update(setting="generalized", targets=[{"task": "tydiqa", "metric": "qa_score"}]),
     "setting 'generalized' needs sentence-pair targets (xnli, pawsx); got ['tydiqa']"),
    ("baseline-equals-treatment", lambda s: s.update(treatment=copy.deepcopy(s["baseline"])),
     "baseline and treatment are the same recipe: nothing to compare"),
    ("tolerance-zero", _set("tolerance", 0), "t-claim: tolerance: Input should be greater than 0"),
    ("tolerance-negative", _set("tolerance", -0.5), "t-claim: tolerance: Input should be greater than 0"),
    ("seeds-zero", _set("seeds", 0), "t-claim: seeds: Input should be greater than or equal to 1"),
    ("unknown-intermediate-task", _set("treatment.intermediate", {"tasks": ["cola"]}),
     "t-claim: treatment.intermediate.tasks: unknown intermediate task(s) ['cola']"),
    ("unknown-model", _set("treatment.model", "gpt2"), "t-claim: treatment.model: unknown model 'gpt2'"),
    ("no-difference-without-margin", lambda s: (s.pop("reported"), s.pop("tolerance"), s.update(
        kind="hypothesis", question="Same?", expected={"direction": "no_difference"})),
     "t-claim: expected: direction no_difference needs a margin"),
    ("bad-spec-id", _set("id", "Robust_XLT"), "Robust_XLT: id: String should match pattern"),
    ("unknown-attack", _set("attack", {"kind": "paraphrase"}),
     "t-claim: attack.kind: Input should be 'synonym_substitution'"),
]


@pytest.mark.parametrize("change, message", [m[1:] for m in MALFORMED], ids=[m[0] for m in MALFORMED])
def test_malformed_spec_has_its_message(tmp_path, change, message):
    path = _write(tmp_path, _mutated(change))
    with pytest.raises(SpecError) as error:
        parse_file(path)
    assert f"{path}: " in str(error.value)
    assert message in str(error.value), str(error.value)


MALFORMED_FILES = [
    ("invalid-yaml", "specs: [\n  - id: x\n", "not valid YAML"),
    ("top-level-list", "- id: t-claim\n", "expected a mapping with a 'specs:' list at the top level"),
    ("top-level-scalar", "just text\n", "expected a mapping with a 'specs:' list at the top level"),
    ("empty-specs", "specs: []\n", "'specs' must be a non-empty list"),
    ("specs-not-a-list", "specs: {id: x}\n", "'specs' must be a non-empty list"),
    ("unknown-top-level", yaml.safe_dump({"specs": [VALID], "anchors": {}}),
     "unknown top-level field(s) ['anchors']; expected 'specs' (and 'x-' anchor blocks)"),
    ("spec-not-a-mapping", "specs:\n  - 3\n", "#0: (top level): Input should be a valid dictionary"),
]


@pytest.mark.parametrize("raw, message", [m[1:] for m in MALFORMED_FILES], ids=[m[0] for m in MALFORMED_FILES])
def test_malformed_file_has_its_message(tmp_path, raw, message):
    path = _write(tmp_path, raw=raw)
    with pytest.raises(SpecError) as error:
        parse_file(path)
    assert message in str(error.value), str(error.value)


def test_every_problem_is_reported_not_only_the_first(tmp_path):
    bad = [_mutated(_set("tolerance", 0)), _mutated(lambda s: s.update(id="t-two", seeds=0))]
    path = _write(tmp_path, raw=yaml.safe_dump({"specs": bad}))
    with pytest.raises(SpecError) as error:
        parse_file(path)
    assert len(error.value.problems) == 2


def test_duplicate_ids_across_files(tmp_path):
    first = _write(tmp_path, VALID, name="a.yaml")
    second = _write(tmp_path, VALID, name="b.yaml")
    with pytest.raises(SpecError) as error:
        load_specs([tmp_path])
    assert f"{second}: t-claim: id: duplicate id, already defined in {first}" in str(error.value)


def test_a_bad_file_is_never_skipped(tmp_path):
    _write(tmp_path, VALID, name="a.yaml")
    _write(tmp_path, raw="specs: []\n", name="b.yaml")
    with pytest.raises(SpecError, match="must be a non-empty list"):
        load_specs([tmp_path])


def test_anchor_blocks_are_allowed(tmp_path):
    body = yaml.safe_dump({"specs": [VALID]}, sort_keys=False)
    assert "tolerance: 1.0" in body
    raw = "x-common:\n  tolerance: &tolerance 1.0\n" + body.replace("tolerance: 1.0", "tolerance: *tolerance")
    assert [s.tolerance for s in parse_file(_write(tmp_path, raw=raw))] == [1.0]


def test_same_recipe_with_different_labels_is_rejected(tmp_path):
    spec = _mutated(lambda s: s.update(baseline={"model": "bert-base-multilingual-cased", "label": "a"},
                                       treatment={"model": "bert-base-multilingual-cased", "label": "b"}))
    with pytest.raises(SpecError, match="same recipe"):
        parse_file(_write(tmp_path, spec))


# --- the command line ----------------------------------------------------------------------------


def test_cli_validate_committed_specs(specs, capsys):
    assert cli.main(["claims", "validate"]) == 0
    out = capsys.readouterr().out
    claims = sum(s.kind == "claim" for s in specs)
    expected = rf"ok: {len(specs)} specs \({claims} claim, \d+ hypothesis, \d+ control, \d+ background\)"
    assert re.match(expected, out), out


def test_cli_validate_bad_file(tmp_path, capsys):
    path = _write(tmp_path, _mutated(_set("tolerance", 0)))
    assert cli.main(["claims", "validate", str(path)]) != 0
    err = capsys.readouterr().err
    assert f"{path}: t-claim: tolerance: Input should be greater than 0" in err
    assert "1 problem(s)" in err


def test_cli_list_json_has_every_spec(specs, capsys):
    assert cli.main(["claims", "list", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {"id", "kind", "arxiv", "task", "reported", "tolerance", "seeds"} <= set(rows[0])
    by_id = {r["id"]: r for r in rows}
    assert set(by_id) == {s.id for s in specs}
    for claim in _claims(specs):
        row = by_id[claim.id]
        assert (row["reported"], row["tolerance"], row["arxiv"]) == (
            claim.reported.value, claim.tolerance, claim.source.arxiv)


def test_cli_show_round_trips_a_spec(specs, capsys):
    claim = _claims(specs)[0]
    assert cli.main(["claims", "show", claim.id]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["reported"]["value"] == claim.reported.value
    assert shown["source"]["quote"] == claim.source.quote


@pytest.mark.parametrize("arxiv, message", [
    ("2104.8645", "five digits"),
    ("2113.08645", "month 13"),
])
def test_arxiv_id_shape_is_checked_by_era(tmp_path, arxiv, message):
    spec = _mutated(lambda s: s["source"].update(arxiv=arxiv))
    with pytest.raises(SpecError, match=message):
        parse_file(_write(tmp_path, spec))
