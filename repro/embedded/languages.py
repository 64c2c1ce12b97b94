"""The embedded languages (typology table in the package docstring) and the generator's fixed seeds."""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass

# Bump whenever anything in this package changes the generated text (languages, templates, sizes, sampling).
GENERATOR_VERSION = "embedded-2"
LEXICON_SEED = "embedded-lexicon-v1"  # fixes the languages; independent of the data seed


def derived_rng(*parts) -> random.Random:
    """A private generator derived from the caller's seed and a purpose (no global RNG)."""
    digest = hashlib.sha256("\x1f".join(map(str, parts)).encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


@dataclass(frozen=True)
class EmbeddedLanguage:
    code: str
    name: str
    family: str
    script: str
    word_order: str
    resource: str  # "high" | "low": low-resource languages get less pretraining text
    adjective_position: str  # "pre" | "post" the noun
    adposition: str  # "preposition" | "postposition" | "case suffix"
    negation: str
    morphology: str


EMBEDDED_LANGUAGES: dict[str, EmbeddedLanguage] = {
    "en": EmbeddedLanguage("en", "English", "Westic", "Latin", "SVO", "high", "pre", "preposition",
                           "do-support (did not)", "plural -s, past tense, articles"),
    "vel": EmbeddedLanguage("vel", "Velan", "Westic", "Latin", "SVO", "high", "post", "preposition",
                            "preverbal particle", "plural -s/-es, past suffix, articles, cognates"),
    "dar": EmbeddedLanguage("dar", "Darvic", "Steppic", "Latin", "SOV", "high", "pre", "case suffix",
                            "verb suffix", "vowel harmony, locative/accusative case, plural -lar"),
    "bor": EmbeddedLanguage("bor", "Borovan", "Northic", "Cyrillic", "SVO", "high", "pre", "preposition",
                            "preverbal particle", "accusative -u, plural -y, past -l, zero copula"),
    "thl": EmbeddedLanguage("thl", "Thelan", "Southic", "Greek", "VSO", "low", "post", "preposition",
                            "preverbal particle", "past prefix e-, plural -(e)s, definite article"),
    "mav": EmbeddedLanguage("mav", "Mavaki", "Islandic", "Latin", "SVO", "low", "post", "preposition",
                            "preverbal particle", "isolating: plural and tense particles"),
}
LANGUAGES: tuple[str, ...] = tuple(EMBEDDED_LANGUAGES)
NON_ENGLISH: tuple[str, ...] = tuple(c for c in LANGUAGES if c != "en")
