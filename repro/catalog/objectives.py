"""Every fine-tuning objective: what it changes in training, what it needs, whose method it is."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ObjectiveDef:
    name: str
    label: str
    changes: str  # what it changes in training
    resources: tuple[str, ...] = ()  # outside resources it needs ("synonym_table")
    kinds: tuple[str, ...] | None = None  # task kinds it applies to (None: every trainable kind)
    # None when the suite runs the authors' released method; else what it reimplements and why
    reimplementation: str | None = None


OBJECTIVES: dict[str, ObjectiveDef] = {o.name: o for o in (
    ObjectiveDef("plain", "fine-tuning", "cross-entropy on the English training data"),
    ObjectiveDef(
        "adversarial", "adversarial training",
        "K steps of projected gradient ascent on the loss in input-embedding space (PGD), then the loss at the "
        "perturbed embeddings",
        reimplementation="the adversarial training of arXiv 2104.08645; its authors released code for RS-DA only"),
    ObjectiveDef(
        "random_perturbation", "RS-RP",
        "randomized smoothing: Gaussian or uniform noise added to the input embeddings of the real tokens",
        reimplementation="the random-perturbation smoothing of arXiv 2104.08645; its authors released code for "
                         "RS-DA only"),
    ObjectiveDef(
        "data_augmentation", "RS-DA",
        "randomized smoothing by synonym substitution: each training pair becomes N seeded copies whose words are "
        "swapped for counter-fitted neighbours (Robust-XLT's perturb.py), trained with plain cross-entropy",
        resources=("synonym_table",), kinds=("pair_classification",)),
)}
