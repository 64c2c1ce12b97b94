"""Model registry: hub checkpoints and the embedded tiny encoder, loaded the same way."""

from __future__ import annotations

import os
from pathlib import Path

CACHE_DIR = Path(os.environ.get("XLT_REPRO_CACHE", Path.home() / ".cache" / "xlt-repro"))


def model_path(ref) -> str:
    """A path or hub id that ``from_pretrained`` loads, for a plan.ModelRef."""
    if ref.source == "embedded":
        from repro.launch import launched_job, run_alone

        job = launched_job()
        if job is not None:  # the build trains with the Trainer: one process of its own builds it
            if job.is_main_process:
                run_alone(_BUILD, ref.name, str(ref.seed))
            job.wait_for_everyone()
        return str(build_embedded(ref.name, ref.seed))
    if ref.source == "hub":
        from huggingface_hub import snapshot_download

        from repro.models.hub import check_model_available

        check_model_available(ref.name, ref.revision)  # a clear error naming `repro prefetch` if absent
        # the local snapshot of the pinned revision: from_pretrained then needs no network
        return snapshot_download(ref.name, revision=ref.revision, local_files_only=True)
    raise ValueError(f"unknown model source {ref.source!r}")


_BUILD = "import sys; from repro.models import build_embedded; build_embedded(sys.argv[1], int(sys.argv[2]))"


def build_embedded(name: str, seed: int = 0):
    """Build (once, cached) the embedded encoder ``name``; returns its directory."""
    from repro.models.embedded import build_embedded_encoder

    spec, pretrain = embedded_variant(name)
    return build_embedded_encoder(CACHE_DIR / "models", seed=seed, pretrain=pretrain, spec=spec, progress=False)


# embedded model name -> (build spec, pretrained?); "micro" is the seconds-long build of the micro profile
EMBEDDED_MODELS = ("tiny-xlmr", "tiny-xlmr-nopretrain", "micro-xlmr", "micro-xlmr-nopretrain")


def embedded_variant(name: str):
    from repro.models.embedded import DEFAULT_SPEC, TEST_SPEC

    if name not in EMBEDDED_MODELS:
        raise ValueError(f"unknown embedded model {name!r}; expected one of {EMBEDDED_MODELS}")
    spec = TEST_SPEC if name.startswith("micro") else DEFAULT_SPEC
    return spec, not name.endswith("-nopretrain")
