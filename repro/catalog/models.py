"""Every model a recipe may name: hub checkpoints with their pinned revisions, and their size.

Each revision is a full commit id seen on the model's hub page (tree view) in the stored copy the
search tool holds; every pinned snapshot has ``model.safetensors``, ``config.json`` and the
tokenizer files. ``parameters`` feeds the plan's cost model (training about 6 x parameters x
tokens, evaluation about 2 x parameters x tokens).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class HubModel:
    name: str  # the name specs use
    hub_id: str
    revision: str
    pinned: bool
    revision_note: str
    tokenizer_files: tuple[str, ...]  # at least one must be cached
    parameters: int  # all weights, embeddings included
    layers: int
    parameters_source: str


HUB_MODELS: dict[str, HubModel] = {m.name: m for m in (
    HubModel(
        "xlm-roberta-large", "FacebookAI/xlm-roberta-large", "2a489c01713afb599e293739f28b7d36941f13dc", True,
        "commit 2a489c0 'Adding safetensors variant of this model' (tree verified)",
        ("tokenizer.json", "sentencepiece.bpe.model"), 560_000_000, 24,
        "XLM-R paper (arXiv 1911.02116) Table 7: 550M; the hub card's 560M counts the pooler"),
    HubModel(
        "xlm-roberta-base", "FacebookAI/xlm-roberta-base", "42d8930d2fa6e51784fc924d37943d1cb89ec0de", True,
        "commit 42d8930 'Adding safetensors variant of this model' (tree verified)",
        ("tokenizer.json", "sentencepiece.bpe.model"), 278_000_000, 12,
        "XLM-R paper (arXiv 1911.02116) Table 7: 270M; the hub card's 278M counts the pooler"),
    HubModel(
        "bert-base-multilingual-cased", "google-bert/bert-base-multilingual-cased",
        "fdfce55e83dbed325647a63e7e1f5de19f0382ba", True,
        "commit fdfce55 'Adding safetensors variant of this model (#3)' (tree verified)",
        ("tokenizer.json", "vocab.txt"), 179_000_000, 12,
        "google-research/bert multilingual.md: 110M encoder weights plus a 119,547-word vocabulary (about 179M)"),
)}

# the names specs may use for a recipe's model
MODEL_NAMES: tuple[str, ...] = tuple(HUB_MODELS)

# embedded encoders (smoke and micro profiles): name -> (build, pretrained?)
EMBEDDED_MODELS: dict[str, tuple[str, bool]] = {
    "tiny-xlmr": ("default", True), "tiny-xlmr-nopretrain": ("default", False),
    "micro-xlmr": ("test", True), "micro-xlmr-nopretrain": ("test", False),
}
