"""Every task kind: which model head trains it, what it produces, what English dev selects on.

``implementation`` names the class that tokenizes, collates, predicts and scores the kind, as
"module:attribute"; :func:`repro.catalog.resolve` imports it only when a run needs it, so planning
never imports torch.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class KindDef:
    name: str
    head: str
    metrics: tuple[str, ...]  # spec metric names the kind's results hold
    selection_metric: str  # the English dev result key select_on compares
    trainable: bool  # retrieval is scored with the encoder, never trained
    intermediate: bool  # may be an intermediate (STILTs) task
    implementation: str


KINDS: dict[str, KindDef] = {k.name: k for k in (
    KindDef("pair_classification", "sequence classification over a sentence pair", ("accuracy",), "accuracy",
            True, True, "repro.kinds.pair:PairKind"),
    KindDef("single_classification", "sequence classification over one sentence", ("accuracy",), "accuracy",
            True, True, "repro.kinds.pair:SingleKind"),
    KindDef("qa", "extractive span prediction (start and end logits)", ("f1", "exact_match", "qa_score"), "f1",
            True, True, "repro.kinds.qa:QAKind"),
    KindDef("multiple_choice", "one score per (context, choice) sequence", ("accuracy",), "accuracy",
            True, True, "repro.kinds.choice:MultipleChoiceKind"),
    KindDef("token_classification", "one tag per word, from its first sub-token", ("f1",), "f1",
            True, True, "repro.kinds.tagging:TokenClassificationKind"),
    KindDef("retrieval", "no head: sentence embeddings from one encoder layer",
            ("retrieval_accuracy", "bucc_f1"), "accuracy", False, False, "repro.kinds.retrieval:RetrievalKind"),
)}
