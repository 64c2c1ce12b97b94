"""Real task loaders for the full profile: Hugging Face hub datasets, normalised to TaskData.

Every task is a :class:`HubTaskSource` in :data:`HUB_TASKS`: which dataset, revision, config per
language, which splits play train / dev / test, and how the dataset's own columns map onto the
normalised columns of ``repro.tasks.base``. :func:`load_hub_task` reads them with
``datasets.load_dataset``: from the hub (``data_root=None``, pinned revision) or from a local
directory laid out like the hub repository (``data_root/<dataset id>/`` with the repository's
README.md and data files), so the normalisation that runs on the GPU runners is the code the
offline tests exercise.

Zero-shot conventions kept here (the trainer and evaluator rely on them):

- ``train["en"]`` is the English training set; other ``train`` keys are the dataset's translated
  training sets (XNLI and PAWS-X ship machine-translated train splits), never gold in-language data;
- ``dev`` is English only (model selection happens on English);
- where a dataset hides its test labels (GLUE, HellaSwag, CosmosQA, CommonsenseQA) the labelled
  validation split is the test set, and ``metadata["notes"]`` says so;
- rows whose label is missing (``-1``) are dropped and counted in ``metadata["dropped"]``; in
  parallel test sets a row is dropped from every language, so row i stays the same item.

Without network and without a cache, loading raises ``repro.prefetch.MissingResourceError``
naming every missing dataset config and the command that pre-fetches them.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from repro.tasks.base import TaskData

# --- languages ---------------------------------------------------------------------------------

XNLI_LANGUAGES = ("ar", "bg", "de", "el", "en", "es", "fr", "hi", "ru", "sw", "th", "tr", "ur", "vi", "zh")
PAWSX_LANGUAGES = ("de", "en", "es", "fr", "ja", "ko", "zh")
XQUAD_LANGUAGES = ("ar", "de", "el", "en", "es", "hi", "ru", "th", "tr", "vi", "zh")
MLQA_LANGUAGES = ("ar", "de", "en", "es", "hi", "vi", "zh")
# TyDiQA-GoldP as XTREME uses it (the GoldP task has no Japanese or Thai)
TYDIQA_LANGUAGES = ("ar", "bn", "en", "fi", "id", "ko", "ru", "sw", "te")
# TyDiQA ids start with the language's English name: "finnish-123...-0"
TYDIQA_ID_PREFIX = {
    "arabic": "ar", "bengali": "bn", "english": "en", "finnish": "fi", "indonesian": "id",
    "japanese": "ja", "korean": "ko", "russian": "ru", "swahili": "sw", "telugu": "te", "thai": "th",
}
BUCC_LANGUAGES = ("de", "fr", "ru", "zh")
# google/xtreme names Tatoeba configs by ISO 639-3 code; XTREME's 36 languages
TATOEBA_CONFIGS = {
    "af": "afr", "ar": "ara", "bg": "bul", "bn": "ben", "de": "deu", "el": "ell", "es": "spa",
    "et": "est", "eu": "eus", "fa": "pes", "fi": "fin", "fr": "fra", "he": "heb", "hi": "hin",
    "hu": "hun", "id": "ind", "it": "ita", "ja": "jpn", "jv": "jav", "ka": "kat", "kk": "kaz",
    "ko": "kor", "ml": "mal", "mr": "mar", "nl": "nld", "pt": "por", "ru": "rus", "sw": "swh",
    "ta": "tam", "te": "tel", "th": "tha", "tl": "tgl", "tr": "tur", "ur": "urd", "vi": "vie",
    "zh": "cmn",
}
# PAN-X (WikiANN as XTREME splits it): google/xtreme configs "PAN-X.<code>", XTREME's 40 languages
PANX_LANGUAGES = ("af", "ar", "bg", "bn", "de", "el", "en", "es", "et", "eu", "fa", "fi", "fr", "he", "hi", "hu",
                  "id", "it", "ja", "jv", "ka", "kk", "ko", "ml", "mr", "ms", "my", "nl", "pt", "ru", "sw", "ta",
                  "te", "th", "tl", "tr", "ur", "vi", "yo", "zh")
# UD POS: google/xtreme names these configs by the language's English name ("udpos.English"); XTREME's
# 33 languages. Tagalog, Thai and Yoruba have a test split only, Kazakh test and train.
UDPOS_CONFIGS = {
    "af": "Afrikaans", "ar": "Arabic", "eu": "Basque", "bg": "Bulgarian", "nl": "Dutch", "en": "English",
    "et": "Estonian", "fi": "Finnish", "fr": "French", "de": "German", "el": "Greek", "he": "Hebrew",
    "hi": "Hindi", "hu": "Hungarian", "id": "Indonesian", "it": "Italian", "ja": "Japanese", "kk": "Kazakh",
    "ko": "Korean", "zh": "Chinese", "mr": "Marathi", "fa": "Persian", "pt": "Portuguese", "ru": "Russian",
    "es": "Spanish", "tl": "Tagalog", "ta": "Tamil", "te": "Telugu", "th": "Thai", "tr": "Turkish", "ur": "Urdu",
    "vi": "Vietnamese", "yo": "Yoruba",
}
ENGLISH_CODES = ("en", "eng", "english")

NLI_LABELS = ("entailment", "neutral", "contradiction")
# ClassLabel names (in this order) of google/xtreme's PAN-X "ner_tags" and udpos "pos_tags" columns, as
# the dataset script and the parquet card give them (checked Feb 2024 conversion, see HUB_TASKS)
PANX_LABELS = ("O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC")
UPOS_LABELS = ("ADJ", "ADP", "ADV", "AUX", "CCONJ", "DET", "INTJ", "NOUN", "NUM", "PART", "PRON", "PROPN", "PUNCT",
               "SCONJ", "SYM", "VERB", "X")

# --- revisions ---------------------------------------------------------------------------------
# A pinned revision is a full commit id seen on the dataset's hub page (tree or commit view) in the
# stored copy the search tool holds; "main"/branch revisions are not pinned (pinned=False) and the
# loader records the commit it resolved in TaskData.revision when the hub reports one.

REV_XNLI = "b8dd5d7af51114dbda02c0e3f6133f332186418e"  # "Convert dataset to Parquet (#10)" on main
REV_TYDIQA = "da78f23f9119363459acbaf46bf89426ff26c259"  # "Convert dataset to Parquet (#3)" on main
REV_GLUE = "a3f3ab759b9d7018046ce361f115ef38276d2e1e"  # "Convert dataset to Parquet (#16)" on main
REV_CSQA = "94630fe30dad47192a8546eb75f094926d47e155"  # "Convert dataset to Parquet (#4)" on main
# head of the parquet-conversion pull request refs/pr/7 ("Delete loading script"): parquet files
# and README configs, no script. main may still hold the loading script, which datasets>=4 refuses.
REV_HELLASWAG = "049e80830aedaee63cd025622acf83822eb46553"


@dataclass(frozen=True)
class HubTaskSource:
    """Where a task's data lives on the hub and how its columns become the normalised schema."""

    name: str
    dataset_id: str
    kind: str  # a TaskKind
    revision: str
    pinned: bool  # revision is a verified full commit id
    revision_note: str
    # language -> config name (None: the dataset's only config)
    configs: Mapping[str, str | None]
    # role ("train", "dev", "test") -> split names, concatenated in order
    splits: Mapping[str, tuple[str, ...]]
    # normalised column -> the dataset's column (None: an empty string); used by the "pair", "qa"
    # and "tagging" normalisers
    columns: Mapping[str, str | None] = field(default_factory=dict)
    normalizer: str = "pair"  # pair | qa | hellaswag | cosmosqa | commonsenseqa | retrieval | tagging
    label_names: tuple[str, ...] | None = None
    # languages whose train split is loaded: "en" plus the dataset's translated training sets
    train_languages: tuple[str, ...] = ("en",)
    parallel: bool = False  # test sets are translations of the same items, row-aligned
    train_from: str | None = None  # another HUB_TASKS entry supplying train and dev (XQuAD: SQuAD)
    # one config holds all languages; the id's prefix (before "-") names the language
    language_from_id: Mapping[str, str] | None = None
    # retrieval: per-language development sets (BUCC), kept in metadata["dev_by_language"]
    dev_by_language: tuple[str, ...] = ()
    supported: bool = True
    notes: tuple[str, ...] = ()

    @property
    def languages(self) -> list[str]:
        return list(self.configs)


