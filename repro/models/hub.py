"""Hub checkpoints of the full profile: resolving a spec's model name, and the offline cache check.

Which checkpoints exist and at which revision is data in :mod:`repro.catalog.models`.
"""

from __future__ import annotations

from repro.catalog import HUB_MODELS, HubModel
from repro.hub_access import MissingResourceError

WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin")
# what `repro prefetch` downloads of a model repository: config, tokenizer, PyTorch weights (not the
# TF / Flax / ONNX copies, each as large as the PyTorch one)
MODEL_DOWNLOAD_PATTERNS = ["*.json", "*.safetensors", "*.model", "*.txt"]


def resolve_model(name: str) -> tuple[str, str]:
    """(hub id, revision) of a model name a spec uses ("xlm-roberta-large", ...).

    A hub id of a registered model ("FacebookAI/xlm-roberta-large") resolves too.
    """
    model = hub_model(name)
    return model.hub_id, model.revision


def hub_model(name: str) -> HubModel:
    if name in HUB_MODELS:
        return HUB_MODELS[name]
    for model in HUB_MODELS.values():
        if model.hub_id == name:
            return model
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
    from huggingface_hub import snapshot_download

    missing = missing_model_files(hub_id, revision, cache_dir)
    if missing:
        raise MissingResourceError([f"model {hub_id} @ {revision} (not cached: {', '.join(missing)})"])
    return snapshot_download(hub_id, revision=revision, local_files_only=True, cache_dir=cache_dir)
