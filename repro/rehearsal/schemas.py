"""The real schemas of the hub datasets the full profile reads: features, configs, splits, layout.

One entry per :data:`repro.catalog.HUB_TASKS` source, keyed by the source's name: the columns,
dtypes and ClassLabel names of the dataset as the hub serves it, and the splits each config has
(all of them, hidden-label test splits included, not only those the loader reads). Sources:

- the loader's own notes in :mod:`repro.catalog.hub_sources` and its normalisers
  (:mod:`repro.tasks.hub.normalizers`), which were checked against the hub pages;
- the research notes of issue 11 (/work/research/issue11-facts.md, section C) for XNLI, PAWS-X,
  google/xtreme (config names, PAN-X/udpos tags, BUCC and Tatoeba columns), XCOPA, MLQA,
  lex_glue, MedQA;
- google/xtreme's loading script as the datasets library shipped it (huggingface/datasets
  ``datasets/xtreme/xtreme.py``, commit 02bb18c): XQuAD rows have no title, MLQA rows do; answers
  are a sequence of (answer_start, text); BUCC stores sentence ids such as "de-000000123" in
  source_lang / target_lang; Tatoeba stores the ISO 639-3 code and "eng" and keeps line ends.

Where no schema was read (SWAG, CosmosQA, CommonsenseQA, HellaSwag, SNLI, ANLI, SuperGLUE COPA,
CaseHOLD) the columns are those the normalisers require plus the dataset's other documented
columns as the dataset cards list them.
"""

from __future__ import annotations

from functools import cache

from repro.catalog.hub_sources import NLI_LABELS, PANX_LABELS, UPOS_LABELS

# the folder of a dataset's only config, and its name, where HUB_TASKS reads "the only config" (None)
DEFAULT_CONFIGS: dict[str, tuple[str, str]] = {
    "facebook/anli": ("plain_text", "plain_text"),
    "rajpurkar/squad": ("plain_text", "plain_text"),
    "rajpurkar/squad_v2": ("squad_v2", "squad_v2"),
    "Rowan/hellaswag": ("default", "data"),
    "tau/commonsense_qa": ("default", "data"),
    "allenai/cosmos_qa": ("default", "default"),
    "GBaker/MedQA-USMLE-4-options": ("default", ""),
}
# datasets whose files are JSON lines at the repository root named after the split (no card configs)
JSONL_FILES: dict[str, str] = {"GBaker/MedQA-USMLE-4-options": "phrases_no_exclude_{split}.jsonl"}

# udpos configs with fewer splits (google/xtreme's script: Kazakh test and train, three test only)
_UDPOS_SPLITS = {"udpos.Kazakh": ("train", "test"), "udpos.Tagalog": ("test",), "udpos.Thai": ("test",),
                 "udpos.Yoruba": ("test",)}

_SPLITS: dict[str, tuple[str, ...]] = {
    "xnli": ("train", "validation", "test"),
    "pawsx": ("train", "validation", "test"),
    "mnli": ("train", "validation_matched", "validation_mismatched", "test_matched", "test_mismatched"),
    "qqp": ("train", "validation", "test"),
    "sst2": ("train", "validation", "test"),
    "anli": tuple(f"{kind}_r{r}" for r in (1, 2, 3) for kind in ("train", "dev", "test")),
    "squad": ("train", "validation"),
    "squad_v2": ("train", "validation"),
    "tydiqa": ("train", "validation"),
    "xquad": ("validation",),
    "mlqa": ("test", "validation"),
    "bucc": ("validation", "test"),
    "tatoeba": ("validation",),
    "panx": ("train", "validation", "test"),
    "udpos": ("train", "validation", "test"),
    "hellaswag": ("train", "validation", "test"),
    "cosmosqa": ("train", "validation", "test"),
    "commonsenseqa": ("train", "validation", "test"),
    "copa": ("validation", "test"),
    "copa_en": ("train", "validation", "test"),
    "snli": ("test", "validation", "train"),
    "swag": ("train", "validation", "test"),
    "squad_mt": ("train", "validation"),
    "casehold": ("train", "validation", "test"),
    "medqa": ("train", "test"),
}
# sources whose dataset hides the labels of its test split(s) (label -1, "" or no answer key)
HIDES_TEST_LABELS = frozenset({"mnli", "qqp", "sst2", "hellaswag", "cosmosqa", "commonsenseqa", "copa_en", "swag"})