def _pair(name, dataset_id, revision, pinned, note, configs, splits, s1, s2, labels, **kw) -> HubTaskSource:
    return HubTaskSource(name=name, dataset_id=dataset_id, kind="pair_classification", revision=revision,
                         pinned=pinned, revision_note=note, configs=configs, splits=splits,
                         columns={"sentence1": s1, "sentence2": s2, "label": "label"},
                         normalizer="pair", label_names=labels, **kw)


_QA_COLUMNS = {"id": "id", "question": "question", "context": "context", "answers": "answers"}
_UNPINNED = "not pinned: no full commit id of a parquet revision could be verified; resolved at load time"
_XTREME_NOTE = ("not pinned: google/xtreme was converted to parquet config by config (Feb 2024); the "
                "commit that deleted the loading script could not be verified, so 'main' is used")

HUB_TASKS: dict[str, HubTaskSource] = {
    # --- sentence-pair classification -------------------------------------------------------
    "xnli": _pair(
        "xnli", "facebook/xnli", REV_XNLI, True, "commit b8dd5d7 (parquet conversion, main)",
        {lang: lang for lang in XNLI_LANGUAGES},
        {"train": ("train",), "dev": ("validation",), "test": ("test",)},
        "premise", "hypothesis", NLI_LABELS, train_languages=XNLI_LANGUAGES, parallel=True,
        notes=("train splits other than English are machine-translated MNLI (translate-train data)",),
    ),
    "pawsx": _pair(
        "pawsx", "google-research-datasets/paws-x", "main", False, _UNPINNED,
        {lang: lang for lang in PAWSX_LANGUAGES},
        {"train": ("train",), "dev": ("validation",), "test": ("test",)},
        "sentence1", "sentence2", ("not_paraphrase", "paraphrase"), train_languages=PAWSX_LANGUAGES,
        parallel=True,
        notes=("train splits other than English are machine-translated PAWS-Wiki",
               "the dataset marks missing labels -1; those rows are dropped"),
    ),
    "mnli": _pair(
        "mnli", "nyu-mll/glue", REV_GLUE, True, "commit a3f3ab7 (parquet conversion, main)",
        {"en": "mnli"}, {"train": ("train",), "dev": ("validation_matched",), "test": ("validation_mismatched",)},
        "premise", "hypothesis", NLI_LABELS,
        notes=("GLUE test labels are hidden: dev is validation_matched, test is validation_mismatched",),
    ),
    "qqp": _pair(
        "qqp", "nyu-mll/glue", REV_GLUE, True, "commit a3f3ab7 (parquet conversion, main)",
        {"en": "qqp"}, {"train": ("train",), "dev": ("validation",), "test": ("validation",)},
        "question1", "question2", ("not_duplicate", "duplicate"),
        notes=("GLUE test labels are hidden: test is the validation split (same rows as dev)",),
    ),
    "sst2": _pair(
        "sst2", "nyu-mll/glue", REV_GLUE, True, "commit a3f3ab7 (parquet conversion, main)",
        {"en": "sst2"}, {"train": ("train",), "dev": ("validation",), "test": ("validation",)},
        "sentence", None, ("negative", "positive"),
        notes=("single-sentence task: sentence2 is the empty string (metadata single_sentence)",
               "GLUE test labels are hidden: test is the validation split (same rows as dev)"),
    ),
    "anli": _pair(
        "anli", "facebook/anli", "main", False, _UNPINNED,
        {"en": None},
        {"train": ("train_r1", "train_r2", "train_r3"), "dev": ("dev_r1", "dev_r2", "dev_r3"),
         "test": ("test_r1", "test_r2", "test_r3")},
        "premise", "hypothesis", NLI_LABELS,
        notes=("rounds r1, r2 and r3 concatenated in that order",),
    ),
    # --- extractive QA -----------------------------------------------------------------------
    "squad": HubTaskSource(
        name="squad", dataset_id="rajpurkar/squad", kind="qa", revision="main", pinned=False,
        revision_note=_UNPINNED, configs={"en": None},
        splits={"train": ("train",), "dev": ("validation",), "test": ("validation",)},
        columns=_QA_COLUMNS, normalizer="qa",
        notes=("SQuAD v1.1 has no public test set: test is the validation split (same rows as dev)",),
    ),
    "squad_v2": HubTaskSource(
        name="squad_v2", dataset_id="rajpurkar/squad_v2", kind="qa", revision="main", pinned=False,
        revision_note=_UNPINNED, configs={"en": None},
        splits={"train": ("train",), "dev": ("validation",), "test": ("validation",)},
        columns=_QA_COLUMNS, normalizer="qa",
        notes=("unanswerable questions have empty answers lists",
               "no public test set: test is the validation split (same rows as dev)"),
    ),
    "tydiqa": HubTaskSource(
        name="tydiqa", dataset_id="google-research-datasets/tydiqa", kind="qa", revision=REV_TYDIQA,
        pinned=True, revision_note="commit da78f23 (parquet conversion, main)",
        configs={lang: "secondary_task" for lang in TYDIQA_LANGUAGES},
        splits={"train": ("train",), "dev": ("validation",), "test": ("validation",)},
        columns=_QA_COLUMNS, normalizer="qa", language_from_id=TYDIQA_ID_PREFIX,
        notes=("TyDiQA-GoldP (secondary_task): train is the English part of the GoldP train split; "
               "test per language is the GoldP validation split, as in XTREME",
               "English dev and English test are the same rows"),
    ),
    "xquad": HubTaskSource(
        name="xquad", dataset_id="google/xtreme", kind="qa", revision="main", pinned=False,
        revision_note=_XTREME_NOTE, configs={lang: f"XQuAD.{lang}" for lang in XQUAD_LANGUAGES},
        splits={"test": ("validation",)}, columns=_QA_COLUMNS, normalizer="qa", parallel=True,
        train_from="squad",
        notes=("train and dev are SQuAD v1.1 (English), as in XTREME",),
    ),
    "mlqa": HubTaskSource(
        name="mlqa", dataset_id="google/xtreme", kind="qa", revision="main", pinned=False,
        revision_note=_XTREME_NOTE, configs={lang: f"MLQA.{lang}.{lang}" for lang in MLQA_LANGUAGES},
        splits={"test": ("test",)}, columns=_QA_COLUMNS, normalizer="qa", train_from="squad",
        notes=("train and dev are SQuAD v1.1 (English), as in XTREME",
               "test per language is MLQA.<lang>.<lang> (context and question in the same language)"),
    ),
    # --- multiple choice ---------------------------------------------------------------------
    "hellaswag": HubTaskSource(
        name="hellaswag", dataset_id="Rowan/hellaswag", kind="multiple_choice", revision=REV_HELLASWAG,
        pinned=True, revision_note="commit 049e808 (head of parquet-conversion PR refs/pr/7)",
        configs={"en": None}, splits={"train": ("train",), "dev": ("validation",), "test": ("validation",)},
        normalizer="hellaswag",
        notes=("context is the dataset's ctx (ctx_a + ctx_b); label is stored as a string",
               "test labels are hidden: test is the validation split (same rows as dev)"),
    ),
    "cosmosqa": HubTaskSource(
        name="cosmosqa", dataset_id="allenai/cosmos_qa", kind="multiple_choice",
        revision="refs/convert/parquet", pinned=False,
        revision_note=("not pinned: main still holds a loading script (datasets>=4 refuses scripts); "
                       "the hub's parquet export branch refs/convert/parquet is used"),
        configs={"en": None}, splits={"train": ("train",), "dev": ("validation",), "test": ("validation",)},
        normalizer="cosmosqa",
        notes=("context is the passage and the question joined by a space; endings are answer0..answer3",
               "test labels are hidden: test is the validation split (same rows as dev)"),
    ),
    "commonsenseqa": HubTaskSource(
        name="commonsenseqa", dataset_id="tau/commonsense_qa", kind="multiple_choice", revision=REV_CSQA,
        pinned=True, revision_note="commit 94630fe (parquet conversion, main)",
        configs={"en": None}, splits={"train": ("train",), "dev": ("validation",), "test": ("validation",)},
        normalizer="commonsenseqa",
        notes=("context is the question; endings are choices.text; label is answerKey's index in choices.label",
               "test labels are hidden: test is the validation split (same rows as dev)"),
    ),
    # --- retrieval (no training) ------------------------------------------------------------
    "bucc": HubTaskSource(
        name="bucc", dataset_id="google/xtreme", kind="retrieval", revision="main", pinned=False,
        revision_note=_XTREME_NOTE, configs={lang: f"bucc18.{lang}" for lang in BUCC_LANGUAGES},
        splits={"test": ("test",)}, normalizer="retrieval", dev_by_language=("validation",),
        notes=("only the gold pairs: the hub copy has no distractor sentences, so this is retrieval among "
               "gold pairs, not BUCC mining with its F1 threshold",),
    ),
    "tatoeba": HubTaskSource(
        name="tatoeba", dataset_id="google/xtreme", kind="retrieval", revision="main", pinned=False,
        revision_note=_XTREME_NOTE, configs={lang: f"tatoeba.{code}" for lang, code in TATOEBA_CONFIGS.items()},
        splits={"test": ("validation",)}, normalizer="retrieval",
        notes=("XTREME's 36 Tatoeba languages (configs named by ISO 639-3 code)",),
    ),
    # --- token classification -------------------------------------------------------------
    # Verified with the search tool against google/xtreme's hub pages: the parquet layout
    # "<config>/{train,validation,test}-00000-of-00001.parquet" (tree of PAN-X.af, commit "Add
    # udpos.English data files"), PAN-X columns tokens / ner_tags / langs and udpos columns tokens /
    # pos_tags with the ClassLabel names above (dataset script, commits 6d98a07 and 53bd002), the
    # config names from the script's _PAN_X_LANG and _UD_POS_LANG lists.
    "panx": HubTaskSource(
        name="panx", dataset_id="google/xtreme", kind="token_classification", revision="main", pinned=False,
        revision_note=_XTREME_NOTE, configs={lang: f"PAN-X.{lang}" for lang in PANX_LANGUAGES},
        splits={"train": ("train",), "dev": ("validation",), "test": ("test",)},
        columns={"tokens": "tokens", "tags": "ner_tags"}, normalizer="tagging", label_names=PANX_LABELS,
        notes=("train and dev are PAN-X.en's train and validation splits; test is each language's test split",
               "scored as entity F1 over IOB2 tags (seqeval's default mode), as XTREME reports PAN-X"),
    ),
    "udpos": HubTaskSource(
        name="udpos", dataset_id="google/xtreme", kind="token_classification", revision="main", pinned=False,
        revision_note=_XTREME_NOTE, configs={lang: f"udpos.{name}" for lang, name in UDPOS_CONFIGS.items()},
        splits={"train": ("train",), "dev": ("validation",), "test": ("test",)},
        columns={"tokens": "tokens", "tags": "pos_tags"}, normalizer="tagging", label_names=UPOS_LABELS,
        notes=(("train and dev are udpos.English's train and validation splits (UD English treebanks); test is "
                "each language's test split"),
               ("scored as per-word accuracy, reported as f1; XTREME ran seqeval on the prefix-less UPOS tags, "
                "which scores runs of identical tags as chunks, so its F1 differs somewhat")),
    ),
    # --- known, not supported yet ------------------------------------------------------------
    "copa": HubTaskSource(
        name="copa", dataset_id="cambridgeltl/xcopa", kind="multiple_choice", revision="main", pinned=False,
        revision_note=_UNPINNED, configs={}, splits={}, supported=False,
        notes=("XCOPA is not wired to hub datasets yet (test languages and the English training data "
               "it needs are unverified)",),
    ),
}


