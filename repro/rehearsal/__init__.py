"""The rehearsal mirror: every dataset, model, corpus and table the full profile reads, made locally
at tiny scale, laid out as the hub caches are, so that the full profile's plan runs offline on a CPU
through the same loaders (see :mod:`repro.rehearsal.mirror`)."""

from repro.rehearsal.mirror import Mirror, build_mirror, environment

__all__ = ["Mirror", "build_mirror", "environment"]
