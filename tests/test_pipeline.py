"""The whole flow on the micro profile (a seconds-long encoder build, a few steps per run):
spec -> plan -> run -> store -> verify -> report, a warm re-run that trains nothing, and
determinism of a RunSpec."""

import dataclasses
import json
import os

import pytest

from helpers import repro_cli
from repro import plan as planner
from repro.pipeline import run_claims
from repro.profiles import get_profile
from repro.spec import load_specs
from repro.store import Store
from repro.training import finetune as finetuning

pytestmark = pytest.mark.slow  # trains on the micro profile, builds an encoder or starts processes

CLAIMS = {"robust-xlt-pawsx", "robust-xlt-pawsx-generalized-improves"}


@pytest.fixture(scope="module")
def first_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("pipeline")
    outcome = run_claims("micro", select=CLAIMS.__contains__, store_root=root / "store",
                         report_dir=root / "report", progress=False)
    return root, outcome


def test_runs_shared_by_two_claims_train_once_and_give_verdicts(first_run):
    _, outcome = first_run
    # 2 seeds x (baseline, RS-DA, adversarial, RS-RP, no-pretraining control); the hypothesis reads
    # the claim's RS-DA runs
    assert outcome.trained == 10
    assert {r.id for r in outcome.results} == CLAIMS
    for result in outcome.results:
        assert result.verdict == "not comparable", result.reason
        assert len(result.effect["per_seed"]) == 2
        assert set(result.arms) == {"baseline", "treatment", "control"}
    claim = next(r for r in outcome.results if r.id == "robust-xlt-pawsx")
    assert [r["name"] for r in claim.readings][:2] == ["zero-shot-rs-da", "generalized-rs-da"]
    assert all(r["effect"] is not None and r["measured_verdict"] for r in claim.readings)
    generalized = next(r for r in outcome.results if r.id == "robust-xlt-pawsx-generalized-improves")
    assert all("|" in row["language"] for row in generalized.per_language)


def test_report_files_say_scale_analog_and_carry_the_numbers(first_run):
    _, outcome = first_run
    html = outcome.report["html"].read_text()
    assert "Scale analog, not evidence about the papers" in html
    assert "robust-xlt-pawsx-generalized-improves" in html and "data:image/png;base64," in html
    assert "generalized-rs-rp" in html  # every reading of the claim is shown
    assert "no-pretraining control" in html
    # provenance from claims/sources.json and the seed extractions
    assert "Improving Zero-Shot Cross-Lingual Transfer Learning via Robust Training" in html
    assert "000_0dacbe83ea79621c.txt" in html
    markdown = outcome.report["markdown"].read_text()
    assert "| robust-xlt-pawsx |" in markdown
    data = json.loads(outcome.report["json"].read_text())
    assert data["comparable"] is False
    assert {c["id"] for c in data["claims"]} == CLAIMS
    assert all(run["status"] == "ok" for run in data["runs"].values())


def test_second_run_trains_nothing_and_reads_the_same_numbers(first_run):
    root, outcome = first_run
    again = run_claims("micro", select=CLAIMS.__contains__, store_root=root / "store",
                       report_dir=root / "report2", progress=False)
    assert again.trained == 0
    assert [r.effect for r in again.results] == [r.effect for r in outcome.results]


def test_same_runspec_gives_the_same_metrics(tmp_path):
    spec = next(s for s in load_specs() if s.id == "robust-xlt-xnli")
    _, runs = planner.plan_claim(spec, get_profile("micro"), seeds=1)
    run = next(r for r in runs if r.objective_config["name"] == "data_augmentation")
    first = finetuning.finetune(run, Store(tmp_path / "a"), progress=False)
    second = finetuning.finetune(run, Store(tmp_path / "b"), progress=False)
    assert first["per_language"] == second["per_language"]
    assert first["train"]["loss"] == second["train"]["loss"]
    other = finetuning.finetune(dataclasses.replace(run, seed=5), Store(tmp_path / "c"), progress=False)
    assert other["train"]["loss"] != first["train"]["loss"]