def supported_tasks() -> list[str]:
    """Names of the tasks :func:`load_hub_task` can load (the full profile's hub tasks)."""
    return [name for name, source in HUB_TASKS.items() if source.supported]


def get_source(name: str) -> HubTaskSource:
    """The registry entry; a clear error for unknown names and known-but-unsupported tasks."""
    if name not in HUB_TASKS:
        raise ValueError(f"unknown hub task {name!r}; known: {sorted(HUB_TASKS)}")
    source = HUB_TASKS[name]
    if not source.supported:
        # every task kind is implemented: what such a task lacks is its data wiring (see its notes)
        raise NotImplementedError(
            f"hub task {name!r} ({source.dataset_id}, kind {source.kind!r}) is registered but not supported "
            f"yet. {' '.join(source.notes)}"
        )
    return source


def _sources_for(name: str) -> list[HubTaskSource]:
    source = get_source(name)
    chain = [source]
    if source.train_from:
        chain.append(get_source(source.train_from))
    return chain


def dataset_requirements(name: str, languages: Sequence[str] | None = None) -> list[tuple[str, str | None, str]]:
    """(dataset id, config, revision) of every hub dataset config the task loads."""
    source = get_source(name)
    langs = _select_languages(source, languages)
    reqs: list[tuple[str, str | None, str]] = []
    need_en = source.kind != "retrieval" and not source.train_from and "en" in source.configs
    for lang in dict.fromkeys((["en"] if need_en else []) + langs):
        reqs.append((source.dataset_id, source.configs[lang], source.revision))
    if source.train_from:
        reqs.extend(dataset_requirements(source.train_from, ["en"]))
    return list(dict.fromkeys(reqs))


