"""Tiny, randomly initialised stand-ins for the hub checkpoints, under their real ids and revisions.

Each stand-in keeps what the runs depend on and shrinks what only costs time:

- kept: the configuration class and ``model_type``, the architecture the checkpoint was saved as
  (``architectures`` in config.json) and its heads' weights (XLM-R: the masked-LM head and the
  pooler; mBERT: BertForPreTraining's masked-LM and next-sentence heads and the pooler), the number
  of layers (retrieval reads ``hidden_states[14]`` of XLM-R large's 24), the position table
  (514 / 512, so inputs of 512 tokens fit), the special-token ids and the tokenizer class;
- shrunk: hidden size 32, 2 attention heads, feed-forward 64, and a vocabulary of 4,000 pieces
  (every character, the most frequent words) counted from the rehearsal's pseudo-text
  (:mod:`repro.rehearsal.text`).

The real values are those of the checkpoints' config.json files (FacebookAI/xlm-roberta-base
config.json at commit 8524a13 and copies of xlm-roberta-large's and bert-base-multilingual-cased's,
read as stored hub pages). The files each repository holds at its pinned revision (stored tree
pages): xlm-roberta-large @ 2a489c0 has config.json, model.safetensors, sentencepiece.bpe.model
and tokenizer.json and no tokenizer_config.json (added later, in #17); mBERT has config.json,
model.safetensors, tokenizer.json, vocab.txt and tokenizer_config.json (added in 875a30f "Add
tokenizer configuration", before the pinned fdfce55; ``{"do_lower_case": false}``, a later #5 added
model_max_length). The stand-ins hold the same files except sentencepiece.bpe.model (writing one
needs the sentencepiece library; transformers loads tokenizer.json, and the catalogue accepts
either file). So, as with the real XLM-R snapshot, the tokenizer has no model_max_length: runs
must truncate explicitly.
"""

from __future__ import annotations

import json
import math
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

from repro.catalog.models import HUB_MODELS, HubModel
from repro.rehearsal.layout import write_hub_snapshot
from repro.rehearsal.text import all_letters, corpus, script_languages

# the architecture of each real checkpoint (config.json at the pinned revision)
REAL_CONFIGS: dict[str, dict[str, Any]] = {
    "xlm-roberta": {
        "architectures": ["XLMRobertaForMaskedLM"], "model_type": "xlm-roberta", "bos_token_id": 0, "pad_token_id": 1,
        "eos_token_id": 2, "hidden_act": "gelu", "layer_norm_eps": 1e-05, "max_position_embeddings": 514,
        "type_vocab_size": 1, "output_past": True, "position_embedding_type": "absolute",
    },
    "bert": {
        "architectures": ["BertForMaskedLM"], "model_type": "bert", "pad_token_id": 0, "hidden_act": "gelu",
        "layer_norm_eps": 1e-12, "max_position_embeddings": 512, "type_vocab_size": 2, "directionality": "bidi",
        "pooler_fc_size": 768, "pooler_num_attention_heads": 12, "pooler_num_fc_layers": 3,
        "pooler_size_per_head": 128, "pooler_type": "first_token_transform", "position_embedding_type": "absolute",
    },
}
TINY: dict[str, Any] = {"hidden_size": 32, "num_attention_heads": 2, "intermediate_size": 64}
MBERT_SPECIALS = ["[PAD]"] + [f"[unused{i}]" for i in range(1, 100)] + ["[UNK]", "[CLS]", "[SEP]", "[MASK]"]
_PUNCTUATION = list(".,?!;:'\"()<>-#&/0123456789")


def model_family(model: HubModel) -> str:
    return "bert" if "bert-base" in model.hub_id else "xlm-roberta"


def _counts(seed: int) -> tuple[Counter, Counter]:
    """(word counts, character counts) of the pseudo-text every script's language writes."""
    words: Counter = Counter()
    chars: Counter = Counter()
    for sentence in corpus(script_languages(), seed, sentences_per_language=60):
        for chunk in sentence.split():
            word = chunk.rstrip(".?!,")
            if 0 < len(word) <= 16:  # unspaced scripts give whole sentences: no word pieces for those
                words[word] += 1
        chars.update(sentence)
    for letter in all_letters():  # every letter, also those a small corpus misses, and their capitals
        chars[letter] += 0
        chars[letter.upper()] += 0
    for mark in _PUNCTUATION:
        chars[mark] += 0
    chars.pop(" ", None)
    return words, chars


def _ranked(counts: Counter) -> list[tuple[str, int]]:
    """Most frequent first, ties by the string: the same order in every process."""
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


