"""Reports without training: the committed specs planned on the micro profile, with made-up stored run
results (seeded), judged by the real verify. The numbers mean nothing; the report's code paths
(readings, generalized pairs, attacks, selection, failures, controls) are all exercised in seconds."""

from __future__ import annotations

import dataclasses
import random
from pathlib import Path

from helpers import CLAIMS_DIR
from repro import catalog
from repro import plan as planner
from repro.embedded import EMBEDDED_LANGUAGES
from repro.profiles import get_profile
from repro.report import render
from repro.spec import load_specs
from repro.verify import verify

LANGUAGES = tuple(EMBEDDED_LANGUAGES)
KEYS = sorted({m.key for m in catalog.METRICS.values()})
# spec text that would break out of Markdown or HTML if it were not escaped
HOSTILE = ('Ends | here\n# Heading\n<script>alert("x")</script> `code` [link](javascript:alert(1)) '
           '![img](http://example.invalid/a.png) *bold* _it_ ~~gone~~ &lt;b&gt; <!-- c -->\n1. item\n- item\n> quoted')
ATTACKS = ("character_noise-0.2", "synonym_substitution-0.2", "code_switching-0.2", "distractor-1")


def fake_metrics(key: str, seed: int = 0) -> dict:
    """A stored run's metrics for every language, pair, attack and metric key, drawn from a generator
    seeded by the run's key: scores in [0.3, 0.9], attacked ones lower."""
    rng = random.Random(f"{seed}:{key}")

    def scores(scale: float = 1.0) -> dict:
        return {k: round(scale * (0.3 + 0.6 * rng.random()), 4) for k in KEYS}

    per_language = {lang: scores() for lang in LANGUAGES}
    return {
        "per_language": per_language, "dev": scores(), "dev_per_language": {lang: scores() for lang in LANGUAGES},
        "generalized": {f"{a}|{b}": scores() for a in LANGUAGES for b in LANGUAGES if a != b},
        "attacked": {name: {"attack": name, "not_attacked": [],
                            "per_language": {lang: scores(0.8) for lang in LANGUAGES}} for name in ATTACKS},
        "train": {"loss": [1.0], "steps": 3},
    }


@dataclasses.dataclass
class FakeReport:
    results: list
    plans: list
    specs: list
    profile: object
    runs: dict


def fake_report(spec_ids, *, comparable: bool = False, failing: frozenset = frozenset(), transform=None,
                seed: int = 0) -> FakeReport:
    """Plan the chosen specs on the micro profile (``comparable``: as if its verdicts counted), store a
    made-up result per run (the runs of specs in ``failing`` fail) and judge them."""
    specs = load_specs([CLAIMS_DIR])
    if transform is not None:
        specs = [transform(s) for s in specs]
    profile = get_profile("micro")
    if comparable:
        profile = dataclasses.replace(profile, comparable=True, name="micro-comparable")
    chosen = [s for s in specs if s.id in set(spec_ids)]
    assert len(chosen) == len(set(spec_ids)), f"unknown spec ids among {spec_ids}"
    plans, _ = planner.plan_all(chosen, profile, None)
    # the runs only failing specs read (a run shared with another spec would fail that one too)
    kept = {run.key for p in plans if p.spec.id not in failing for run in p.needed or p.all_runs()}
    failing_keys = {run.key for p in plans if p.spec.id in failing for run in p.needed or p.all_runs()} - kept
    runs = {}
    for plan in plans:
        for run in plan.needed or plan.all_runs():
            if run.key in failing_keys:
                runs[run.key] = {"status": "failed", "seconds": 0.5, "runspec": {"task": run.task},
                                 "error": "Traceback (most recent call last):\nRuntimeError: made up <failure> | here"}
            else:
                runs[run.key] = {"status": "ok", "seconds": 1.5, "runspec": {"task": run.task, "seed": run.seed},
                                 "metrics": fake_metrics(run.key, seed), "host": "test"}
    results = [verify(p, runs, profile.comparable) for p in plans]
    return FakeReport(results, plans, specs, profile, runs)


def write_fake_report(out_dir: Path, spec_ids, **kwargs) -> tuple[FakeReport, dict]:
    fake = fake_report(spec_ids, **kwargs)
    return fake, render(fake.results, fake.plans, fake.specs, fake.profile, fake.runs, out_dir)