def hub_task_revision(name: str) -> str:
    """Identifies every dataset revision a task reads (its own and its train_from source's)."""
    return "+".join(f"{s.dataset_id}@{s.revision}" for s in _sources_for(name))


# --- loading -----------------------------------------------------------------------------------


class _Reader:
    """Loads DatasetDicts (hub or local layout), remembering them, and collects what is missing."""

    def __init__(self, data_root: Path | None, cache_dir: Path | None):
        self.data_root = Path(data_root) if data_root is not None else None
        self.cache_dir = str(cache_dir) if cache_dir is not None else None
        self.loaded: dict[tuple[str, str | None], Any] = {}
        self.missing: list[str] = []
        self._offline: bool | None = None

    def offline(self) -> bool:
        """Reading the hub without network: the environment says so, or the hub does not answer."""
        if self.data_root is not None:
            return False
        if self._offline is None:
            from repro.prefetch import hub_reachable

            self._offline = not hub_reachable()
        return self._offline

    def path(self, source: HubTaskSource) -> str:
        if self.data_root is None:
            return source.dataset_id
        local = self.data_root / source.dataset_id
        if not local.is_dir():
            raise FileNotFoundError(
                f"{source.name}: no local copy of {source.dataset_id} at {local} (data_root is laid out "
                f"like the hub: data_root/<dataset id>/ with the repository's README.md and data files)"
            )
        return str(local)

    def read(self, source: HubTaskSource, config: str | None):
        key = (source.dataset_id, config)
        if key in self.loaded:
            return self.loaded[key]
        import datasets

        from repro.prefetch import _network_error_types, hub_offline

        kwargs: dict[str, Any] = {"cache_dir": self.cache_dir}
        if self.data_root is None:
            kwargs["revision"] = source.revision
        offline = self.offline()
        path = self.path(source)
        # offline, datasets answers from its cache: FileNotFoundError (dataset not cached) or
        # ValueError (config not cached) then mean "missing", not a bad config name
        missing_errors = _network_error_types() + ((FileNotFoundError, ValueError) if offline else ())
        try:
            with hub_offline(offline):
                dd = datasets.load_dataset(path, config, **kwargs)
        except missing_errors:
            label = f"dataset {source.dataset_id}" + (f" (config {config})" if config else "")
            self.missing.append(f"{label} @ {source.revision}")
            self.loaded[key] = None
            return None
        except RuntimeError as exc:
            if "scripts are no longer supported" in str(exc):
                raise RuntimeError(
                    f"{source.name}: {source.dataset_id} @ {source.revision} still has a loading script, which "
                    f"this datasets version refuses; pin a parquet revision in repro.tasks.hub.HUB_TASKS "
                    f"(e.g. 'refs/convert/parquet'). ({exc})"
                ) from exc
            raise
        self.loaded[key] = dd
        return dd


