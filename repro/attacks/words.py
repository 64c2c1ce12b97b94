"""Word-level perturbation machinery shared by every word attack, and synonym substitution.

Words. A text is split on runs of whitespace and joined back with the very same whitespace, so
only the words change. A word is split into leading punctuation/symbols, a core and trailing
punctuation/symbols (Unicode categories ``P*`` and ``S*``): ``"(Good),"`` is ``"("``, ``"Good"``,
``"),"``. Attacks read and replace the core only; the affixes stay. A token list (token
classification) is handled word by word in the same way, so each input token gives exactly one
output token and the tags stay aligned (a token that holds a space, rare in tagging data, is one
word here).

Selection. Each word that the attack can change (it is *eligible*: a synonym exists, a
translation exists, it has a letter) costs one draw ``u = rng.random()``; it is changed when
``u < rate``; the change itself then takes further draws from the same generator. Words that are
not eligible take no draw. So ``rate=0`` is the identity and ``rate=1`` changes every eligible word.

Lookup (synonyms and translations). The core is looked up as it is, then lowercased (the
counter-fitted table and MUSE's dictionaries are lowercase). When only the lowercase form is
found, the replacement takes the case pattern of the word: all capitals for an all-capital word
of two letters or more, else a capital first letter for a capitalised word. Candidates equal to
the looked-up word, repeated candidates and candidates containing whitespace are dropped (a
replacement always changes the word and stays one word).

Synonym tables. The only real table the suite knows is English: Robust-XLT's counter-fitted
neighbours (:mod:`repro.tasks.synonyms`, loaded with its own loader). No per-language table
ships for any other language today; :func:`synonym_table_for` says so, and callers may pass any
``word -> [neighbours]`` mapping they have.
"""

from __future__ import annotations

import os
import random
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from repro.tasks.synonyms import counterfitted_table

# language code -> what the synonym table is; only English has a real one
SYNONYM_TABLE_LANGUAGES: dict[str, str] = {
    "en": "counter-fitted neighbours of Robust-XLT (uclanlp/Robust-XLT counterfitted_neighbors.json)",
}

_WHITESPACE = re.compile(r"(\s+)")


@dataclass(frozen=True)
class WordAttack:
    """One word-level attack: which cores it can change (no draws), and the change (draws)."""

    eligible: Callable[[str], bool]
    apply: Callable[[str, random.Random], str]


def split_affixes(word: str) -> tuple[str, str, str]:
    """Split a word into (leading punctuation/symbols, core, trailing punctuation/symbols)."""
    start, end = 0, len(word)
    while start < end and unicodedata.category(word[start])[0] in "PS":
        start += 1
    while end > start and unicodedata.category(word[end - 1])[0] in "PS":
        end -= 1
    return word[:start], word[start:end], word[end:]


def match_case(replacement: str, word: str) -> str:
    """``replacement`` with the case pattern of ``word`` (all capitals, or a capital first letter)."""
    if len(word) > 1 and word.isupper():
        return replacement.upper()
    if word[:1].isupper():
        return replacement[:1].upper() + replacement[1:]
    return replacement


def lookup_candidates(table: Mapping[str, Sequence[str]], core: str) -> list[str]:
    """Replacements of ``core`` from a word -> words table, by the lookup rule of this module.

    Returns an empty list when the word (as it is, or lowercased) has no usable entry.
    """
    key, entries = core, table.get(core)
    if not entries:
        key, entries = core.lower(), table.get(core.lower())
        if not entries:
            return []
    candidates: list[str] = []
    for entry in entries:
        if not entry or entry == key or any(ch.isspace() for ch in entry):
            continue
        candidate = entry if key == core else match_case(entry, core)
        if candidate != core and candidate not in candidates:
            candidates.append(candidate)
    return candidates


def perturb_word(word: str, rate: float, rng: random.Random, attack: WordAttack) -> str:
    """Apply one word attack to one word: its core changes with probability ``rate``, the affixes stay."""
    prefix, core, suffix = split_affixes(word)
    if not core or not attack.eligible(core):
        return word  # not eligible: no draw
    if rng.random() >= rate:
        return word
    return prefix + attack.apply(core, rng) + suffix


def perturb_text(text: str, rate: float, rng: random.Random, attack: WordAttack) -> str:
    """Apply a word attack to every whitespace-delimited word of ``text``; whitespace is kept."""
    check_rate(rate)
    parts = _WHITESPACE.split(text)
    # even indices are words (possibly empty at the ends), odd ones the whitespace between them
    return "".join(perturb_word(p, rate, rng, attack) if i % 2 == 0 and p else p for i, p in enumerate(parts))


def perturb_tokens(tokens: Sequence[str], rate: float, rng: random.Random, attack: WordAttack) -> list[str]:
    """Apply a word attack to each token; one output token per input token (tags stay aligned)."""
    check_rate(rate)
    return [perturb_word(token, rate, rng, attack) if token else token for token in tokens]


def check_rate(rate: float) -> None:
    """Raise unless ``rate`` is a probability."""
    if not isinstance(rate, (int, float)) or isinstance(rate, bool) or not 0.0 <= rate <= 1.0:
        raise ValueError(f"rate must be a number between 0 and 1, got {rate!r}")


# --- synonym substitution ----------------------------------------------------------------------


def table_attack(table: Mapping[str, Sequence[str]]) -> WordAttack:
    """The word attack that replaces a word by a uniform draw among its entries in ``table``.

    A word with at least one candidate (see :func:`lookup_candidates`) is eligible; when selected
    it becomes ``candidates[rng.randrange(len(candidates))]``. Synonym substitution uses it with a
    synonym table, code-switching with a bilingual dictionary. Unlike RS-DA, the word itself is
    not among the draws: an attack changes every word it selects.
    """

    def apply(core: str, rng: random.Random) -> str:
        candidates = lookup_candidates(table, core)
        return candidates[rng.randrange(len(candidates))]

    return WordAttack(eligible=lambda core: bool(lookup_candidates(table, core)), apply=apply)


def substitute_synonyms(text: str, table: Mapping[str, Sequence[str]], *, rate: float, rng: random.Random) -> str:
    """Replace each word of ``text`` that has neighbours in ``table``, with probability ``rate``."""
    return perturb_text(text, rate, rng, table_attack(table))


def synonym_table_for(language: str, cache_dir: str | os.PathLike | None = None, *,
                      download: bool = True) -> dict[str, list[str]]:
    """The real synonym table of ``language``: today only English (Robust-XLT's counter-fitted one).

    Loaded by :func:`repro.tasks.synonyms.counterfitted_table` (cache, else download). Any other
    language raises ``LookupError``: no table for it ships; pass your own mapping instead.
    """
    if language not in SYNONYM_TABLE_LANGUAGES:
        raise LookupError(
            f"no synonym table for language {language!r}: the suite has one only for "
            f"{sorted(SYNONYM_TABLE_LANGUAGES)} ({SYNONYM_TABLE_LANGUAGES['en']}); "
            "pass a word -> [neighbours] mapping of your own as the attack's resource"
        )
    return counterfitted_table(cache_dir, download=download)
