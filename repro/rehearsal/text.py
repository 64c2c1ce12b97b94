"""Seeded pseudo-text in each language's script, for the rehearsal's fixture datasets and tokenizers.

The words mean nothing; what matters for a rehearsal is that the text exercises what real text
does on the way through the loaders, tokenizers and scorers: the language's script (Arabic,
Devanagari, Thai, CJK ...), accented Latin letters, and no spaces between words in Chinese,
Japanese and Thai (so character offsets of QA answers are checked on unsegmented text).
"""

from __future__ import annotations

import random
import unicodedata
from functools import cache

# letters of each script: inclusive code point ranges, filtered to assigned letters (category L*)
_SCRIPT_RANGES: dict[str, tuple[tuple[int, int], ...]] = {
    "latin": ((0x61, 0x7A),),
    "cyrillic": ((0x430, 0x44F),),
    "greek": ((0x3B1, 0x3C9),),
    "arabic": ((0x627, 0x64A),),
    "hebrew": ((0x5D0, 0x5EA),),
    "devanagari": ((0x915, 0x939),),
    "bengali": ((0x995, 0x9B9),),
    "gurmukhi": ((0xA15, 0xA39),),
    "gujarati": ((0xA95, 0xAB9),),
    "tamil": ((0xB95, 0xBB9),),
    "telugu": ((0xC15, 0xC39),),
    "malayalam": ((0xD15, 0xD39),),
    "thai": ((0xE01, 0xE2E),),
    "myanmar": ((0x1000, 0x1020),),
    "georgian": ((0x10D0, 0x10F0),),
    "hangul": ((0xAC00, 0xAC80),),
    "han": ((0x4E00, 0x4E80),),
    "kana": ((0x3041, 0x3093), (0x4E00, 0x4E40)),
}
_SCRIPT_OF = {
    "ar": "arabic", "fa": "arabic", "ur": "arabic", "he": "hebrew",
    "bg": "cyrillic", "kk": "cyrillic", "ru": "cyrillic", "uk": "cyrillic", "el": "greek",
    "hi": "devanagari", "mr": "devanagari", "bn": "bengali", "pa": "gurmukhi", "gu": "gujarati",
    "ta": "tamil", "te": "telugu", "ml": "malayalam", "th": "thai", "my": "myanmar", "ka": "georgian",
    "ko": "hangul", "zh": "han", "ja": "kana",
}
# a few letters beyond a-z, so that Latin-script languages carry their accents
_LATIN_EXTRA = {
    "de": "äöüß", "fr": "éèàçê", "es": "ñáéó", "pt": "ãçéô", "tr": "ğışçöü", "vi": "ăâđêôơư",
    "fi": "äö", "et": "äõöü", "hu": "áéőű", "pl": "ąęłóż", "ro": "ăâîșț", "it": "àèò", "az": "əğış",
    "lt": "ąčėš", "af": "êë", "eu": "ñ", "ht": "èò", "qu": "ñ", "wo": "ëñó", "yo": "ẹọṣ",
}
# scripts written without spaces between words
UNSPACED = frozenset({"zh", "ja", "th"})
# real English words in English pseudo-text, so that word-level augmentation and attacks (Robust-XLT's
# synonym table, MUSE-style dictionaries) find words to replace; each is a key with neighbours in
# Robust-XLT's counterfitted_neighbors.json (checked by tests/test_rehearsal_mirror.py)
ENGLISH_WORDS = tuple(
    "movie good film great people house city small big large old new man woman child water food book car road "
    "river town country school family friend work time year day night world life story music game team war "
    "king song bad happy sad fast quick slow beautiful strong weak rich poor young important different early "
    "late long short high low".split()
)


@cache
def alphabet(lang: str) -> tuple[str, ...]:
    """The letters pseudo-words in ``lang`` are made of."""
    script = _SCRIPT_OF.get(lang, "latin")
    letters = [chr(c) for lo, hi in _SCRIPT_RANGES[script] for c in range(lo, hi + 1)
               if unicodedata.category(chr(c)).startswith("L")]
    if script == "latin":
        letters += list(_LATIN_EXTRA.get(lang, ""))
    return tuple(letters)


def script_languages() -> list[str]:
    """One language per alphabet the pseudo-text has (other languages write plain a-z)."""
    return sorted(set(_SCRIPT_OF) | set(_LATIN_EXTRA) | {"en"})


def all_letters() -> list[str]:
    """Every letter any language's pseudo-text uses (a tokenizer's initial alphabet)."""
    return sorted({ch for lang in script_languages() for ch in alphabet(lang)})


class PseudoText:
    """Words and sentences in one language, drawn from a generator seeded by (seed, language, stream).

    A language has one lexicon of up to ``lexicon_size`` words per seed, so that words recur across
    rows and datasets as in real text (tokenizers then learn whole-word pieces); ``stream`` names
    the use (dataset, split), so that different splits get different sentences.
    """

    def __init__(self, lang: str, seed: int, stream: str = "", lexicon_size: int = 120):
        self.lang = lang
        lexicon_rng = random.Random(f"rehearsal-lexicon:{seed}:{lang}")
        letters = alphabet(lang)
        short = 1 if lang in {"zh", "ja", "ko"} else 2  # a CJK character or Hangul syllable is a syllable
        lengths = [lexicon_rng.randint(short, short + 5) for _ in range(lexicon_size)]
        self.lexicon = sorted({"".join(lexicon_rng.choice(letters) for _ in range(n)) for n in lengths}
                              | (set(ENGLISH_WORDS) if lang == "en" else set()))
        # the words drawn: one stream per use (dataset, split, ...), over the language's one lexicon
        self.rng = random.Random(f"rehearsal-text:{seed}:{lang}:{stream}")
        self.separator = "" if lang in UNSPACED else " "

    def word(self) -> str:
        return self.rng.choice(self.lexicon)

    def words(self, n: int) -> list[str]:
        return [self.word() for _ in range(n)]

    def join(self, words: list[str]) -> str:
        return self.separator.join(words)

    def sentence(self, low: int = 4, high: int = 10, end: str = ".") -> str:
        text = self.join(self.words(self.rng.randint(low, high)))
        return (text[:1].upper() + text[1:]) + end

    def paragraph(self, sentences: int = 3) -> str:
        return self.separator.join(self.sentence() for _ in range(sentences))


def corpus(languages, seed: int, sentences_per_language: int = 200) -> list[str]:
    """Sentences in every language, in language order (what the rehearsal tokenizers train on)."""
    out = []
    for lang in languages:
        text = PseudoText(lang, seed, "corpus")
        out += [text.sentence() for _ in range(sentences_per_language)]
    return out
