"""xlt-repro: check published claims about zero-shot cross-lingual transfer by re-running them."""

__version__ = "0.1.0"
