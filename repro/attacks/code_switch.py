"""Code-switching: words replaced by a translation from a bilingual dictionary (MUSE's format).

MUSE's ground-truth dictionaries (facebookresearch/MUSE, README "Ground-truth bilingual
dictionaries") are plain UTF-8 text with one ``source target`` pair per line, the two words
separated by whitespace; a word with several translations has several lines. MUSE's own reader
(``src/evaluation/word_translation.py``, ``load_dictionary``) splits each line on whitespace into
exactly two words; :func:`load_bilingual_dictionary` does the same and stops with the file and
line number on a line that does not have two fields. The files are lowercase.

Where they are: ``https://dl.fbaipublicfiles.com/arrival/dictionaries/<src>-<tgt>.txt`` (the
"full" dictionaries; ``.0-5000.txt`` and ``.5000-6500.txt`` are the train and test splits).
Published pairs: English to and from each language of :data:`MUSE_LANGUAGES_WITH_ENGLISH` (the
list in MUSE's ``data/get_evaluation.sh``), and every direction among :data:`MUSE_EUROPEAN`.
At run time nothing is downloaded: :func:`muse_dictionary_path` finds a file in the suite's cache
(``<cache>/muse/<src>-<tgt>.txt``) or stops with the URL and the command that fetches it;
:func:`fetch_muse_dictionary` puts it there (``repro prefetch``).

The attack (:func:`code_switch`) is the table attack of :mod:`repro.attacks.words`: each word
that has a translation other than itself is replaced, with probability ``rate``, by a uniform
draw among its translations (looked up as it is, then lowercased, keeping the word's case
pattern). To switch into several languages, pass one mapping whose lists hold the translations
into all of them.
"""

from __future__ import annotations

import os
import random
import re
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from pathlib import Path

from repro.attacks.words import perturb_text, perturb_tokens, table_attack
from repro.hub_access import MissingResourceError, offline_mode
from repro.io import cache_root, lock_for, write_bytes

MUSE_URL = "https://dl.fbaipublicfiles.com/arrival/dictionaries/{src}-{tgt}.txt"
# MUSE data/get_evaluation.sh: en-<lg> and <lg>-en are published for each of these
MUSE_LANGUAGES_WITH_ENGLISH: tuple[str, ...] = tuple(
    "af ar bg bn bs ca cs da de el en es et fa fi fr he hi hr hu id it ja ko lt lv mk ms nl no pl pt "
    "ro ru sk sl sq sv ta th tl tr uk vi zh".split()
)
# MUSE README: "European languages in every direction"
MUSE_EUROPEAN: tuple[str, ...] = ("de", "en", "es", "fr", "it", "pt")

BilingualDictionary = dict[str, list[str]]

_LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}$")


class BilingualDictionaryError(ValueError):
    """A dictionary file that is not in MUSE's format. ``str()`` names the file (and line)."""


def load_bilingual_dictionary(path: str | os.PathLike) -> BilingualDictionary:
    """Read a MUSE-format dictionary: source word -> its translations, in file order, no repeats.

    Blank lines are skipped. Raises :class:`BilingualDictionaryError` naming the file and the
    line when a line does not hold exactly two whitespace-separated words, when the file is not
    UTF-8, is missing, or holds no pair at all.
    """
    path = Path(path)
    expected = "one 'source target' pair per line, two words separated by whitespace (MUSE's format)"
    try:
        text = path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise BilingualDictionaryError(f"{path}: no such file (expected {expected})") from None
    except UnicodeDecodeError as exc:
        raise BilingualDictionaryError(f"{path}: not UTF-8 text ({exc}); expected {expected}") from None
    dictionary: BilingualDictionary = {}
    for number, line in enumerate(text.splitlines(), start=1):
        fields = line.split()
        if not fields:
            continue
        if len(fields) != 2:
            raise BilingualDictionaryError(
                f"{path}, line {number}: {len(fields)} field(s) in {line!r}; expected {expected}"
            )
        source, target = fields
        translations = dictionary.setdefault(source, [])
        if target not in translations:
            translations.append(target)
    if not dictionary:
        raise BilingualDictionaryError(f"{path}: no pairs in the file; expected {expected}")
    return dictionary


def muse_url(src: str, tgt: str) -> str:
    """The URL of MUSE's full ``src``-``tgt`` dictionary."""
    _check_language(src)
    _check_language(tgt)
    return MUSE_URL.format(src=src, tgt=tgt)


def muse_pair_published(src: str, tgt: str) -> bool:
    """Whether MUSE publishes a ``src``-``tgt`` dictionary (by its README and get_evaluation.sh)."""
    if src == tgt and src != "en":
        return False
    if "en" in (src, tgt):
        other = tgt if src == "en" else src
        return other in MUSE_LANGUAGES_WITH_ENGLISH
    return src in MUSE_EUROPEAN and tgt in MUSE_EUROPEAN


