"""The shared trainer: one Hugging Face ``Trainer`` for every recipe and task kind.

Recipes compose: an optional intermediate stage (STILTs, :mod:`.intermediate`) whose encoder every
target run reuses, then English fine-tuning with a training objective (:mod:`.objectives`) and
zero-shot evaluation (:mod:`.finetune`), with model selection on English dev (:mod:`.selection`).
Retrieval tasks are scored with the encoder, untrained. Everything random takes its seed from the
RunSpec.
"""

from repro.training import finetune as _finetune
from repro.training import intermediate as _intermediate

# what runs a RunSpec of each stage (the package keeps its submodules' names for the modules)
STAGES = {"finetune": _finetune.finetune, "intermediate": _intermediate.intermediate,
          "encode": _finetune.encode}

__all__ = ["STAGES"]
