"""Task kinds: how each kind is tokenized, collated, predicted and scored.

One adapter per kind, so the trainer stays one: sentence-pair classification, extractive QA
(long contexts split with a stride, SQuAD-style span decoding), multiple choice, token
classification (NER and POS: one tag per word, read from the word's first sub-token). Retrieval
has no training; its encoder scoring lives here too.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from datasets import Dataset, concatenate_datasets
from transformers import (
    AutoModel,
    AutoModelForMultipleChoice,
    AutoModelForQuestionAnswering,
    AutoModelForSequenceClassification,
    AutoModelForTokenClassification,
    DataCollatorForTokenClassification,
    DataCollatorWithPadding,
)

from repro import evaluate as ev
from repro.tasks.base import TaskData

EVAL_BATCH = 64


def _batches(n: int, size: int):
    for start in range(0, n, size):
        yield start, min(n, start + size)


def _device(model) -> torch.device:
    return next(model.parameters()).device


class Kind:
    """What every kind shares: dynamic padding, and scores per test language plus English dev."""

    name: str
    auto_model: type

    @staticmethod
    def model_kwargs(task: TaskData) -> dict:
        return {}

    @staticmethod
    def collator(tokenizer):
        return DataCollatorWithPadding(tokenizer)

    @classmethod
    def score(cls, model, tokenizer, dataset: Dataset, hp: dict) -> dict:
        raise NotImplementedError

    @classmethod
    def evaluate(cls, model, tokenizer, task: TaskData, hp: dict) -> dict:
        metrics = {"per_language": {lang: cls.score(model, tokenizer, ds, hp) for lang, ds in task.test.items()}}
        if task.dev is not None:
            metrics["dev"] = cls.score(model, tokenizer, task.dev, hp)
        return metrics


# --- sentence-pair classification -------------------------------------------------------------


class PairKind(Kind):
    name = "pair_classification"
    auto_model = AutoModelForSequenceClassification

    @staticmethod
    def model_kwargs(task: TaskData) -> dict:
        return {"num_labels": task.num_labels}

    @staticmethod
    def encode_train(dataset: Dataset, tokenizer, hp: dict) -> Dataset:
        def encode(batch):
            out = tokenizer(batch["sentence1"], batch["sentence2"], truncation=True, max_length=hp["max_length"])
            out["labels"] = batch["label"]
            out["length"] = [len(ids) for ids in out["input_ids"]]
            return out

        return dataset.map(encode, batched=True, remove_columns=dataset.column_names)

    @staticmethod
    @torch.no_grad()
    def predict(model, tokenizer, dataset: Dataset, hp: dict) -> np.ndarray:
        model.eval()
        collator = DataCollatorWithPadding(tokenizer)
        encoded = tokenizer(dataset["sentence1"][:], dataset["sentence2"][:], truncation=True,
                            max_length=hp["max_length"])
        order = np.argsort([len(ids) for ids in encoded["input_ids"]])  # similar lengths pad little
        predictions = np.empty(len(dataset), dtype=np.int64)
        for start, end in _batches(len(order), EVAL_BATCH * 2):
            idx = order[start:end]
            batch = collator([{k: encoded[k][i] for k in encoded} for i in idx])
            logits = model(**{k: v.to(_device(model)) for k, v in batch.items()}).logits
            predictions[idx] = logits.argmax(-1).cpu().numpy()
        return predictions

    @classmethod
    def score(cls, model, tokenizer, dataset: Dataset, hp: dict) -> dict:
        return {"accuracy": ev.accuracy(cls.predict(model, tokenizer, dataset, hp), dataset["label"][:])}

    @classmethod
    def evaluate(cls, model, tokenizer, task: TaskData, hp: dict) -> dict:
        """English dev, zero-shot per language, and the generalized matrix (every ordered pair)."""
        metrics = super().evaluate(model, tokenizer, task, hp)
        if task.parallel:
            rows = hp.get("generalized_rows")  # a scaled profile scores the matrix on the first rows only
            test = {lang: ds.select(range(min(rows, len(ds)))) for lang, ds in task.test.items()} if rows else task.test
            pairs = ev.generalized_pairs(test, same_language=False)
            joined = concatenate_datasets(list(pairs.values()))  # one pass over all pairs
            predictions = cls.predict(model, tokenizer, joined, hp)
            metrics["generalized"], start = {}, 0
            for (a, b), ds in pairs.items():
                part = predictions[start:start + len(ds)]
                metrics["generalized"][f"{a}|{b}"] = {"accuracy": ev.accuracy(part, ds["label"][:])}
                start += len(ds)
        return metrics


# --- extractive QA ----------------------------------------------------------------------------


class QAKind(Kind):
    name = "qa"
    auto_model = AutoModelForQuestionAnswering
    max_answer_tokens = 30
    n_best = 20

    @staticmethod
    def _max_length(hp: dict) -> int:
        # QA needs room for question and context: its own length (XTREME: 384, stride 128)
        return hp.get("qa_max_length") or hp["max_length"]

    @classmethod
    def _stride(cls, hp: dict) -> int:
        return hp.get("doc_stride") or cls._max_length(hp) // 4

    @classmethod
    def encode_train(cls, dataset: Dataset, tokenizer, hp: dict) -> Dataset:
        """Features with start/end token positions; a window without the answer points at CLS (0)."""
        def encode(batch):
            out = tokenizer(batch["question"], batch["context"], truncation="only_second",
                            max_length=cls._max_length(hp), stride=cls._stride(hp), return_overflowing_tokens=True,
                            return_offsets_mapping=True)
            starts, ends = [], []
            for i, offsets in enumerate(out["offset_mapping"]):
                sample = out["overflow_to_sample_mapping"][i]
                answer = batch["answers"][sample]
                if not answer["text"]:  # unanswerable (SQuAD 2.0): point at CLS
                    starts.append(0)
                    ends.append(0)
                    continue
                char_start = answer["answer_start"][0]
                char_end = char_start + len(answer["text"][0])
                sequence_ids = out.sequence_ids(i)
                context = [j for j, s in enumerate(sequence_ids) if s == 1]
                first, last = context[0], context[-1]
                if offsets[first][0] > char_start or offsets[last][1] < char_end:
                    starts.append(0)
                    ends.append(0)
                    continue
                start = first
                while start <= last and offsets[start][0] <= char_start:
                    start += 1
                end = last
                while end >= first and offsets[end][1] >= char_end:
                    end -= 1
                starts.append(start - 1)
                ends.append(end + 1)
            out["start_positions"], out["end_positions"] = starts, ends
            out["length"] = [len(ids) for ids in out["input_ids"]]
            out.pop("offset_mapping")
            out.pop("overflow_to_sample_mapping")
            return out

        return dataset.map(encode, batched=True, remove_columns=dataset.column_names)

    @classmethod
    @torch.no_grad()
    def predict(cls, model, tokenizer, dataset: Dataset, hp: dict) -> list[str]:
        """Best span per question over all its windows (start <= end, at most 30 tokens)."""
        model.eval()
        out = tokenizer(dataset["question"][:], dataset["context"][:], truncation="only_second",
                        max_length=cls._max_length(hp), stride=cls._stride(hp), return_overflowing_tokens=True,
                        return_offsets_mapping=True)
        collator = DataCollatorWithPadding(tokenizer)
        keys = [k for k in ("input_ids", "attention_mask", "token_type_ids") if k in out]
        best: dict[int, tuple[float, str]] = {}
        contexts = dataset["context"][:]
        for start, end in _batches(len(out["input_ids"]), EVAL_BATCH):
            batch = collator([{k: out[k][i] for k in keys} for i in range(start, end)])
            logits = model(**{k: v.to(_device(model)) for k, v in batch.items()})
            start_logits, end_logits = logits.start_logits.float().cpu().numpy(), logits.end_logits.float().cpu().numpy()
            for row, feature in enumerate(range(start, end)):
                sample = out["overflow_to_sample_mapping"][feature]
                offsets = out["offset_mapping"][feature]
                sequence_ids = out.sequence_ids(feature)
                n = len(offsets)
                top_start = np.argsort(start_logits[row][:n])[::-1][:cls.n_best]
                top_end = np.argsort(end_logits[row][:n])[::-1][:cls.n_best]
                for s in top_start:
                    for e in top_end:
                        if sequence_ids[s] != 1 or sequence_ids[e] != 1 or e < s or e - s + 1 > cls.max_answer_tokens:
                            continue
                        value = float(start_logits[row][s] + end_logits[row][e])
                        if sample not in best or value > best[sample][0]:
                            best[sample] = (value, contexts[sample][offsets[s][0]:offsets[e][1]])
        return [best.get(i, (0.0, ""))[1] for i in range(len(dataset))]

    @classmethod
    def score(cls, model, tokenizer, dataset: Dataset, hp: dict) -> dict:
        predictions = cls.predict(model, tokenizer, dataset, hp)
        # an unanswerable question's only right answer is the empty string (SQuAD 2.0)
        return ev.qa_scores(predictions, [a["text"] or [""] for a in dataset["answers"][:]])


# --- multiple choice --------------------------------------------------------------------------


@dataclass
class MultipleChoiceCollator:
    """Pads (batch, choices, length) inputs: flatten, pad as one batch, fold back."""

    tokenizer: object

    def __call__(self, features: list[dict]) -> dict:
        labels = [f.pop("labels") for f in features] if "labels" in features[0] else None
        n_choices = len(features[0]["input_ids"])
        keys = [k for k in features[0] if k not in ("length",)]
        flat = [{k: f[k][c] for k in keys} for f in features for c in range(n_choices)]
        batch = self.tokenizer.pad(flat, return_tensors="pt")
        batch = {k: v.view(len(features), n_choices, -1) for k, v in batch.items()}
        if labels is not None:
            batch["labels"] = torch.tensor(labels, dtype=torch.long)
        return batch


class MultipleChoiceKind(Kind):
    name = "multiple_choice"
    auto_model = AutoModelForMultipleChoice

    @staticmethod
    def _encode(dataset: Dataset, tokenizer, hp: dict) -> dict:
        contexts = [c for c, endings in zip(dataset["context"][:], dataset["endings"][:]) for _ in endings]
        endings = [e for es in dataset["endings"][:] for e in es]
        flat = tokenizer(contexts, endings, truncation=True, max_length=hp["max_length"])
        n = len(dataset["endings"][0])
        return {k: [v[i:i + n] for i in range(0, len(v), n)] for k, v in flat.items()}

    @classmethod
    def encode_train(cls, dataset: Dataset, tokenizer, hp: dict) -> Dataset:
        def encode(batch):
            out = cls._encode(Dataset.from_dict(batch), tokenizer, hp)
            out["labels"] = batch["label"]
            out["length"] = [max(len(x) for x in choices) for choices in out["input_ids"]]
            return out

        return dataset.map(encode, batched=True, remove_columns=dataset.column_names)

    @staticmethod
    def collator(tokenizer):
        return MultipleChoiceCollator(tokenizer)

    @classmethod
    @torch.no_grad()
    def predict(cls, model, tokenizer, dataset: Dataset, hp: dict) -> np.ndarray:
        model.eval()
        encoded = cls._encode(dataset, tokenizer, hp)
        collator = MultipleChoiceCollator(tokenizer)
        predictions = []
        for start, end in _batches(len(dataset), EVAL_BATCH):
            batch = collator([{k: encoded[k][i] for k in encoded} for i in range(start, end)])
            logits = model(**{k: v.to(_device(model)) for k, v in batch.items()}).logits
            predictions.append(logits.argmax(-1).cpu().numpy())
        return np.concatenate(predictions)

    @classmethod
    def score(cls, model, tokenizer, dataset: Dataset, hp: dict) -> dict:
        return {"accuracy": ev.accuracy(cls.predict(model, tokenizer, dataset, hp), dataset["label"][:])}


# --- token classification (NER, POS) ------------------------------------------------------------

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
        for start, end in _batches(len(order), EVAL_BATCH * 2):
            idx = order[start:end]
            batch = collator([{k: encoded[k][i] for k in keys} for i in idx])
            best = model(**{k: v.to(_device(model)) for k, v in batch.items()}).logits.argmax(-1).cpu().numpy()
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
    def score(cls, model, tokenizer, dataset: Dataset, hp: dict) -> dict:
        """NER (IOB2 tags): entity F1, precision, recall; POS: per-word accuracy, also as "f1"."""
        predictions, missing = cls.predict(model, tokenizer, dataset, hp)
        names = model.config.id2label
        predicted = [[names[t] for t in tags] for tags in predictions]
        gold = [[names[t] for t in tags] for tags in dataset["tags"][:]]
        if ev.is_iob2(names.values()):
            scores = ev.entity_scores(predicted, gold)
        else:
            accuracy = ev.tag_accuracy(predicted, gold)
            scores = {"f1": accuracy, "accuracy": accuracy}
        return {**scores, "words_without_prediction": missing}


KINDS = {k.name: k for k in (PairKind, QAKind, MultipleChoiceKind, TokenClassificationKind)}


def kind_of(task: TaskData):
    if task.kind not in KINDS:
        raise NotImplementedError(f"training on {task.kind} tasks is not implemented (task {task.name})")
    return KINDS[task.kind]


# --- retrieval (no training) ------------------------------------------------------------------


@torch.no_grad()
def embed(encoder, tokenizer, sentences: list[str], *, layer: int, pooling: str, max_length: int) -> np.ndarray:
    """Sentence embeddings from one hidden layer: mean over real tokens, or the first token."""
    encoder.eval()
    vectors = []
    for start, end in _batches(len(sentences), EVAL_BATCH * 2):
        batch = tokenizer(sentences[start:end], truncation=True, max_length=max_length, padding=True,
                          return_tensors="pt").to(_device(encoder))
        hidden = encoder(**batch, output_hidden_states=True).hidden_states[layer].float()
        if pooling == "cls":
            pooled = hidden[:, 0]
        else:
            mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp_min(1)
        vectors.append(pooled.cpu().numpy())
    return np.concatenate(vectors)


def evaluate_retrieval(model_path: str, tokenizer, task: TaskData, hp: dict) -> dict:
    encoder = AutoModel.from_pretrained(model_path)
    metric = task.metadata.get("metric", "accuracy" if "tatoeba" in task.name else "bucc_f1")
    per_language = {}
    for lang, ds in task.test.items():
        kwargs = {"layer": hp.get("layer", -1), "pooling": hp.get("pooling", "mean"), "max_length": hp["max_length"]}
        source = embed(encoder, tokenizer, ds["source_sentence"][:], **kwargs)
        target = embed(encoder, tokenizer, ds["target_sentence"][:], **kwargs)
        scores = {"accuracy": ev.tatoeba_accuracy(source, target)}
        bucc = ev.bucc_f1(source, target)
        scores.update({"bucc_f1": bucc["f1"], "bucc_threshold": bucc["threshold"]})
        per_language[lang] = scores
    return {"per_language": per_language, "primary_metric": metric}

