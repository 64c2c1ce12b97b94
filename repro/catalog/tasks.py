"""Every task a spec may name, once: its kind, its roles, where each profile gets its data, its size.

A task is what a spec calls it ("xnli", "squad", ...). Each profile serves it from one data source:
the full profile from a hub dataset (:mod:`repro.catalog.hub_sources`, by ``hub``), the smoke and
micro profiles from an embedded analog (``embedded``, a task of :mod:`repro.embedded`). A task
with no source on a profile is settled at plan time as "not run: needs ...", with ``hub_missing``
saying why. Sizes feed the plan's cost model: ``train_examples`` is the documented English
training set, ``test_examples`` a typical test set per language, ``mean_tokens`` subword tokens per
example (estimated from the dataset papers' lengths; see ``size_source``).
"""

from __future__ import annotations

from dataclasses import dataclass

TARGET = "target"
INTERMEDIATE = "intermediate"


@dataclass(frozen=True)
class TaskDef:
    name: str
    kind: str
    title: str
    roles: tuple[str, ...]
    hub: str | None  # key of HUB_TASKS
    embedded: str | None  # the embedded analog's name
    train_examples: int | None
    test_examples: int | None
    mean_tokens: int | None
    size_source: str
    hub_missing: str | None = None  # why the full profile has no source for it
    metrics: tuple[str, ...] | None = None  # spec metrics it can be scored with (None: its kind's)
    measures: str | None = None  # what the number is where it differs from the official protocol


def _t(name, kind, title, roles, hub, embedded, train, test, tokens, source, **kw) -> TaskDef:
    return TaskDef(name, kind, title, roles, hub, embedded, train, test, tokens, source, **kw)


_BOTH = (TARGET, INTERMEDIATE)

