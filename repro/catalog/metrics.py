"""Every metric a spec may name: what it measures, which result key holds it, which script it follows.

A spec's target names a metric; the kind of its task produces a set of result keys per language
(see :mod:`repro.catalog.kinds`); a spec whose metric its task does not produce is refused when
the specs load.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class MetricDef:
    name: str  # the name specs use
    key: str  # the key in a run's per-language results
    higher_is_better: bool
    description: str
    follows: str  # the official script (or convention) the number follows


METRICS: dict[str, MetricDef] = {m.name: m for m in (
    MetricDef("accuracy", "accuracy", True, "share of items predicted right",
              "XTREME evaluate.py accuracy (XNLI, PAWS-X, XCOPA)"),
    MetricDef("f1", "f1", True,
              "QA: token F1 (max over gold answers); tagging: seqeval chunk F1",
              "SQuAD v1.1 / SQuAD 2.0 / MLQA evaluation scripts (QA); seqeval f1_score as XTREME's evaluate.py calls "
              "it (PAN-X, UDPOS)"),
    MetricDef("exact_match", "exact_match", True, "share of questions whose normalised answer matches a gold one",
              "SQuAD v1.1 / SQuAD 2.0 / MLQA evaluation scripts"),
    MetricDef("qa_score", "qa_score", True, "mean of F1 and exact match",
              "XTREME's evaluate.py and jiant's QA 'major' metric, (F1 + EM) / 2"),
    MetricDef("retrieval_accuracy", "accuracy", True,
              "share of sentences whose nearest neighbour is the gold translation",
              "XTREME's Tatoeba evaluation (cosine nearest neighbour)"),
    MetricDef("bucc_f1", "bucc_f1", True, "F1 of mined pairs against the gold pairs at a threshold chosen on dev",
              "XTREME's BUCC mining (ratio margin, k = 4) and threshold search"),
)}
