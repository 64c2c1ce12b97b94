"""Model registry: hub checkpoints and the embedded tiny encoder, loaded the same way."""

from __future__ import annotations

import os
from pathlib import Path

CACHE_DIR = Path(os.environ.get("XLT_REPRO_CACHE", Path.home() / ".cache" / "xlt-repro"))


def model_path(ref) -> str:
    """A path or hub id that ``from_pretrained`` loads, for a plan.ModelRef."""
    if ref.source == "embedded":
        from repro.models.embedded import build_embedded_encoder

        spec, pretrain = embedded_variant(ref.name)
        return str(build_embedded_encoder(CACHE_DIR / "models", seed=ref.seed, pretrain=pretrain, spec=spec,
                                          progress=False))
    if ref.source == "hub":
        from huggingface_hub import snapshot_download

        from repro.models.hub import check_model_available

        check_model_available(ref.name, ref.revision)  # a clear error naming `repro prefetch` if absent
        # the local snapshot of the pinned revision: from_pretrained then needs no network
        return snapshot_download(ref.name, revision=ref.revision, local_files_only=True)
    raise ValueError(f"unknown model source {ref.source!r}")


# embedded model name -> (build spec, pretrained?); "micro" is the seconds-long build of the micro profile
EMBEDDED_MODELS = ("tiny-xlmr", "tiny-xlmr-nopretrain", "micro-xlmr", "micro-xlmr-nopretrain")


def embedded_variant(name: str):
    from repro.models.embedded import DEFAULT_SPEC, TEST_SPEC

    if name not in EMBEDDED_MODELS:
        raise ValueError(f"unknown embedded model {name!r}; expected one of {EMBEDDED_MODELS}")
    spec = TEST_SPEC if name.startswith("micro") else DEFAULT_SPEC
    return spec, not name.endswith("-nopretrain")
