"""The hub datasets the full profile reads: which dataset, revision and config per language, which
splits play train / dev / test, and how the dataset's columns map onto the normalised schema.

Pure data (the loader is ``repro.tasks.hub``). A pinned revision is a full commit id seen on the
dataset's hub page (tree or commit view) in the stored copy the search tool holds; an unpinned one
("main", a branch) is resolved to the commit the hub cache holds and that commit goes into the
RunSpec, so an upstream change re-runs what depends on it.

Zero-shot conventions kept here (the trainer and evaluator rely on them):

- ``train["en"]`` is the English training set; other ``train`` keys are the dataset's translated
  training sets (XNLI and PAWS-X ship machine-translated train splits), never gold in-language data;
- ``dev`` is English only (model selection happens on English);
- where a dataset hides its test labels (GLUE, HellaSwag, CosmosQA, CommonsenseQA) the labelled
  validation split is the test set, and the notes say so;
- rows whose label is missing (``-1``) are dropped and counted; in parallel test sets a row is
  dropped from every language, so row i stays the same item.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

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
# XCOPA's 11 languages (cambridgeltl/xcopa configs; no English set)
XCOPA_LANGUAGES = ("et", "ht", "id", "it", "qu", "sw", "ta", "th", "tr", "vi", "zh")
# MLQA's translate-train languages (facebook/mlqa configs mlqa-translate-train.<lang>)
MLQA_TRANSLATE_LANGUAGES = ("ar", "de", "es", "hi", "vi", "zh")
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
# the research notes of this project (issue 11), read from the stored hub pages named beside each
REV_XTREME = "21f88c0ff5bf413a83c854eb00050e75d245161f"  # google/xtreme commit 'Delete loading script'
REV_XCOPA = "c9333d98d651228e9e5cb6b67b74766daab1679b"  # cambridgeltl/xcopa tree, 'Add translation-tr data files'
REV_SUPERGLUE = "1cce4e59b214b1aa50a4b28d674168a7c6ba6047"  # hgissbkh/super_glue tree (copa/*.parquet)
REV_LEXGLUE = "9c205f32915297e23b9922ab44df1a931823d7fd"  # coastalcph/lex_glue tree, 'Delete loading script'
REV_MEDQA = "0fb93dd23a7339b6dcd27e241cb9b5eca62d4d18"  # GBaker/MedQA-USMLE-4-options commits, 'Update README.md'



@dataclass(frozen=True)
class HubTaskSource:
    """Where a task's data lives on the hub and how its columns become the normalised schema."""

    name: str
    dataset_id: str
    kind: str  # a task kind of repro.catalog.KINDS
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
    # another HUB_TASKS entry whose per-language training sets are this task's machine translations
    translations_from: str | None = None
    # one config holds all languages; the id's prefix (before "-") names the language
    language_from_id: Mapping[str, str] | None = None
    # the split(s) that hold each language's development set, where the dataset has them (scoring the
    # dev split; BUCC's threshold), kept in TaskData.dev_by_language
    dev_by_language: tuple[str, ...] = ()
    # the official script that scores it: accuracy / seqeval / retrieval ("default"), or for QA
    # "squad_v1" (XQuAD, TyDiQA-GoldP, SQuAD), "squad_v2" or "mlqa" (with the context language)
    scoring: str = "default"
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
_UNPINNED_RESOLVED = ("not pinned: only a short commit id of the parquet conversion was seen; the commit the hub "
                      "resolves 'main' to is recorded by prefetch and is part of the run's key")
_XTREME_NOTE = ("commit 21f88c0 'Delete loading script': google/xtreme was converted to parquet config by "
                "config (first parquet commit a357451), and this commit removed the script after them "
                "(commit page read in the stored hub copy; later commits on main not checked)")

