"""Claim specs: the YAML schema under ``claims/`` and its loader.

Three kinds of spec share one file format (a YAML mapping with a ``specs:`` list):

- ``claim``: a reported number to check (baseline recipe vs treatment recipe);
- ``hypothesis``: a research question with no published number, an expected direction;
- ``background``: a definitional or context statement, grounded in its source, never run.

Every problem is an error that names the file, the spec id and the field; nothing is skipped.
"""

from repro.spec.fields import (
    MAX_SEEDS,
    SPEC_ID,
    Adversarial,
    Attack,
    Averaging,
    DataAugmentation,
    Expected,
    Finetune,
    HyperparameterOverrides,
    Hyperparameters,
    Intermediate,
    LanguageRule,
    Objective,
    Plain,
    RandomPerturbation,
    Reading,
    Recipe,
    Reported,
    Retrieval,
    Selection,
    SpecError,
    Strict,
    Target,
    Treatment,
)
from repro.spec.kinds import (
    ARXIV_ID,
    Background,
    Claim,
    Control,
    Extraction,
    Hypothesis,
    Runnable,
    Source,
    Spec,
    SpecBase,
    SpecFile,
)
from repro.spec.loader import load_specs, parse_file

__all__ = [
    "ARXIV_ID", "MAX_SEEDS", "SPEC_ID", "Adversarial", "Attack", "Averaging", "Background", "Claim", "Control",
    "DataAugmentation",
    "Expected", "Extraction", "Finetune", "HyperparameterOverrides", "Hyperparameters", "Hypothesis", "Intermediate",
    "LanguageRule", "Objective", "Plain", "RandomPerturbation", "Reading", "Recipe", "Reported", "Retrieval",
    "Runnable", "Selection", "Source", "Spec", "SpecBase", "SpecError", "SpecFile", "Strict", "Target", "Treatment",
    "load_specs", "parse_file",
]
