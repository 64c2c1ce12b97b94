"""Perturbation attacks as seeded evaluation transforms (issue 12).

Pure functions over text, token lists and rows of the task schema (``repro.tasks.base``):
synonym substitution (:mod:`~repro.attacks.words`), character noise
(:mod:`~repro.attacks.char_noise`), code-switching with MUSE dictionaries
(:mod:`~repro.attacks.code_switch`), QA distractors and answer-preserving context perturbation
(:mod:`~repro.attacks.qa`), and the dispatcher by task kind with the flip rate
(:mod:`~repro.attacks.apply`). Every random choice draws from an explicit ``random.Random``.
"""

from __future__ import annotations

from repro.attacks.apply import (
    ATTACK_KINDS,
    DEFAULT_FIELDS,
    PERTURBABLE_FIELDS,
    AttackConfig,
    apply_attack,
    flip_rate,
    row_rng,
)
from repro.attacks.char_noise import QWERTY_NEIGHBOURS, add_char_noise, add_char_noise_tokens, edit_word
from repro.attacks.code_switch import (
    BilingualDictionaryError,
    code_switch,
    code_switch_tokens,
    fetch_muse_dictionary,
    load_bilingual_dictionary,
    load_muse_dictionary,
    muse_dictionary_path,
    muse_url,
)
from repro.attacks.qa import add_distractor, distractor_pool, perturb_context, split_sentences
from repro.attacks.words import (
    SYNONYM_TABLE_LANGUAGES,
    WordAttack,
    perturb_text,
    perturb_tokens,
    substitute_synonyms,
    synonym_table_for,
    table_attack,
)

__all__ = [
    "ATTACK_KINDS", "DEFAULT_FIELDS", "PERTURBABLE_FIELDS", "QWERTY_NEIGHBOURS", "SYNONYM_TABLE_LANGUAGES",
    "AttackConfig", "BilingualDictionaryError", "WordAttack",
    "add_char_noise", "add_char_noise_tokens", "add_distractor", "apply_attack", "code_switch",
    "code_switch_tokens", "distractor_pool", "edit_word", "fetch_muse_dictionary", "flip_rate",
    "load_bilingual_dictionary",
    "load_muse_dictionary", "muse_dictionary_path", "muse_url", "perturb_context", "perturb_text",
    "perturb_tokens", "row_rng", "split_sentences", "substitute_synonyms", "synonym_table_for", "table_attack",
]