TASKS: dict[str, TaskDef] = {t.name: t for t in (
    # --- XTREME / XTREME-R targets -----------------------------------------------------------
    _t("xnli", "pair_classification", "XNLI (train: MNLI)", _BOTH, "xnli", "xnli", 392_702, 5_010, 45,
       "XNLI paper (arXiv 1809.05053): 392,702 MNLI pairs, 5,010 test pairs per language"),
    _t("pawsx", "pair_classification", "PAWS-X", _BOTH, "pawsx", "pawsx", 49_401, 2_000, 60,
       "PAWS-X paper (arXiv 1908.11828): 49,401 English training pairs, 2,000 test pairs per language"),
    _t("panx", "token_classification", "PAN-X (WikiANN NER)", (TARGET,), "panx", "panx", 20_000, 10_000, 18,
       "XTREME paper (arXiv 2003.11080) Table 1: 20k/10k/1-10k"),
    _t("udpos", "token_classification", "UD POS", (TARGET,), "udpos", "udpos", 21_253, 1_000, 25,
       "XTREME paper Table 1: 21,253 English training sentences"),
    _t("xquad", "qa", "XQuAD (train: SQuAD v1.1)", (TARGET,), "xquad", "tydiqa", 87_599, 1_190, 180,
       "XQuAD paper (arXiv 1910.11856): 1,190 per language; SQuAD v1.1 87,599 training questions"),
    _t("mlqa", "qa", "MLQA (train: SQuAD v1.1)", (TARGET,), "mlqa", "tydiqa", 87_599, 5_000, 190,
       "MLQA paper (arXiv 1910.07475): 4.5k-11.6k test questions per language"),
    _t("tydiqa", "qa", "TyDiQA-GoldP", (TARGET,), "tydiqa", "tydiqa", 3_696, 1_000, 170,
       "TyDi QA paper / XTREME Table 1: 3,696 English GoldP training questions"),
    _t("bucc", "retrieval", "BUCC 2018", (TARGET,), "bucc", "bucc", None, 9_000, 40,
       "BUCC 2018 shared task: 1.9k-14k gold pairs per language (test)", metrics=("bucc_f1", "retrieval_accuracy"),
       measures="the hub copy (google/xtreme bucc18) holds the gold pairs only, no distractor sentences: "
                "mining runs among the gold pairs, so the F1 is higher than BUCC's official mining F1"),
    _t("tatoeba", "retrieval", "Tatoeba", (TARGET,), "tatoeba", "tatoeba", None, 1_000, 15,
       "LASER Tatoeba set as XTREME uses it: 1,000 sentences per language", metrics=("retrieval_accuracy",)),
    _t("copa", "multiple_choice", "XCOPA (train: COPA)", (TARGET,), "copa", "copa", 400, 500, 20,
       "XCOPA paper (arXiv 2005.00333): 100 validation and 500 test items per language; COPA 400 train"),
    # --- intermediate tasks (English) --------------------------------------------------------
    _t("mnli", "pair_classification", "MultiNLI", (INTERMEDIATE,), "mnli", "mnli", 392_702, 9_832, 45,
       "GLUE (arXiv 1804.07461): 393k train"),
    _t("snli", "pair_classification", "SNLI", (INTERMEDIATE,), "snli", "mnli", 550_152, 9_824, 25,
       "SNLI paper (Bowman et al. 2015): 550,152 train pairs"),
    _t("anli", "pair_classification", "ANLI (rounds 1-3)", (INTERMEDIATE,), "anli", "mnli", 162_865, 3_200, 90,
       "ANLI paper (arXiv 1910.14599): 16,946 + 45,460 + 100,459 train"),
    _t("qqp", "pair_classification", "Quora Question Pairs", (INTERMEDIATE,), "qqp", "qqp", 363_846, 40_430, 30,
       "GLUE: 364k train"),
    _t("sst2", "single_classification", "SST-2", (INTERMEDIATE,), "sst2", None, 67_349, 872, 13,
       "GLUE: 67k train", hub_missing=None),
    _t("squad", "qa", "SQuAD v1.1", (INTERMEDIATE,), "squad", "squad", 87_599, 10_570, 180,
       "SQuAD paper (arXiv 1606.05250): 87,599 train, 10,570 dev"),
    _t("squad_v2", "qa", "SQuAD 2.0", (INTERMEDIATE,), "squad_v2", "squad", 130_319, 11_873, 180,
       "SQuAD 2.0 paper (arXiv 1806.03822): 130,319 train"),
    _t("hellaswag", "multiple_choice", "HellaSwag", (INTERMEDIATE,), "hellaswag", "hellaswag", 39_905, 10_042, 120,
       "HellaSwag paper (arXiv 1905.07830): 39,905 train (ActivityNet + WikiHow)"),
    _t("swag", "multiple_choice", "SWAG", (INTERMEDIATE,), "swag", "hellaswag", 73_546, 20_006, 50,
       "SWAG paper (arXiv 1808.05326): 73,546 train"),
    _t("cosmosqa", "multiple_choice", "Cosmos QA", (INTERMEDIATE,), "cosmosqa", "hellaswag", 25_262, 2_985, 110,
       "Cosmos QA paper (arXiv 1909.00277): 25,262 train"),
    _t("commonsenseqa", "multiple_choice", "CommonsenseQA", (INTERMEDIATE,), "commonsenseqa", "hellaswag", 9_741,
       1_221, 20, "CommonsenseQA paper (arXiv 1811.00937): 9,741 train"),
    _t("ccg", "token_classification", "CCGbank supertagging", (INTERMEDIATE,), None, None, 39_604, 2_407, 30,
       "CCGbank (LDC2005T13): WSJ sections 02-21",
       hub_missing="CCGbank is licensed by the LDC (LDC2005T13) and has no public hub copy"),
    # --- domain-specific multiple choice (the research question of seed 003) --------------------
    _t("casehold", "multiple_choice", "CaseHOLD (legal, LexGLUE)", (INTERMEDIATE,), "casehold", "hellaswag_legal",
       45_000, 3_600, 250, "LexGLUE paper (arXiv 2110.00976): CaseHOLD 45,000 / 3,900 / 3,600"),
    _t("medqa", "multiple_choice", "MedQA-USMLE (medical)", (INTERMEDIATE,), "medqa", "hellaswag_medical",
       10_178, 1_273, 200, "research notes (issue 11): GBaker/MedQA-USMLE-4-options 10,178 train / 1,273 test"),
)}


def target_tasks() -> tuple[str, ...]:
    return tuple(name for name, task in TASKS.items() if TARGET in task.roles)


def intermediate_tasks() -> tuple[str, ...]:
    return tuple(name for name, task in TASKS.items() if INTERMEDIATE in task.roles)