def _select_languages(source: HubTaskSource, languages: Sequence[str] | None) -> list[str]:
    available = list(source.configs)
    if languages is None:
        return available
    unknown = [lang for lang in languages if lang not in available]
    if unknown:
        raise ValueError(f"{source.name}: no test set for language(s) {unknown}; available: {available}")
    return list(dict.fromkeys(languages))


def _split(dd, source: HubTaskSource, role: str, config: str | None):
    import datasets

    names = source.splits[role]
    absent = [n for n in names if n not in dd]
    if absent:
        raise ValueError(
            f"{source.name}: {source.dataset_id} config {config!r} has no split(s) {absent} "
            f"(needed as {role}); it has {list(dd)}"
        )
    parts = [dd[n] for n in names]
    return parts[0] if len(parts) == 1 else datasets.concatenate_datasets(parts)


def _by_language(ds, prefixes: Mapping[str, str]) -> dict[str, list[int]]:
    groups: dict[str, list[int]] = {}
    for i, example_id in enumerate(ds["id"]):
        prefix = str(example_id).split("-", 1)[0].lower()
        groups.setdefault(prefixes.get(prefix, prefix), []).append(i)
    return groups


def _truncate(ds, max_examples: int | None):
    if ds is None or max_examples is None or len(ds) <= max_examples:
        return ds
    return ds.select(range(max_examples))


def load_hub_task(name: str, *, data_root: Path | None = None, languages: list[str] | None = None,
                  max_examples: int | None = None, cache_dir: Path | None = None) -> TaskData:
    """Load a full-profile task from the hub (or a local copy in the hub layout) as TaskData.

    name: a key of :data:`HUB_TASKS`. data_root: a directory holding ``<dataset id>/`` copies laid
    out like the hub repositories; None reads the hub at the pinned revision (or the local HF
    cache when offline). languages: the test languages to load (default: all); English training
    and dev data are always loaded, translated training sets only for the selected languages.
    max_examples: keep the first N rows of every split (after dropping unlabelled rows), for quick
    runs; parallel test sets stay aligned. cache_dir: the ``datasets`` cache (default: HF's).

    Raises NotImplementedError for known-but-unsupported tasks (XCOPA), and
    ``repro.prefetch.MissingResourceError`` naming every dataset config that is neither reachable
    nor cached.
    """
    from repro.prefetch import MissingResourceError

    source = get_source(name)
    langs = _select_languages(source, languages)
    reader = _Reader(data_root, cache_dir)
    notes = list(source.notes)
    metadata: dict[str, Any] = {"dataset_id": source.dataset_id, "revision_pinned": source.pinned,
                                "revision_note": source.revision_note, "notes": notes, "dropped": {}}

    # read every config first, so that one error can name everything that is missing
    train_source = get_source(source.train_from) if source.train_from else source
    raw_configs: dict[str, Any] = {}
    need_en = source.kind != "retrieval" and not source.train_from and "en" in source.configs
    for lang in dict.fromkeys(langs + (["en"] if need_en else [])):
        raw_configs[lang] = reader.read(source, source.configs[lang])
    if source.train_from:
        raw_train_en = reader.read(train_source, train_source.configs["en"])
    if reader.missing:
        raise MissingResourceError(
            reader.missing,
            reason="the Hugging Face hub is not reachable" if reader.offline() else "download failed",
        )

    label_names = list(source.label_names) if source.label_names else None
    meta_sink: dict[str, Any] = {}

    def norm(ds, src: HubTaskSource, role: str, lang: str):
        out, dropped = _NORMALIZERS[src.normalizer](ds, src, meta_sink)
        if dropped:
            metadata["dropped"][f"{role}/{lang}"] = dropped
        return out

    # --- English train and dev, translated train sets ---------------------------------------
    train: dict[str, Any] = {}
    dev = None
    if source.kind != "retrieval":
        if source.train_from:
            train_dd, tsrc = raw_train_en, train_source
        else:
            train_dd, tsrc = raw_configs["en"], source
        if source.language_from_id:
            base_train = _split(train_dd, tsrc, "train", tsrc.configs["en"])
            base_dev = _split(train_dd, tsrc, "dev", tsrc.configs["en"])
            train["en"] = norm(base_train.select(_by_language(base_train, source.language_from_id).get("en", [])),
                               tsrc, "train", "en")
            dev = norm(base_dev.select(_by_language(base_dev, source.language_from_id).get("en", [])),
                       tsrc, "dev", "en")
        else:
            train["en"] = norm(_split(train_dd, tsrc, "train", tsrc.configs["en"]), tsrc, "train", "en")
            dev = norm(_split(train_dd, tsrc, "dev", tsrc.configs["en"]), tsrc, "dev", "en")
        for lang in langs:
            if lang != "en" and lang in source.train_languages and not source.train_from:
                train[lang] = norm(_split(raw_configs[lang], source, "train", source.configs[lang]),
                                   source, "train", lang)
        train = {lang: _truncate(ds, max_examples) for lang, ds in train.items()}
        dev = _truncate(dev, max_examples)

    # --- test sets ------------------------------------------------------------------------------
    raw_tests: dict[str, Any] = {}
    if source.language_from_id:
        base = _split(raw_configs[langs[0]], source, "test", source.configs[langs[0]])
        groups = _by_language(base, source.language_from_id)
        unknown = sorted(set(groups) - set(source.language_from_id.values()))
        if unknown:
            notes.append(f"test rows with unrecognised id prefixes were ignored: {unknown}")
        for lang in langs:
            raw_tests[lang] = base.select(groups.get(lang, []))
    else:
        for lang in langs:
            raw_tests[lang] = _split(raw_configs[lang], source, "test", source.configs[lang])

    parallel = source.parallel
    tests: dict[str, Any] = {}
    if parallel:
        tests, parallel = _parallel_tests(raw_tests, source, meta_sink, metadata)
    else:
        for lang, ds in raw_tests.items():
            tests[lang] = norm(ds, source, "test", lang)
    tests = {lang: _truncate(ds, max_examples) for lang, ds in tests.items()}

    if source.dev_by_language:
        metadata["dev_by_language"] = {
            lang: _truncate(norm(_dev_by_language(raw_configs[lang], source), source, "dev", lang), max_examples)
            for lang in langs
        }
    metadata.update(meta_sink)
    if source.normalizer == "pair" and source.columns.get("sentence2") is None:
        metadata["single_sentence"] = True

    revision = _revision_string(reader, [source] + ([train_source] if source.train_from else []))
    return TaskData(name=name, kind=source.kind, train=train, dev=dev, test=tests, label_names=label_names,
                    parallel=parallel, revision=revision, metadata=metadata)


