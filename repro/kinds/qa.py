"""Extractive QA: long contexts split with a stride, SQuAD-style span decoding."""

from __future__ import annotations

import numpy as np
import torch
from datasets import Dataset
from transformers import AutoModelForQuestionAnswering, DataCollatorWithPadding

from repro.kinds.base import EVAL_BATCH, Kind, batches, device_of
from repro.metrics import mlqa, squad_v1, squad_v2


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
        for start, end in batches(len(out["input_ids"]), EVAL_BATCH):
            batch = collator([{k: out[k][i] for k in keys} for i in range(start, end)])
            logits = model(**{k: v.to(device_of(model)) for k, v in batch.items()})
            start_logits = logits.start_logits.float().cpu().numpy()
            end_logits = logits.end_logits.float().cpu().numpy()
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
    def metrics(cls, predictions, dataset: Dataset, *, language: str, scoring: str, model=None) -> dict:
        """F1 and exact match by the task's official script, and their mean (XTREME's and jiant's QA
        number): SQuAD v1.1 (XQuAD, TyDiQA-GoldP, SQuAD; the default), SQuAD 2.0 (no-answer
        questions) or MLQA's script with the context language."""
        answers = [list(a["text"]) for a in dataset["answers"][:]]
        if scoring == "mlqa":
            scores = mlqa(predictions, answers, language)
        elif scoring == "squad_v2":
            scores = squad_v2(predictions, answers)
        elif scoring in ("squad_v1", "default"):
            scores = squad_v1(predictions, answers)
        else:
            raise ValueError(f"unknown QA scoring {scoring!r}; expected squad_v1, squad_v2 or mlqa")
        return {**scores, "qa_score": (scores["f1"] + scores["exact_match"]) / 2}
