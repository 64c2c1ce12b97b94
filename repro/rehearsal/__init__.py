"""The rehearsal mirror: every dataset, model, corpus and table the full profile reads, made locally
at tiny scale and laid out as the hub caches are."""