def _dev_by_language(dd, source: HubTaskSource):
    import datasets

    parts = [dd[n] for n in source.dev_by_language if n in dd]
    if not parts:
        raise ValueError(f"{source.name}: no split {list(source.dev_by_language)}; it has {list(dd)}")
    return parts[0] if len(parts) == 1 else datasets.concatenate_datasets(parts)


def _parallel_tests(raw_tests: dict[str, Any], source: HubTaskSource, meta_sink: dict, metadata: dict):
    """Normalise row-aligned test sets; drop a row everywhere if it is unlabelled anywhere.

    Alignment is checked, not assumed: equal lengths and, where the dataset has an ``id`` column,
    equal ids row by row, else equal labels on the rows labelled in every language. Sets that fail
    the check are returned unaligned (``parallel`` False) with a note.
    """
    n_labels = len(source.label_names) if source.label_names else None
    ids = {lang: (list(ds["id"]) if "id" in ds.column_names else None) for lang, ds in raw_tests.items()}
    normalized = {}
    for lang, ds in raw_tests.items():
        normalized[lang], _ = _NORMALIZERS[source.normalizer](ds, source, meta_sink, drop_invalid=False)

    def valid(y):
        return 0 <= y < (n_labels if n_labels is not None else 1 << 30)

    labels = {lang: ds["label"] for lang, ds in normalized.items() if "label" in ds.column_names}
    invalid = {i for ys in labels.values() for i, y in enumerate(ys) if not valid(y)}
    lengths = {lang: len(ds) for lang, ds in normalized.items()}
    aligned = len(set(lengths.values())) <= 1
    if aligned and ids and all(v is not None for v in ids.values()):
        first = next(iter(ids.values()))
        aligned = all(v == first for v in ids.values())
    elif aligned and labels:
        first = next(iter(labels.values()))
        aligned = all(all(a == b for i, (a, b) in enumerate(zip(ys, first)) if i not in invalid)
                      for ys in labels.values())
    if not aligned:
        metadata["notes"].append(
            f"test sets are not row-aligned across languages (lengths {lengths}); parallel is False"
        )
    if aligned and invalid:
        keep = [i for i in range(next(iter(lengths.values()))) if i not in invalid]
        normalized = {lang: ds.select(keep) for lang, ds in normalized.items()}
        metadata["dropped"]["test/every language"] = len(invalid)
    elif invalid:
        for lang, ds in normalized.items():
            before = len(ds)
            normalized[lang] = ds.filter(valid, input_columns="label")
            if before - len(normalized[lang]):
                metadata["dropped"][f"test/{lang}"] = before - len(normalized[lang])
    return normalized, aligned


def _revision_string(reader: _Reader, sources: list[HubTaskSource]) -> str:
    if reader.data_root is not None:
        digest = hashlib.sha256()
        for src in sources:
            digest.update(_tree_hash(reader.data_root / src.dataset_id).encode())
        return f"local:{digest.hexdigest()[:16]}"
    parts = []
    for src in {s.dataset_id: s for s in sources}.values():
        resolved = None if src.pinned else _resolved_commit(reader, src)
        parts.append(f"{src.dataset_id}@{src.revision}" + (f"({resolved})" if resolved else ""))
    return "+".join(parts)


_COMMIT_IN_URL = re.compile(r"@([0-9a-f]{40})/")


def _resolved_commit(reader: _Reader, source: HubTaskSource) -> str | None:
    """The commit the hub resolved an unpinned revision to, from the download checksums' URLs."""
    for (dataset_id, _config), dd in reader.loaded.items():
        if dataset_id != source.dataset_id or dd is None:
            continue
        for ds in dd.values():
            for url in (ds.info.download_checksums or {}):
                match = _COMMIT_IN_URL.search(url)
                if match:
                    return match.group(1)
    return None


def _tree_hash(root: Path, big: int = 64 << 20, edge: int = 4 << 20) -> str:
    """Content hash of a local dataset copy (names and bytes; files over 64 MiB: size and both ends)."""
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        rel = path.relative_to(root).as_posix()
        if rel.startswith(".cache/"):
            continue
        size = path.stat().st_size
        digest.update(f"{rel}\0{size}\0".encode())
        with path.open("rb") as fh:
            if size <= big:
                for chunk in iter(lambda: fh.read(1 << 20), b""):
                    digest.update(chunk)
            else:
                digest.update(fh.read(edge))
                fh.seek(size - edge)
                digest.update(fh.read(edge))
    return digest.hexdigest()


