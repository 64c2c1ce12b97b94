"""Metrics as pure functions, each following one official evaluation script (named in its docstring).

- classification: ``accuracy`` (XTREME ``evaluate.py``);
- qa: ``squad_v1`` (SQuAD v1.1, XTREME's XQuAD and TyDiQA-GoldP), ``squad_v2`` (SQuAD v2.0),
  ``mlqa`` (MLQA v1 with the context language);
- tagging: ``get_entities``, ``entity_scores`` (seqeval, XTREME's PAN-X and UDPOS), ``tag_accuracy``;
- retrieval: ``tatoeba_accuracy``, ``mine_candidates`` (ratio margin, k = 4), ``bucc_threshold`` (on dev)
  and ``bucc_scores`` (on test), as XTREME's retrieval code.
"""

from __future__ import annotations

from repro.metrics.classification import accuracy
from repro.metrics.qa import (
    MLQA_LANGUAGES,
    is_mlqa_punctuation,
    mixed_segmentation,
    mlqa,
    mlqa_exact_match,
    mlqa_f1,
    mlqa_normalize,
    squad_normalize,
    squad_v1,
    squad_v1_exact_match,
    squad_v1_f1,
    squad_v2,
    squad_v2_exact_match,
    squad_v2_f1,
)
from repro.metrics.retrieval import (
    Candidate,
    bucc_scores,
    bucc_threshold,
    mine_candidates,
    neighbourhood_means,
    tatoeba_accuracy,
)
from repro.metrics.tagging import SEQEVAL_VERSIONS, entity_scores, get_entities, tag_accuracy

__all__ = [
    "MLQA_LANGUAGES",
    "SEQEVAL_VERSIONS",
    "Candidate",
    "accuracy",
    "bucc_scores",
    "bucc_threshold",
    "entity_scores",
    "get_entities",
    "is_mlqa_punctuation",
    "mine_candidates",
    "mixed_segmentation",
    "mlqa",
    "mlqa_exact_match",
    "mlqa_f1",
    "mlqa_normalize",
    "neighbourhood_means",
    "squad_normalize",
    "squad_v1",
    "squad_v1_exact_match",
    "squad_v1_f1",
    "squad_v2",
    "squad_v2_exact_match",
    "squad_v2_f1",
    "tag_accuracy",
    "tatoeba_accuracy",
]
