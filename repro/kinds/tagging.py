"""Token classification (NER, POS): one tag per word, read from the word's first sub-token."""

from __future__ import annotations

import numpy as np
import torch
from datasets import Dataset
from transformers import AutoModelForTokenClassification, DataCollatorForTokenClassification, DataCollatorWithPadding

from repro.kinds.base import EVAL_BATCH, Kind, batches, device_of
from repro.metrics import entity_scores, tag_accuracy
from repro.tasks.base import TaskData

XTREME_SEQEVAL = "0.0.12"  # the seqeval XTREME's evaluation ran (its expected UDPOS numbers need it)
IGNORED_LABEL = -100  # positions the loss skips (the Trainer's and torch's cross-entropy default)


def first_subtoken_labels(word_ids: list[int | None], tags: list[int]) -> list[int]:
    """A word's tag on its first sub-token, IGNORED_LABEL on its other sub-tokens and on special
    tokens, as XTREME's run_tag (and the Hugging Face token-classification example) label them."""
    labels, previous = [], None
    for word in word_ids:
        labels.append(IGNORED_LABEL if word is None or word == previous else tags[word])
        previous = word
    return labels


class TokenClassificationKind(Kind):
    """One tag per word: the dataset's words are tokenized as pre-split words and each word is
    predicted from its first sub-token.

    Pre-split words need a tokenizer that marks each word as a word start: XLM-R's and the
    embedded tokenizer's Metaspace pre-tokenizer prepends "▁" to every word (prepend_scheme
    "always", XLM-R's add_prefix_space=True default), WordPiece (mBERT) splits on whitespace
    anyway. A byte-level BPE tokenizer (RoBERTa, GPT-2) would need add_prefix_space=True.
    """

    name = "token_classification"
    auto_model = AutoModelForTokenClassification

    @staticmethod
    def model_kwargs(task: TaskData) -> dict:
        if not task.label_names:
            raise ValueError(f"token classification needs the tag names of {task.name}")
        names = list(task.label_names)
        return {"num_labels": len(names), "id2label": dict(enumerate(names)),
                "label2id": {name: i for i, name in enumerate(names)}}

    @staticmethod
    def _tokenize(tokenizer, words: list[list[str]], hp: dict):
        if not tokenizer.is_fast:  # word_ids() comes from the Rust tokenizer
            raise TypeError(f"token classification needs a fast tokenizer (word_ids); got {type(tokenizer).__name__}")
        return tokenizer(words, is_split_into_words=True, truncation=True, max_length=hp["max_length"])

    @classmethod
    def encode_train(cls, dataset: Dataset, tokenizer, hp: dict) -> Dataset:
        def encode(batch):
            out = cls._tokenize(tokenizer, batch["tokens"], hp)
            out["labels"] = [first_subtoken_labels(out.word_ids(i), tags) for i, tags in enumerate(batch["tags"])]
            out["length"] = [len(ids) for ids in out["input_ids"]]
            return out

        return dataset.map(encode, batched=True, remove_columns=dataset.column_names)

    @staticmethod
    def collator(tokenizer):
        return DataCollatorForTokenClassification(tokenizer, label_pad_token_id=IGNORED_LABEL)

    @classmethod
    @torch.no_grad()
    def predict(cls, model, tokenizer, dataset: Dataset, hp: dict) -> tuple[list[list[int]], int]:
        """A tag per word (from its first sub-token), and how many words had no sub-token left.

        Words cut off by truncation (or that tokenize to nothing) get a fallback tag and are
        counted: "O" for IOB tag sets, else the tag the model predicts most often on this set.
        XTREME's run_tag instead leaves such words out of the scoring; at XTREME's lengths (128
        or 256 sub-tokens) few sentences are cut.
        """
        model.eval()
        words = dataset["tokens"][:]
        encoded = cls._tokenize(tokenizer, words, hp)
        keys = [k for k in ("input_ids", "attention_mask", "token_type_ids") if k in encoded]
        collator = DataCollatorWithPadding(tokenizer)
        order = np.argsort([len(ids) for ids in encoded["input_ids"]])  # similar lengths pad little
        predicted: list[dict[int, int]] = [{} for _ in words]  # word index -> tag, per sentence
        for start, end in batches(len(order), EVAL_BATCH * 2):
            idx = order[start:end]
            batch = collator([{k: encoded[k][i] for k in keys} for i in idx])
            best = model(**{k: v.to(device_of(model)) for k, v in batch.items()}).logits.argmax(-1).cpu().numpy()
            for row, i in enumerate(idx):
                for position, word in enumerate(encoded.word_ids(int(i))):
                    if word is not None and word not in predicted[i]:
                        predicted[i][word] = int(best[row, position])
        label2id = model.config.label2id
        if "O" in label2id:
            fallback = label2id["O"]
        else:
            counts = np.bincount([t for p in predicted for t in p.values()] or [0], minlength=model.config.num_labels)
            fallback = int(counts.argmax())
        missing = sum(len(w) - len(p) for w, p in zip(words, predicted))
        return [[p.get(j, fallback) for j in range(len(w))] for w, p in zip(words, predicted)], missing

    @classmethod
    def comparable_predictions(cls, predictions) -> list:
        return [tuple(tags) for tags in predictions[0]]

    @classmethod
    def metrics(cls, predictions, dataset: Dataset, *, language: str, scoring: str, model=None) -> dict:
        """Seqeval chunk F1 (with precision and recall) as XTREME's evaluate.py reports PAN-X and UDPOS,
        and the per-word tag accuracy beside it.

        XTREME ran seqeval 0.0.12 (the version of March 2020), whose chunking of prefix-less UPOS tags
        reproduces XTREME's own expected UDPOS scores (see repro.metrics.tagging); on IOB2 tags the
        two seqeval versions agree.
        """
        tags, missing = predictions
        names = model.config.id2label
        predicted = [[names[t] for t in sentence] for sentence in tags]
        gold = [[names[t] for t in sentence] for sentence in dataset["tags"][:]]
        return {**entity_scores(predicted, gold, seqeval_version=XTREME_SEQEVAL),
                "accuracy": tag_accuracy(predicted, gold), "words_without_prediction": missing}
