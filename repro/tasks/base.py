"""The one data schema every task loader returns, whatever its source (hub or embedded).

Columns per task kind (every loader normalises to these names):

- ``pair_classification``: ``sentence1`` (str), ``sentence2`` (str), ``label`` (int)
- ``qa`` (extractive, SQuAD-style): ``id`` (str), ``question`` (str), ``context`` (str),
  ``answers`` ({"text": [str], "answer_start": [int]})
- ``multiple_choice``: ``context`` (str), ``endings`` (list[str]), ``label`` (int)
- ``retrieval`` (no training): ``source_sentence`` (str, in the test language),
  ``target_sentence`` (str, in English); row i of a test set is a gold pair
- ``token_classification`` (NER, POS tagging): ``tokens`` (list[str], the words as the dataset
  splits them), ``tags`` (list[int], one per word, indices into ``label_names``: the tag names,
  IOB2 such as ``B-PER`` for NER, UPOS such as ``NOUN`` for POS)

``test`` maps a language code to its test set. For pair classification the test sets are
parallel when ``parallel`` is true: row i is the same item in every language, which is what
the generalized setting (sentence 1 in language A, sentence 2 in language B) is built from.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from datasets import Dataset


@dataclass
class TaskData:
    name: str
    kind: str  # a task kind of repro.catalog.KINDS
    # training sets by language; "en" is the zero-shot source. Other keys are translated data.
    train: dict[str, Dataset]
    # English development set (model selection happens on English only: zero-shot)
    dev: Dataset | None
    test: dict[str, Dataset]
    label_names: list[str] | None = None
    parallel: bool = False
    # per-language development sets, where the dataset has them (scoring the dev split; BUCC's threshold)
    dev_by_language: dict[str, Dataset] = field(default_factory=dict)
    # identifies the exact data: hub revision, or the embedded generator's content hash
    revision: str = "unknown"
    metadata: dict = field(default_factory=dict)

    @property
    def languages(self) -> list[str]:
        return list(self.test)

    @property
    def num_labels(self) -> int | None:
        return len(self.label_names) if self.label_names else None