def dataset_cached(dataset_id: str, config: str | None, revision: str, cache_dir: Path | None = None) -> bool:
    """Whether the dataset config loads from the local caches alone (no network)."""
    import datasets

    from repro.prefetch import _network_error_types, hub_offline

    try:
        with hub_offline():
            datasets.load_dataset(dataset_id, config, revision=revision,
                                  cache_dir=str(cache_dir) if cache_dir else None)
    except (*_network_error_types(), FileNotFoundError, ValueError):
        return False
    return True


# --- normalisers -------------------------------------------------------------------------------
# Each takes a dataset in the hub's own columns and returns (dataset in the normalised columns,
# number of rows dropped for a missing label). They never keep other columns.


def _features(kind: str):
    from datasets import Features, List, Value

    if kind == "pair_classification":
        return Features({"sentence1": Value("string"), "sentence2": Value("string"), "label": Value("int64")})
    if kind == "qa":
        return Features({"id": Value("string"), "question": Value("string"), "context": Value("string"),
                         "answers": {"text": List(Value("string")), "answer_start": List(Value("int32"))}})
    if kind == "multiple_choice":
        return Features({"context": Value("string"), "endings": List(Value("string")), "label": Value("int64")})
    if kind == "retrieval":
        return Features({"source_sentence": Value("string"), "target_sentence": Value("string")})
    if kind == "token_classification":
        return Features({"tokens": List(Value("string")), "tags": List(Value("int64"))})
    raise ValueError(kind)


def _label_converter(ds, column: str, label_names: Sequence[str] | None, where: str) -> Callable[[Any], int]:
    """Map the dataset's label values to 0..n-1 (-1: missing), checking the label names agree."""
    from datasets import ClassLabel

    if column not in ds.column_names:
        raise ValueError(f"{where}: no label column {column!r}; columns: {ds.column_names}")
    feature = ds.features[column]
    expected = list(label_names) if label_names else None
    if isinstance(feature, ClassLabel):
        names = list(feature.names)
        if expected is None or names == expected or all(str(n).isdigit() for n in names):
            return lambda v: -1 if v is None else int(v)
        unknown = [n for n in names if n not in expected]
        if unknown:
            raise ValueError(f"{where}: label names {names} do not match the expected {expected}")
        mapping = {i: expected.index(n) for i, n in enumerate(names)}
        return lambda v: -1 if v is None or v < 0 else mapping[int(v)]

    def convert(v):
        if v is None:
            return -1
        if isinstance(v, str):
            text = v.strip()
            if re.fullmatch(r"-?\d+", text):
                return int(text)
            if expected and text in expected:
                return expected.index(text)
            if text == "":
                return -1
            raise ValueError(f"{where}: label {v!r} is neither an index nor one of {expected}")
        return int(v)

    return convert


def _require(ds, columns: Sequence[str], where: str) -> None:
    absent = [c for c in columns if c and c not in ds.column_names]
    if absent:
        raise ValueError(f"{where}: missing column(s) {absent}; the dataset has {ds.column_names}")


def _finish(ds, fn, kind: str, n_labels: int | None, drop_invalid: bool):
    out = ds.map(fn, batched=True, remove_columns=ds.column_names, features=_features(kind),
                 desc=None, load_from_cache_file=True)
    dropped = 0
    if drop_invalid and "label" in out.column_names:
        before = len(out)
        upper = n_labels if n_labels is not None else 1 << 30
        out = out.filter(lambda y: 0 <= y < upper, input_columns="label")
        dropped = before - len(out)
    return out, dropped


def _norm_pair(ds, source: HubTaskSource, meta: dict, drop_invalid: bool = True):
    where = f"{source.name} ({source.dataset_id})"
    s1, s2 = source.columns["sentence1"], source.columns.get("sentence2")
    _require(ds, [s1, s2], where)
    conv = _label_converter(ds, source.columns.get("label", "label"), source.label_names, where)
    label_col = source.columns.get("label", "label")

    def fn(batch):
        n = len(batch[s1])
        return {"sentence1": ["" if v is None else v for v in batch[s1]],
                "sentence2": ["" if s2 is None or v is None else v for v in (batch[s2] if s2 else [None] * n)],
                "label": [conv(v) for v in batch[label_col]]}

    return _finish(ds, fn, "pair_classification", len(source.label_names or ()) or None, drop_invalid)


def _norm_qa(ds, source: HubTaskSource, meta: dict, drop_invalid: bool = True):
    where = f"{source.name} ({source.dataset_id})"
    cols = source.columns
    _require(ds, [cols["id"], cols["question"], cols["context"], cols["answers"]], where)

    def fn(batch):
        answers = []
        for ans in batch[cols["answers"]]:
            if isinstance(ans, list):  # a list of {"text", "answer_start"} records
                texts = [a["text"] for a in ans]
                starts = [a["answer_start"] for a in ans]
            else:
                texts, starts = list(ans["text"]), list(ans["answer_start"])
            if len(texts) != len(starts):
                raise ValueError(f"{where}: answers with {len(texts)} texts but {len(starts)} starts")
            answers.append({"text": texts, "answer_start": [int(s) for s in starts]})
        return {"id": [str(v) for v in batch[cols["id"]]], "question": batch[cols["question"]],
                "context": batch[cols["context"]], "answers": answers}

    out, dropped = _finish(ds, fn, "qa", None, False)
    # answers whose text is not at answer_start in the context (counted, not dropped)
    bad = sum(1 for context, ans in zip(out["context"], out["answers"])
              for t, s in zip(ans["text"], ans["answer_start"]) if s < 0 or context[s:s + len(t)] != t)
    if bad:
        meta["answer_span_mismatches"] = meta.get("answer_span_mismatches", 0) + bad
    return out, dropped