HUB_TASKS: dict[str, HubTaskSource] = {
    # --- sentence-pair classification -------------------------------------------------------
    "xnli": _pair(
        "xnli", "facebook/xnli", REV_XNLI, True, "commit b8dd5d7 (parquet conversion, main)",
        {lang: lang for lang in XNLI_LANGUAGES},
        {"train": ("train",), "dev": ("validation",), "test": ("test",)},
        "premise", "hypothesis", NLI_LABELS, train_languages=XNLI_LANGUAGES, parallel=True,
        notes=("train splits other than English are machine-translated MNLI (translate-train data)",),
        dev_by_language=("validation",),
    ),
    "pawsx": _pair(
        "pawsx", "google-research-datasets/paws-x", "main", False, _UNPINNED,
        {lang: lang for lang in PAWSX_LANGUAGES},
        {"train": ("train",), "dev": ("validation",), "test": ("test",)},
        "sentence1", "sentence2", ("not_paraphrase", "paraphrase"), train_languages=PAWSX_LANGUAGES,
        parallel=True,
        notes=("train splits other than English are machine-translated PAWS-Wiki",
               "the dataset marks missing labels -1; those rows are dropped"),
        dev_by_language=("validation",),
    ),
    "mnli": _pair(
        "mnli", "nyu-mll/glue", REV_GLUE, True, "commit a3f3ab7 (parquet conversion, main)",
        {"en": "mnli"}, {"train": ("train",), "dev": ("validation_matched",), "test": ("validation_mismatched",)},
        "premise", "hypothesis", NLI_LABELS,
        notes=("GLUE test labels are hidden: dev is validation_matched, test is validation_mismatched",
               "translated training sets: XNLI's, which are MNLI's training set machine-translated into 14 "
               "languages (translate-train)"),
        translations_from="xnli",
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
        notes=("SQuAD v1.1 has no public test set: test is the validation split (same rows as dev)",
               "translated training sets: MLQA's translate-train (squad_mt) in ar, de, es, hi, vi, zh"),
        scoring="squad_v1", translations_from="squad_mt",
    ),
    "squad_v2": HubTaskSource(
        name="squad_v2", dataset_id="rajpurkar/squad_v2", kind="qa", revision="main", pinned=False,
        revision_note=_UNPINNED, configs={"en": None},
        splits={"train": ("train",), "dev": ("validation",), "test": ("validation",)},
        columns=_QA_COLUMNS, normalizer="qa",
        notes=("unanswerable questions have empty answers lists",
               "no public test set: test is the validation split (same rows as dev)"),
        scoring="squad_v2",
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
        scoring="squad_v1",
    ),
    "xquad": HubTaskSource(
        name="xquad", dataset_id="google/xtreme", kind="qa", revision=REV_XTREME, pinned=True,
        revision_note=_XTREME_NOTE, configs={lang: f"XQuAD.{lang}" for lang in XQUAD_LANGUAGES},
        splits={"test": ("validation",)}, columns=_QA_COLUMNS, normalizer="qa", parallel=True,
        train_from="squad",
        notes=("train and dev are SQuAD v1.1 (English), as in XTREME",),
        scoring="squad_v1",
    ),
    "mlqa": HubTaskSource(
        name="mlqa", dataset_id="google/xtreme", kind="qa", revision=REV_XTREME, pinned=True,
        revision_note=_XTREME_NOTE, configs={lang: f"MLQA.{lang}.{lang}" for lang in MLQA_LANGUAGES},
        splits={"test": ("test",)}, columns=_QA_COLUMNS, normalizer="qa", train_from="squad",
        notes=("train and dev are SQuAD v1.1 (English), as in XTREME",
               "test per language is MLQA.<lang>.<lang> (context and question in the same language)"),
        scoring="mlqa", dev_by_language=("validation",),
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
        name="bucc", dataset_id="google/xtreme", kind="retrieval", revision=REV_XTREME, pinned=True,
        revision_note=_XTREME_NOTE, configs={lang: f"bucc18.{lang}" for lang in BUCC_LANGUAGES},
        splits={"test": ("test",)}, normalizer="retrieval", dev_by_language=("validation",),
        notes=("only the gold pairs: the hub copy has no distractor sentences, so this is retrieval among "
               "gold pairs, not BUCC mining with its F1 threshold",),
    ),
    "tatoeba": HubTaskSource(
        name="tatoeba", dataset_id="google/xtreme", kind="retrieval", revision=REV_XTREME, pinned=True,
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
        name="panx", dataset_id="google/xtreme", kind="token_classification", revision=REV_XTREME, pinned=True,
        revision_note=_XTREME_NOTE, configs={lang: f"PAN-X.{lang}" for lang in PANX_LANGUAGES},
        splits={"train": ("train",), "dev": ("validation",), "test": ("test",)},
        columns={"tokens": "tokens", "tags": "ner_tags"}, normalizer="tagging", label_names=PANX_LABELS,
        notes=("train and dev are PAN-X.en's train and validation splits; test is each language's test split",
               "scored as entity F1 over IOB2 tags (seqeval's default mode), as XTREME reports PAN-X"),
        dev_by_language=("validation",),
    ),
    "udpos": HubTaskSource(
        name="udpos", dataset_id="google/xtreme", kind="token_classification", revision=REV_XTREME, pinned=True,
        revision_note=_XTREME_NOTE, configs={lang: f"udpos.{name}" for lang, name in UDPOS_CONFIGS.items()},
        splits={"train": ("train",), "dev": ("validation",), "test": ("test",)},
        columns={"tokens": "tokens", "tags": "pos_tags"}, normalizer="tagging", label_names=UPOS_LABELS,
        notes=(("train and dev are udpos.English's train and validation splits (UD English treebanks); test is "
                "each language's test split"),
               ("scored as per-word accuracy, reported as f1; XTREME ran seqeval on the prefix-less UPOS tags, "
                "which scores runs of identical tags as chunks, so its F1 differs somewhat")),
        dev_by_language=("validation",),
    ),
    # --- XCOPA (XTREME-R) and English COPA -------------------------------------------------
    "copa": HubTaskSource(
        name="copa", dataset_id="cambridgeltl/xcopa", kind="multiple_choice", revision=REV_XCOPA, pinned=True,
        revision_note="tree c9333d9 'Add translation-tr data files' (parquet per config)",
        configs={lang: lang for lang in XCOPA_LANGUAGES}, splits={"test": ("test",)},
        dev_by_language=("validation",), normalizer="copa", train_from="copa_en", parallel=True,
        notes=("train and dev are English COPA (SuperGLUE); XTREME-R's script first trains on SIQA, then on "
               "COPA: the SIQA stage is not run here",
               "XCOPA has no English test set: the average is over its 11 languages"),
    ),
    "copa_en": HubTaskSource(
        name="copa_en", dataset_id="hgissbkh/super_glue", kind="multiple_choice", revision=REV_SUPERGLUE,
        pinned=True, revision_note="tree 1cce4e5 (a parquet re-upload of SuperGLUE; the canonical aps/super_glue "
                                   "parquet state could not be verified)",
        configs={"en": "copa"}, splits={"train": ("train",), "dev": ("validation",), "test": ("validation",)},
        normalizer="copa", notes=("SuperGLUE COPA's test labels are hidden: test is the validation split",)),
    # --- more intermediate tasks -----------------------------------------------------------
    "snli": _pair(
        "snli", "stanfordnlp/snli", "main", False, _UNPINNED_RESOLVED,
        {"en": "plain_text"}, {"train": ("train",), "dev": ("validation",), "test": ("test",)},
        "premise", "hypothesis", NLI_LABELS,
        notes=("pairs without a gold label (-1) are dropped",),
    ),
    "swag": HubTaskSource(
        name="swag", dataset_id="allenai/swag", kind="multiple_choice", revision="main", pinned=False,
        revision_note=_UNPINNED_RESOLVED, configs={"en": "regular"},
        splits={"train": ("train",), "dev": ("validation",), "test": ("validation",)}, normalizer="swag",
        notes=("context is sent1; each ending is sent2 followed by the ending, as the transformers "
               "multiple-choice example reads SWAG", "test labels are hidden: test is the validation split"),
    ),
    # machine-translated SQuAD v1.1 (MLQA's translate-train sets): SQuAD's translations_from
    "squad_mt": HubTaskSource(
        name="squad_mt", dataset_id="facebook/mlqa", kind="qa", revision="refs/convert/parquet", pinned=False,
        revision_note=("not pinned: every stored view of main holds the loading script (datasets>=4 refuses it); "
                       "the hub's parquet export branch is read and the commit it resolves to is recorded"),
        configs={lang: f"mlqa-translate-train.{lang}" for lang in MLQA_TRANSLATE_LANGUAGES},
        splits={"train": ("train",), "dev": ("validation",)}, columns=_QA_COLUMNS, normalizer="qa",
        notes=("SQuAD v1.1 train machine-translated into ar, de, es, hi, vi and zh (MLQA's translate-train); "
               "XTREME's translations into the other XQuAD languages (el, ru, th, tr) exist only in its GCS "
               "bucket, not on the hub",),
    ),
    # --- domain-specific multiple choice (research question of seed 003) ------------------------
    "casehold": HubTaskSource(
        name="casehold", dataset_id="coastalcph/lex_glue", kind="multiple_choice", revision=REV_LEXGLUE,
        pinned=True, revision_note="tree 9c205f3 'Delete loading script' (parquet)",
        configs={"en": "case_hold"}, splits={"train": ("train",), "dev": ("validation",), "test": ("test",)},
        normalizer="casehold",
        notes=("CaseHOLD (LexGLUE): a US court decision's citing context and five candidate holdings; cc-by-4.0",),
    ),
    "medqa": HubTaskSource(
        name="medqa", dataset_id="GBaker/MedQA-USMLE-4-options", kind="multiple_choice", revision=REV_MEDQA,
        pinned=True, revision_note="commit 0fb93dd 'Update README.md' (head of the stored commit list)",
        configs={"en": None}, splits={"train": ("train",), "dev": ("test",), "test": ("test",)},
        normalizer="medqa",
        notes=("MedQA (USMLE, 4 options): a clinical question and four answers; cc-by-4.0 per the card",
               "no validation split: dev and test are the test split (dev selects nothing in intermediate "
               "training, which keeps its last weights)"),
    ),

}