def muse_cache_path(src: str, tgt: str, cache_dir: str | os.PathLike | None = None) -> Path:
    """Where the ``src``-``tgt`` dictionary is expected: ``<cache>/muse/<src>-<tgt>.txt``."""
    _check_language(src)
    _check_language(tgt)
    return Path(cache_dir if cache_dir is not None else cache_root()) / "muse" / f"{src}-{tgt}.txt"


def muse_dictionary_path(src: str, tgt: str, cache_dir: str | os.PathLike | None = None) -> Path:
    """The cached ``src``-``tgt`` dictionary file, or ``MissingResourceError`` naming its URL.

    The error carries the command that puts the file where it is looked for (this suite does not
    download it; there is no network at evaluation time).
    """
    path = muse_cache_path(src, tgt, cache_dir)
    if path.is_file():
        return path
    url = muse_url(src, tgt)
    published = "" if muse_pair_published(src, tgt) else (
        f"; note that MUSE publishes no {src}-{tgt} dictionary (only English to and from "
        f"{len(MUSE_LANGUAGES_WITH_ENGLISH)} languages, and pairs among {', '.join(MUSE_EUROPEAN)})"
    )
    raise MissingResourceError(
        [f"MUSE bilingual dictionary {src}-{tgt}: {url} (expected at {path})"],
        reason="not in the cache" + published,
        command=f"mkdir -p {path.parent} && curl -L -o {path} {url}",
    )


def fetch_muse_dictionary(src: str, tgt: str, cache_dir: str | os.PathLike | None = None, *,
                          url: str | None = None, timeout: float = 60.0) -> Path:
    """Download MUSE's full ``src``-``tgt`` dictionary into the cache (unless there); return its path.

    The file is parsed before it is cached, so a truncated or HTML answer is never kept. Raises
    ``MissingResourceError`` when the download fails or MUSE publishes no such pair, and
    :class:`BilingualDictionaryError` when the download is not a dictionary. ``url`` replaces MUSE's
    (a ``file:`` URL in tests).
    """
    path = muse_cache_path(src, tgt, cache_dir)
    if path.is_file():
        return path
    url = url or muse_url(src, tgt)
    if not muse_pair_published(src, tgt):
        raise MissingResourceError([f"MUSE bilingual dictionary {src}-{tgt}: {url}"],
                                   reason=f"MUSE publishes no {src}-{tgt} dictionary")
    path.parent.mkdir(parents=True, exist_ok=True)
    with lock_for(path):
        if path.is_file():  # another process fetched it meanwhile
            return path
        try:
            with urllib.request.urlopen(url, timeout=timeout) as response:
                payload = response.read()
        except (urllib.error.URLError, OSError, ValueError) as exc:
            raise MissingResourceError([f"MUSE bilingual dictionary {src}-{tgt}: {url}"],
                                       reason=f"download failed: {exc}") from exc
        partial = path.with_name(path.name + ".download")
        write_bytes(partial, payload)
        try:
            load_bilingual_dictionary(partial)
        except BilingualDictionaryError:
            partial.unlink()
            raise
        partial.replace(path)
    return path


def load_muse_dictionary(src: str, tgt: str, cache_dir: str | os.PathLike | None = None) -> BilingualDictionary:
    """The ``src``-``tgt`` MUSE dictionary from the cache, else downloaded into it unless in offline mode
    (as Robust-XLT's synonym table is): a run checked online before training finds what the check found
    reachable. Offline, a missing dictionary is :func:`muse_dictionary_path`'s error."""
    if not muse_cache_path(src, tgt, cache_dir).is_file() and not offline_mode() and muse_pair_published(src, tgt):
        fetch_muse_dictionary(src, tgt, cache_dir)
    return load_bilingual_dictionary(muse_dictionary_path(src, tgt, cache_dir))


def _check_language(code: str) -> None:
    if not isinstance(code, str) or not _LANGUAGE_CODE.match(code):
        raise ValueError(f"expected a two- or three-letter lowercase language code such as 'de', got {code!r}")


def code_switch(text: str, dictionary: Mapping[str, Sequence[str]], *, rate: float, rng: random.Random) -> str:
    """Replace each word of ``text`` that has a translation, with probability ``rate``."""
    return perturb_text(text, rate, rng, table_attack(dictionary))


def code_switch_tokens(tokens: Sequence[str], dictionary: Mapping[str, Sequence[str]], *, rate: float,
                       rng: random.Random) -> list[str]:
    """Code-switching on a token list: one output token per input token."""
    return perturb_tokens(tokens, rate, rng, table_attack(dictionary))