def test_token_classification_finetunes_on_the_micro_profile(tmp_path):
    """The embedded PAN-X and UDPOS analogs: English fine-tuning for the micro step budget, then a
    stored result with a score per language (entity F1 for NER, word accuracy as f1 for POS)."""
    from repro import runner, verify
    from repro.embedded import EMBEDDED_LANGUAGES
    from repro.kinds.tagging import IGNORED_LABEL, TokenClassificationKind
    from repro.models import model_path

    spec = next(s for s in load_specs() if s.id == "x-stilts-squad-xtreme")
    plan, _ = planner.plan_claim(spec, get_profile("micro"), seeds=1)
    assert {"panx", "udpos"} <= set(plan.runnable_targets) and not plan.skipped_targets
    store = Store(tmp_path / "store")
    for task in ("panx", "udpos"):
        run = plan.arms["baseline"].runs[task][0]
        assert runner.ensure(run, store, progress=False)["status"] == "ok"
        metrics = store.get(run)["metrics"]
        assert metrics["train"]["steps"] == run.hp["max_steps"]
        assert set(metrics["per_language"]) == set(EMBEDDED_LANGUAGES)
        for scores in [*metrics["per_language"].values(), metrics["dev"]]:
            assert 0.0 <= scores["f1"] <= 1.0
            assert set(scores) >= ({"precision", "recall"} if task == "panx" else {"accuracy"})
        # the claim's verdict reads the spec's metric ("f1") per language, in points
        points = verify.language_scores(metrics, "f1", spec.setting, spec.averaging)
        assert set(points) == set(EMBEDDED_LANGUAGES) and all(0 <= v <= 100 for v in points.values())
    # labels sit on each word's first sub-token; the rest, and special tokens, are ignored
    tokenizer = finetuning.AutoTokenizer.from_pretrained(model_path(run.model))
    sentences = finetuning.load_task(run).test["thl"].select(range(30))  # Greek: many sub-tokens, some cut
    encoded = TokenClassificationKind.encode_train(sentences, tokenizer, run.hp)
    cut = 0
    for row, tags in zip(encoded, sentences["tags"]):
        kept = [label for label in row["labels"] if label != IGNORED_LABEL]
        assert kept == tags[:len(kept)] and row["labels"][0] == row["labels"][-1] == IGNORED_LABEL
        assert len(kept) == len(tags) or row["length"] == run.hp["max_length"]  # only truncation drops words
        cut += len(kept) < len(tags)
    assert row["length"] == len(row["input_ids"]) and cut < len(sentences)


NEW_CLAIM = """\
# a claim as a user adds one: this file alone, in a project of its own
specs:
  - id: new-claim-xnli-augmentation
    kind: claim
    title: "A claim added as YAML alone"
    source:
      arxiv: "2104.08645"
      version: v2
      quote: "Data augmentation improves XNLI by 1.6 points."
      unconfirmed: ["added by a test: nothing about it is confirmed"]
    targets: [{task: xnli, metric: accuracy}]
    baseline: {model: xlm-roberta-large}
    treatment:
      model: xlm-roberta-large
      finetune: {objective: {name: data_augmentation, copies: 2}}
    reported: {value: 1.6}
    tolerance: 1.0
    seeds: 2
"""


def test_a_claim_added_as_yaml_alone_validates_runs_and_is_reported(tmp_path):
    """Adding a claim needs no code or test edit: a project holding only claims/new.yaml, entered as a
    user would (paths resolve from the current directory upwards), validates, trains on micro and
    shows in the report with a verdict; store and report land in that project, nowhere else."""
    project = tmp_path / "project"
    (project / "claims").mkdir(parents=True)
    (project / "claims" / "new.yaml").write_text(NEW_CLAIM, encoding="utf-8")
    work = project / "claims"  # a subfolder: the project is found upwards, as git finds its repository
    env = {key: value for key, value in os.environ.items()
           if not key.startswith("XLT_REPRO_") or key == "XLT_REPRO_CACHE"}  # no store, report or project given
    env["OMP_NUM_THREADS"] = "1"

    def repro(*args):
        return repro_cli(*args, cwd=work, env=env, timeout=900)

    validated = repro("claims", "validate")
    assert validated.returncode == 0, validated.stdout + validated.stderr
    done = repro("run", "--profile", "micro", "--quiet")
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    assert "new-claim-xnli-augmentation" in done.stdout and "not comparable" in done.stdout
    results = json.loads((project / "reports" / "micro" / "results.json").read_text(encoding="utf-8"))
    (claim,) = results["claims"]
    assert claim["id"] == "new-claim-xnli-augmentation" and claim["verdict"] == "not comparable"
    assert claim["effect"]["mean"] is not None and len(claim["effect"]["per_seed"]) == 2
    assert list((project / "store").rglob("result.json"))  # the runs were trained and stored here
