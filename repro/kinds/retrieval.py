"""Retrieval without training (Tatoeba, BUCC): sentence embeddings from one encoder layer."""

from __future__ import annotations

import numpy as np
import torch
from transformers import AutoModel

from repro.kinds.base import EVAL_BATCH, batches, device_of
from repro.metrics import bucc_scores, bucc_threshold, mine_candidates, tatoeba_accuracy
from repro.tasks.base import TaskData


@torch.no_grad()
def embed(encoder, tokenizer, sentences: list[str], *, layer: int, pooling: str, max_length: int) -> np.ndarray:
    """Sentence embeddings from one hidden layer: mean over real tokens, or the first token."""
    encoder.eval()
    vectors = []
    for start, end in batches(len(sentences), EVAL_BATCH * 2):
        batch = tokenizer(sentences[start:end], truncation=True, max_length=max_length, padding=True,
                          return_tensors="pt").to(device_of(encoder))
        hidden = encoder(**batch, output_hidden_states=True).hidden_states[layer].float()
        if pooling == "cls":
            pooled = hidden[:, 0]
        else:
            mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp_min(1)
        vectors.append(pooled.cpu().numpy())
    return np.concatenate(vectors)


class RetrievalKind:
    """Sentence retrieval scored with the encoder directly: no training, no head."""

    name = "retrieval"

    @staticmethod
    def evaluate(model_path: str, tokenizer, task: TaskData, hp: dict) -> dict:
        return evaluate_retrieval(model_path, tokenizer, task, hp)


def _unique(sentences: list[str]) -> tuple[list[str], list[int]]:
    """The distinct sentences in first-seen order, and each row's index into them (XTREME mines
    unique sentences: duplicates are merged before mining)."""
    index: dict[str, int] = {}
    rows = [index.setdefault(s, len(index)) for s in sentences]
    return list(index), rows


def bucc_candidates(encoder, tokenizer, ds, embedding: dict) -> tuple[list, set]:
    """Mined candidates (ratio margin, k = 4) over one language's pairs, and the gold pairs."""
    sources, source_rows = _unique(ds["source_sentence"][:])
    targets, target_rows = _unique(ds["target_sentence"][:])
    candidates = mine_candidates(embed(encoder, tokenizer, sources, **embedding),
                                 embed(encoder, tokenizer, targets, **embedding))
    return candidates, set(zip(source_rows, target_rows))


def evaluate_retrieval(model_path: str, tokenizer, task: TaskData, hp: dict) -> dict:
    """Tatoeba accuracy and BUCC F1 per language from one encoder layer.

    The layer, pooling and length are the run's hyperparameters (``layer`` indexes transformers'
    ``hidden_states``: 0 is the embedding output, i the i-th transformer layer's output, -1 the last;
    X-STILTs' jiant configuration takes layer 14 of XLM-R Large's 24 with mean pooling at length
    512, the same layer as XTREME's ``--specific_layer 13``). Tatoeba searches the non-English side
    with each English sentence, as XTREME's and jiant's evaluation do. BUCC mines candidates with
    the ratio margin (k = 4) and scores them at the threshold chosen on the language's dev split
    (BUCC's protocol; XTREME's and jiant's released code choose it on the scored split itself, which
    is what happens here when a task has no dev split, and the result says so).
    """
    encoder = AutoModel.from_pretrained(model_path)
    embedding = {"layer": hp.get("layer", -1), "pooling": hp.get("pooling", "mean"), "max_length": hp["max_length"]}
    per_language, dev_scores = {}, {}
    for lang, ds in task.test.items():
        source = embed(encoder, tokenizer, ds["source_sentence"][:], **embedding)
        target = embed(encoder, tokenizer, ds["target_sentence"][:], **embedding)
        scores: dict = {"accuracy": tatoeba_accuracy(english=target, other=source)}
        candidates, gold = bucc_candidates(encoder, tokenizer, ds, embedding)
        dev = task.dev_by_language.get(lang)
        if dev is not None and len(dev):
            dev_candidates, dev_gold = bucc_candidates(encoder, tokenizer, dev, embedding)
            threshold = bucc_threshold(dev_candidates, dev_gold)
            chosen_on = "dev"
            # the dev split scored on its own, at its own best threshold (jiant's validation phase)
            dev_bucc = bucc_scores(dev_candidates, dev_gold, threshold)
            dev_source = embed(encoder, tokenizer, dev["source_sentence"][:], **embedding)
            dev_target = embed(encoder, tokenizer, dev["target_sentence"][:], **embedding)
            dev_scores[lang] = {"accuracy": tatoeba_accuracy(english=dev_target, other=dev_source),
                                "bucc_f1": dev_bucc["f1"], "bucc_threshold": threshold}
        else:
            threshold, chosen_on = bucc_threshold(candidates, gold), "test (no dev split)"
        bucc = bucc_scores(candidates, gold, threshold)
        scores.update({"bucc_f1": bucc["f1"], "bucc_precision": bucc["precision"], "bucc_recall": bucc["recall"],
                       "bucc_threshold": threshold, "bucc_threshold_from": chosen_on})
        per_language[lang] = scores
    return {"per_language": per_language, **({"dev_per_language": dev_scores} if dev_scores else {})}