def splits_of(source_name: str, config: str | None) -> tuple[str, ...]:
    """The splits a config of the source's dataset has on the hub."""
    if source_name == "udpos" and config in _UDPOS_SPLITS:
        return _UDPOS_SPLITS[config]
    return _SPLITS[source_name]


@cache
def features_of(source_name: str):
    """The ``datasets.Features`` of a source's dataset as the hub's files carry them."""
    from datasets import ClassLabel, Features, List, Value

    string, int32 = Value("string"), Value("int32")
    squad_answers = {"text": List(string), "answer_start": List(int32)}
    xtreme_answers = {"answer_start": List(int32), "text": List(string)}  # a Sequence of (start, text)
    pair_nli = {"premise": string, "hypothesis": string, "label": ClassLabel(names=list(NLI_LABELS))}
    copa = {"premise": string, "choice1": string, "choice2": string, "question": string}
    table = {
        "xnli": pair_nli,
        "pawsx": {"id": int32, "sentence1": string, "sentence2": string, "label": ClassLabel(names=["0", "1"])},
        "mnli": {**pair_nli, "idx": int32},
        "qqp": {"question1": string, "question2": string,
                "label": ClassLabel(names=["not_duplicate", "duplicate"]), "idx": int32},
        "sst2": {"sentence": string, "label": ClassLabel(names=["negative", "positive"]), "idx": int32},
        "anli": {"uid": string, **pair_nli, "reason": string},
        "snli": pair_nli,
        "squad": {"id": string, "title": string, "context": string, "question": string, "answers": squad_answers},
        "squad_v2": {"id": string, "title": string, "context": string, "question": string,
                     "answers": squad_answers},
        "tydiqa": {"id": string, "title": string, "context": string, "question": string,
                   "answers": squad_answers},
        "xquad": {"id": string, "context": string, "question": string, "answers": xtreme_answers},
        "mlqa": {"id": string, "title": string, "context": string, "question": string, "answers": xtreme_answers},
        "squad_mt": {"context": string, "question": string, "answers": xtreme_answers, "id": string},
        "bucc": {"source_sentence": string, "target_sentence": string, "source_lang": string,
                 "target_lang": string},
        "tatoeba": {"source_sentence": string, "target_sentence": string, "source_lang": string,
                    "target_lang": string},
        "panx": {"tokens": List(string), "ner_tags": List(ClassLabel(names=list(PANX_LABELS))),
                 "langs": List(string)},
        "udpos": {"tokens": List(string), "pos_tags": List(ClassLabel(names=list(UPOS_LABELS)))},
        "hellaswag": {"ind": int32, "activity_label": string, "ctx_a": string, "ctx_b": string, "ctx": string,
                      "endings": List(string), "source_id": string, "split": string, "split_type": string,
                      "label": string},
        "cosmosqa": {"id": string, "context": string, "question": string, "answer0": string, "answer1": string,
                     "answer2": string, "answer3": string, "label": int32},
        "commonsenseqa": {"id": string, "question": string, "question_concept": string,
                          "choices": {"label": List(string), "text": List(string)}, "answerKey": string},
        "copa": {**copa, "label": int32, "idx": int32, "changed": Value("bool")},
        "copa_en": {**copa, "idx": int32, "label": ClassLabel(names=["choice1", "choice2"])},
        "swag": {"video-id": string, "fold-ind": string, "startphrase": string, "sent1": string, "sent2": string,
                 "gold-source": string, "ending0": string, "ending1": string, "ending2": string,
                 "ending3": string, "label": ClassLabel(names=["0", "1", "2", "3"])},
        "casehold": {"context": string, "endings": List(string), "label": ClassLabel(names=["0", "1", "2", "3", "4"])},
        "medqa": {"question": string, "answer": string,
                  "options": {"A": string, "B": string, "C": string, "D": string},
                  "meta_info": string, "answer_idx": string, "metamap_phrases": List(string)},
    }
    if source_name not in table:
        raise KeyError(f"no schema for hub source {source_name!r}; expected one of {sorted(table)}")
    return Features(table[source_name])