def _norm_hellaswag(ds, source: HubTaskSource, meta: dict, drop_invalid: bool = True):
    where = f"{source.name} ({source.dataset_id})"
    _require(ds, ["ctx", "endings", "label"], where)
    conv = _label_converter(ds, "label", None, where)

    def fn(batch):
        return {"context": batch["ctx"], "endings": [list(e) for e in batch["endings"]],
                "label": [conv(v) for v in batch["label"]]}

    return _finish(ds, fn, "multiple_choice", 4, drop_invalid)


def _norm_cosmosqa(ds, source: HubTaskSource, meta: dict, drop_invalid: bool = True):
    where = f"{source.name} ({source.dataset_id})"
    answers = ["answer0", "answer1", "answer2", "answer3"]
    _require(ds, ["context", "question", *answers, "label"], where)
    conv = _label_converter(ds, "label", None, where)

    def fn(batch):
        return {"context": [f"{c} {q}" for c, q in zip(batch["context"], batch["question"])],
                "endings": [list(row) for row in zip(*(batch[a] for a in answers))],
                "label": [conv(v) for v in batch["label"]]}

    return _finish(ds, fn, "multiple_choice", 4, drop_invalid)


def _norm_commonsenseqa(ds, source: HubTaskSource, meta: dict, drop_invalid: bool = True):
    where = f"{source.name} ({source.dataset_id})"
    _require(ds, ["question", "choices", "answerKey"], where)

    def fn(batch):
        labels, endings = [], []
        for choices, key in zip(batch["choices"], batch["answerKey"]):
            keys = list(choices["label"])
            endings.append(list(choices["text"]))
            labels.append(keys.index(key) if key in keys else -1)
        return {"context": batch["question"], "endings": endings, "label": labels}

    return _finish(ds, fn, "multiple_choice", 5, drop_invalid)


def _lang_code(value) -> str:
    """"de", "deu" or a BUCC sentence id such as "de-000000123" -> its language code, lower case."""
    return str(value).split("-", 1)[0].strip().lower()


def _norm_retrieval(ds, source: HubTaskSource, meta: dict, drop_invalid: bool = True):
    """Source sentence in the test language, target in English; line ends stripped.

    google/xtreme's script read Tatoeba line by line (sentences may keep their "\n") and, in some
    versions, stored BUCC's sentence ids ("de-000000123") as source_lang / target_lang.
    """
    where = f"{source.name} ({source.dataset_id})"
    _require(ds, ["source_sentence", "target_sentence"], where)
    swap = False
    if len(ds) and "source_lang" in ds.column_names and "target_lang" in ds.column_names:
        src_lang, tgt_lang = _lang_code(ds[0]["source_lang"]), _lang_code(ds[0]["target_lang"])
        if src_lang in ENGLISH_CODES and tgt_lang not in ENGLISH_CODES:
            swap = True
        elif tgt_lang not in ENGLISH_CODES:
            raise ValueError(f"{where}: neither side is English (source_lang={ds[0]['source_lang']!r}, "
                             f"target_lang={ds[0]['target_lang']!r})")

    def fn(batch):
        a = [str(v).rstrip("\r\n") for v in batch["source_sentence"]]
        b = [str(v).rstrip("\r\n") for v in batch["target_sentence"]]
        return {"source_sentence": b if swap else a, "target_sentence": a if swap else b}

    return _finish(ds, fn, "retrieval", None, False)


def _tag_converter(ds, column: str, label_names: Sequence[str], where: str) -> Callable[[list], list[int]]:
    """Map one sentence's tags to indices into ``label_names``, checking the ClassLabel names agree
    (a sequence of ClassLabel ints, plain ints, or tag names as strings)."""
    from datasets import ClassLabel

    expected = list(label_names)
    inner = getattr(ds.features[column], "feature", None)  # List(ClassLabel) / Sequence(ClassLabel)
    if isinstance(inner, ClassLabel):
        names = list(inner.names)
        unknown = [n for n in names if n not in expected]
        if unknown:
            raise ValueError(f"{where}: tag names {names} do not match the expected {expected}")
        mapping = [expected.index(n) for n in names]
        return lambda tags: [mapping[t] if 0 <= t < len(mapping) else -1 for t in tags]

    def convert(tags):
        out = []
        for t in tags:
            if isinstance(t, str) and not re.fullmatch(r"-?\d+", t.strip()):
                if t not in expected:
                    raise ValueError(f"{where}: tag {t!r} is neither an index nor one of {expected}")
                out.append(expected.index(t))
            else:
                out.append(int(t))
        return out

    return convert


def _norm_tagging(ds, source: HubTaskSource, meta: dict, drop_invalid: bool = True):
    """Words and one tag index per word; a sentence with no words, a tag per word missing or a tag
    outside the tag set is dropped (and counted)."""
    where = f"{source.name} ({source.dataset_id})"
    tokens_col, tags_col = source.columns["tokens"], source.columns["tags"]
    _require(ds, [tokens_col, tags_col], where)
    convert = _tag_converter(ds, tags_col, source.label_names, where)
    n_tags = len(source.label_names)

    def fn(batch):
        out = {"tokens": [], "tags": []}
        for words, tags in zip(batch[tokens_col], batch[tags_col]):
            words, tags = list(words or []), convert(tags or [])
            valid = bool(words) and len(words) == len(tags) and all(0 <= t < n_tags for t in tags)
            if valid or not drop_invalid:
                out["tokens"].append(words)
                out["tags"].append(tags)
        return out

    out, _ = _finish(ds, fn, "token_classification", None, False)
    return out, len(ds) - len(out)


_NORMALIZERS = {
    "pair": _norm_pair,
    "qa": _norm_qa,
    "hellaswag": _norm_hellaswag,
    "cosmosqa": _norm_cosmosqa,
    "commonsenseqa": _norm_commonsenseqa,
    "retrieval": _norm_retrieval,
    "tagging": _norm_tagging,
}
