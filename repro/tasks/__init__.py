"""Task data: one schema (:mod:`.base`), the hub loaders (:mod:`.hub`), the loader by source
(:mod:`.loading`), Robust-XLT's synonym table (:mod:`.synonyms`) and the MLM corpus (:mod:`.mlm_corpus`)."""