def xlmr_tokenizer(seed: int, vocab_size: int = 4000):
    """An XLM-R tokenizer: a unigram model counted from pseudo-text, XLM-R's special tokens and ids.

    Pieces are every character (alone and after the word-start mark "▁") and the most frequent
    words as "▁word", each scored with its log relative frequency (add-one), so whole words win
    and any text still segments. Counted rather than trained with tokenizers' UnigramTrainer,
    whose output differs from one process to the next (measured: scores and pieces change).
    """
    from tokenizers import normalizers
    from transformers import XLMRobertaTokenizer  # transformers 5: XLMRobertaTokenizerFast is this class

    words, chars = _counts(seed)
    total = sum(words.values()) + sum(chars.values()) + len(chars)

    def score(count: int) -> float:
        return round(math.log((count + 1) / total), 6)

    pieces: dict[str, float] = {"\u2581": score(sum(words.values()))}
    for char, count in _ranked(chars):
        pieces.setdefault(char, score(count) - 1.0)  # a character costs more than a word, so words win
        pieces.setdefault("\u2581" + char, score(count) - 1.0)
    for word, count in _ranked(words):
        if len(pieces) >= vocab_size - 5:
            break
        pieces.setdefault("\u2581" + word, score(count))
    specials = [("<s>", 0.0), ("<pad>", 0.0), ("</s>", 0.0), ("<unk>", 0.0)]
    # XLM-R: <s>=0, <pad>=1, </s>=2, <unk>=3, the pieces, <mask> last
    tokenizer = XLMRobertaTokenizer(vocab=specials + list(pieces.items()) + [("<mask>", 0.0)])
    tokenizer.backend_tokenizer.normalizer = normalizers.NFKC()  # XLM-R's sentencepiece model applies nmt_nfkc
    return tokenizer


def mbert_tokenizer(seed: int, vocab_size: int = 4000):
    """A cased multilingual BERT tokenizer: WordPiece with mBERT's special tokens at ids 0 and 100-103.

    The vocabulary is every character, every character as a continuation ("##c") and the most
    frequent words (counted, for the reason :func:`xlmr_tokenizer` gives), so any word segments.
    """
    from transformers import BertTokenizer  # transformers 5: BertTokenizerFast is this class

    words, chars = _counts(seed)
    vocab: dict[str, int] = {}
    for token in MBERT_SPECIALS + [c for c, _ in _ranked(chars)] + [f"##{c}" for c, _ in _ranked(chars)]:
        vocab.setdefault(token, len(vocab))
    for word, _ in _ranked(words):
        if len(vocab) >= vocab_size:
            break
        vocab.setdefault(word, len(vocab))
    return BertTokenizer(vocab=vocab, do_lower_case=False)


def tiny_config(model: HubModel, vocab_size: int):
    """The real configuration class and architecture fields, with the tiny sizes and vocabulary."""
    from transformers import BertConfig, XLMRobertaConfig

    family = model_family(model)
    fields: dict[str, Any] = {**REAL_CONFIGS[family], **TINY, "num_hidden_layers": model.layers,
                              "vocab_size": vocab_size}
    return (BertConfig if family == "bert" else XLMRobertaConfig)(**fields)


def _weights(config, seed: int):
    """The model the checkpoint's weights come from, initialised from ``seed``."""
    import torch
    from transformers import BertForPreTraining, XLMRobertaForMaskedLM
    from transformers.models.xlm_roberta.modeling_xlm_roberta import XLMRobertaPooler

    torch.manual_seed(seed)
    if config.model_type == "bert":
        return BertForPreTraining(config)  # mBERT's checkpoint holds the pre-training heads
    model = XLMRobertaForMaskedLM(config)
    model.roberta.pooler = XLMRobertaPooler(config)  # XLM-R's checkpoints hold the pooler too
    return model


def checkpoint_files(model: HubModel, tokenizer, seed: int) -> dict[str, bytes]:
    """File name -> bytes of a stand-in checkpoint (config, weights, tokenizer files)."""
    config = tiny_config(model, len(tokenizer))
    weights = _weights(config, seed)
    files: dict[str, bytes] = {}
    with tempfile.TemporaryDirectory() as tmp:
        weights.save_pretrained(tmp, safe_serialization=True)
        files["model.safetensors"] = (Path(tmp) / "model.safetensors").read_bytes()
        tokenizer.save_pretrained(tmp)
        files["tokenizer.json"] = (Path(tmp) / "tokenizer.json").read_bytes()
    config_dict = config.to_dict()
    config_dict["architectures"] = REAL_CONFIGS[config.model_type]["architectures"]
    config_dict.pop("transformers_version", None)
    files["config.json"] = (json.dumps(config_dict, indent=2, sort_keys=True) + "\n").encode()
    if config.model_type == "bert":
        vocab = sorted(tokenizer.get_vocab().items(), key=lambda kv: kv[1])
        files["vocab.txt"] = "".join(f"{token}\n" for token, _ in vocab).encode()
        files["tokenizer_config.json"] = b'{"do_lower_case": false}\n'
    return files


def write_models(hub_cache: Path, seed: int, models: dict[str, HubModel] | None = None) -> list[str]:
    """A stand-in snapshot of every hub model at its pinned revision; returns "hub id @ revision" lines."""
    from transformers.utils import logging as hf_logging

    models = HUB_MODELS if models is None else models
    tokenizers: dict[str, object] = {}
    written = []
    bars = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()  # one bar per tiny shard otherwise
    try:
        for model in models.values():
            family = model_family(model)
            if family not in tokenizers:  # XLM-R base and large share one sentencepiece model, as on the hub
                tokenizers[family] = mbert_tokenizer(seed) if family == "bert" else xlmr_tokenizer(seed)
            write_hub_snapshot(hub_cache, model.hub_id, model.revision,
                               checkpoint_files(model, tokenizers[family], seed))
            written.append(f"{model.hub_id} @ {model.revision}")
    finally:
        if bars:
            hf_logging.enable_progress_bar()
    return written
