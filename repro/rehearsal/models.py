"""Tiny, randomly initialised stand-ins for the hub checkpoints, under their real ids and revisions.

Each stand-in keeps what the runs depend on and shrinks what only costs time:

- kept: the configuration class and ``model_type``, the architecture the checkpoint was saved as
  (``architectures`` in config.json) and its heads' weights (XLM-R: the masked-LM head and the
  pooler; mBERT: BertForPreTraining's masked-LM and next-sentence heads and the pooler), the number
  of layers (retrieval reads ``hidden_states[14]`` of XLM-R large's 24), the position table
  (514 / 512, so inputs of 512 tokens fit), the special-token ids and the tokenizer class;
- shrunk: hidden size 32, 2 attention heads, feed-forward 64, and a vocabulary of about a
  thousand pieces learned from the rehearsal's pseudo-text (:mod:`repro.rehearsal.text`).

The real values are those of the checkpoints' config.json files (FacebookAI/xlm-roberta-base
config.json at commit 8524a13 and copies of xlm-roberta-large's and bert-base-multilingual-cased's,
read as stored hub pages); the files each repository holds at its pinned revision: XLM-R
config.json, model.safetensors, sentencepiece.bpe.model and tokenizer.json (no tokenizer_config.json);
mBERT config.json, model.safetensors, tokenizer.json, tokenizer_config.json ({"do_lower_case": false})
and vocab.txt. The stand-ins hold the same files except sentencepiece.bpe.model (writing one needs
the sentencepiece library; tokenizer.json is what transformers loads, and the catalogue accepts
either file).
"""

from __future__ import annotations

import json
import tempfile
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


def _training_text(seed: int) -> list[str]:
    return corpus(script_languages(), seed, sentences_per_language=60)


def xlmr_tokenizer(seed: int, vocab_size: int = 2000):
    """An XLM-R tokenizer (unigram pieces, XLM-R's special tokens and ids) trained on pseudo-text."""
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, trainers
    from transformers import XLMRobertaTokenizer  # transformers 5: XLMRobertaTokenizerFast is this class

    trainer_tokenizer = Tokenizer(models.Unigram())
    trainer_tokenizer.normalizer = normalizers.NFKC()  # XLM-R's sentencepiece model normalises with nmt_nfkc
    trainer_tokenizer.pre_tokenizer = pre_tokenizers.Sequence([pre_tokenizers.WhitespaceSplit(),
                                                               pre_tokenizers.Metaspace()])
    trainer = trainers.UnigramTrainer(vocab_size=vocab_size, special_tokens=["<s>", "<pad>", "</s>", "<unk>"],
                                      unk_token="<unk>", initial_alphabet=all_letters() + _PUNCTUATION,
                                      show_progress=False)
    trainer_tokenizer.train_from_iterator(_training_text(seed), trainer)
    pieces = [tuple(piece) for piece in json.loads(trainer_tokenizer.to_str())["model"]["vocab"]]
    # XLM-R: <s>=0, <pad>=1, </s>=2, <unk>=3, the pieces, <mask> last
    tokenizer = XLMRobertaTokenizer(vocab=pieces + [("<mask>", 0.0)])
    tokenizer.backend_tokenizer.normalizer = normalizers.NFKC()
    return tokenizer


def mbert_tokenizer(seed: int, vocab_size: int = 2000):
    """A cased multilingual BERT tokenizer (WordPiece, mBERT's special tokens at ids 0 and 100-103)."""
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, trainers
    from transformers import BertTokenizer  # transformers 5: BertTokenizerFast is this class

    trainer_tokenizer = Tokenizer(models.WordPiece(unk_token="[UNK]"))
    trainer_tokenizer.normalizer = normalizers.BertNormalizer(lowercase=False, strip_accents=False)
    trainer_tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    trainer = trainers.WordPieceTrainer(vocab_size=vocab_size, special_tokens=MBERT_SPECIALS,
                                        initial_alphabet=all_letters() + _PUNCTUATION, show_progress=False)
    trainer_tokenizer.train_from_iterator(_training_text(seed), trainer)
    vocab = trainer_tokenizer.get_vocab()
    return BertTokenizer(vocab=dict(sorted(vocab.items(), key=lambda kv: kv[1])), do_lower_case=False)


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
