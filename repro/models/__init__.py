"""Model registry: hub checkpoints and the embedded tiny encoder, loaded the same way.

:func:`model_path` gives what ``from_pretrained`` loads for a :class:`~repro.runspec.ModelRef`:
the cached snapshot of a pinned hub checkpoint, or the folder of an embedded build (built once,
cached under the suite's cache by content hash).
"""

from __future__ import annotations

from pathlib import Path

from repro.catalog import EMBEDDED_MODELS
from repro.io import cache_root
from repro.launch import launched_job, run_alone
from repro.models.embedded import DEFAULT_SPEC, TEST_SPEC, EncoderSpec, build_embedded_encoder
from repro.models.hub import check_model_available


def model_path(ref, progress: bool = False) -> str:
    """A path that ``from_pretrained`` loads, for a :class:`~repro.runspec.ModelRef` (``progress``:
    say what an embedded encoder's build is doing, when it has to be built)."""
    if ref.source == "embedded":
        job = launched_job()
        if job is not None:  # the build trains with the Trainer: one process of its own builds it
            if job.is_main_process:
                run_alone(_BUILD, ref.name, str(ref.seed))
            job.wait_for_everyone()
        return str(build_embedded(ref.name, ref.seed, progress=progress))
    if ref.source == "hub":
        # the local snapshot of the pinned revision (a clear error naming `repro prefetch` if absent):
        # from_pretrained then needs no network
        return check_model_available(ref.name, ref.revision)
    raise ValueError(f"unknown model source {ref.source!r}")


_BUILD = "import sys; from repro.models import build_embedded; build_embedded(sys.argv[1], int(sys.argv[2]))"


def build_embedded(name: str, seed: int = 0, progress: bool = False) -> Path:
    """Build (once, cached) the embedded encoder ``name``; returns its directory."""
    spec, pretrain = embedded_variant(name)
    return build_embedded_encoder(cache_root() / "models", seed=seed, pretrain=pretrain, spec=spec,
                                  progress=progress)


def embedded_variant(name: str) -> tuple[EncoderSpec, bool]:
    """(build spec, pretrained?) of an embedded model name ("micro" is the seconds-long build)."""
    if name not in EMBEDDED_MODELS:
        raise ValueError(f"unknown embedded model {name!r}; expected one of {sorted(EMBEDDED_MODELS)}")
    build, pretrained = EMBEDDED_MODELS[name]
    return (TEST_SPEC if build == "test" else DEFAULT_SPEC), pretrained
