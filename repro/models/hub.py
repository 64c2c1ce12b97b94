"""Hub checkpoints of the full profile: ids, pinned revisions, and the offline cache check.

Each revision is a full commit id seen on the model's hub page (tree view) in the stored copy the
search tool holds; every pinned snapshot has ``model.safetensors``, ``config.json`` and the
tokenizer files.
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


HUB_MODELS: dict[str, HubModel] = {
    "xlm-roberta-large": HubModel(
        "xlm-roberta-large", "FacebookAI/xlm-roberta-large", "2a489c01713afb599e293739f28b7d36941f13dc", True,
        "commit 2a489c0 'Adding safetensors variant of this model' (tree verified)",
        ("tokenizer.json", "sentencepiece.bpe.model"),
    ),
    "xlm-roberta-base": HubModel(
        "xlm-roberta-base", "FacebookAI/xlm-roberta-base", "42d8930d2fa6e51784fc924d37943d1cb89ec0de", True,
        "commit 42d8930 'Adding safetensors variant of this model' (tree verified)",
        ("tokenizer.json", "sentencepiece.bpe.model"),
    ),
    "bert-base-multilingual-cased": HubModel(
        "bert-base-multilingual-cased", "google-bert/bert-base-multilingual-cased",
        "fdfce55e83dbed325647a63e7e1f5de19f0382ba", True,
        "commit fdfce55 'Adding safetensors variant of this model (#3)' (tree verified)",
        ("tokenizer.json", "vocab.txt"),
    ),
}

WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin")
# what `repro prefetch` downloads of a model repository: config, tokenizer, PyTorch weights (not the
# TF / Flax / ONNX copies, each as large as the PyTorch one)
MODEL_DOWNLOAD_PATTERNS = ["*.json", "*.safetensors", "*.model", "*.txt"]


def resolve_model(name: str) -> tuple[str, str]:
    """(hub id, revision) of a model name a spec uses ("xlm-roberta-large", ...).

    A hub id of a registered model ("FacebookAI/xlm-roberta-large") resolves too.
    """
    if name in HUB_MODELS:
        model = HUB_MODELS[name]
        return model.hub_id, model.revision
    for model in HUB_MODELS.values():
        if model.hub_id == name:
            return model.hub_id, model.revision
    raise ValueError(f"unknown hub model {name!r}; known: {sorted(HUB_MODELS)}")


def _model_for(hub_id: str) -> HubModel | None:
    return next((m for m in HUB_MODELS.values() if m.hub_id == hub_id), None)


def missing_model_files(hub_id: str, revision: str, cache_dir: str | None = None) -> list[str]:
    """Files of the pinned snapshot that are not in the local hub cache (empty: all there)."""
    from huggingface_hub import try_to_load_from_cache

    def cached(filename: str) -> bool:
        found = try_to_load_from_cache(hub_id, filename, cache_dir=cache_dir, revision=revision)
        return isinstance(found, str)

    model = _model_for(hub_id)
    tokenizer_files = model.tokenizer_files if model else ("tokenizer.json",)
    missing = []
    if not cached("config.json"):
        missing.append("config.json")
    if not any(cached(f) for f in WEIGHT_FILES):
        missing.append(" or ".join(WEIGHT_FILES))
    if not any(cached(f) for f in tokenizer_files):
        missing.append(" or ".join(tokenizer_files))
    return missing


def model_cached(hub_id: str, revision: str, cache_dir: str | None = None) -> bool:
    return not missing_model_files(hub_id, revision, cache_dir)


def check_model_available(hub_id: str, revision: str, cache_dir: str | None = None) -> str:
    """The local snapshot path of the pinned revision, or MissingResourceError naming the prefetch command.

    Looks only at the local hub cache (no network): the full profile fetches models with
    ``repro prefetch`` and runs from the cache.
    """
    from repro.prefetch import MissingResourceError

    missing = missing_model_files(hub_id, revision, cache_dir)
    if missing:
        raise MissingResourceError([f"model {hub_id} @ {revision} (not cached: {', '.join(missing)})"])
    from huggingface_hub import snapshot_download

    return snapshot_download(hub_id, revision=revision, local_files_only=True, cache_dir=cache_dir)
