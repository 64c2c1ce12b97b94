"""The synonym table of Robust-XLT and its randomized-smoothing data augmentation (RS-DA).

The table is Robust-XLT's ``counterfitted_neighbors.json``: an English word -> its nearest
neighbours in counter-fitted word vectors (at most 8 per word, not symmetric). The full profile
downloads it from the repository at a fixed commit, checks its sha256 and caches it
(:func:`fetch_synonym_table`); offline without the cache it stops with
``repro.hub_access.MissingResourceError``.

RS-DA as released (``perturb.py`` of uclanlp/Robust-XLT):

- a sentence is split on single spaces (``sentence.split(" ")``) and joined back with single
  spaces, so its whitespace is kept exactly; words are looked up as they are (case and attached
  punctuation included);
- each word that has at least one neighbour is replaced by a uniform draw from the word itself and
  its neighbours; other words stay;
- each training example becomes N augmented copies (the released scripts use N=10 for PAWS-X and
  N=3 for XNLI), both sentences of a pair perturbed independently; the copies replace the
  original examples (a copy may equal the original when every draw keeps the word).

Here each example's copies draw from a generator seeded by (seed, example index), so the result
does not depend on the order or the sharding of the examples.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import urllib.error
import urllib.request
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from repro.hub_access import MissingResourceError, offline_mode
from repro.io import cache_root, lock_for, write_bytes

SYNONYM_REPO = "uclanlp/Robust-XLT"
SYNONYM_COMMIT = "175cddb89c4e86c7152d0175db8f824f7f4e6bad"
SYNONYM_FILE = "counterfitted_neighbors.json"
SYNONYM_URL = f"https://raw.githubusercontent.com/{SYNONYM_REPO}/{SYNONYM_COMMIT}/{SYNONYM_FILE}"
SYNONYM_SHA256 = "103247143f39bd5dd66850f3a912393392641dbd98093c61e2b24a4cc8a96fb0"

# copies per training example in the released scripts (README of Robust-XLT)
RELEASED_NUM_COPIES = {"pawsx": 10, "xnli": 3}

SynonymTable = dict[str, list[str]]


class SynonymTableError(ValueError):
    """A synonym table file that is not what the loader expects. ``str()`` names the file."""


# --- the table ---------------------------------------------------------------------------------


def load_synonym_table(path: str | os.PathLike) -> SynonymTable:
    """Read and validate a synonym table: a JSON object mapping each word to a list of words."""
    path = Path(path)
    expected = "a JSON object mapping each word (string) to a list of neighbour words (strings)"
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise SynonymTableError(f"{path}: no such file (expected {expected})") from None
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise SynonymTableError(f"{path}: not UTF-8 text ({exc}); expected {expected}") from None
    except json.JSONDecodeError as exc:
        raise SynonymTableError(
            f"{path}: not valid JSON at line {exc.lineno} column {exc.colno} ({exc.msg}); expected {expected}"
        ) from None
    if not isinstance(data, dict):
        raise SynonymTableError(f"{path}: the top level is a {type(data).__name__}; expected {expected}")
    table: SynonymTable = {}
    for word, neighbours in data.items():
        if not word:
            raise SynonymTableError(f"{path}: an empty word as a key; expected {expected}")
        if not isinstance(neighbours, list):
            raise SynonymTableError(
                f"{path}: the value of {word!r} is a {type(neighbours).__name__}, not a list; expected {expected}"
            )
        bad = [n for n in neighbours if not isinstance(n, str) or not n]
        if bad:
            raise SynonymTableError(
                f"{path}: the neighbours of {word!r} include {bad[0]!r}, not a non-empty string; expected {expected}"
            )
        table[word] = list(neighbours)
    return table


def synonym_cache_path(cache_dir: str | os.PathLike | None = None) -> Path:
    """Where the verified table is cached: <cache>/synonyms/<commit>/counterfitted_neighbors.json."""
    root = Path(cache_dir) if cache_dir is not None else cache_root()
    return root / "synonyms" / SYNONYM_COMMIT[:12] / SYNONYM_FILE


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def cached_table_path(cache_dir: str | os.PathLike | None = None) -> Path | None:
    """The cached table if it is there and its sha256 matches, else None."""
    path = synonym_cache_path(cache_dir)
    if path.is_file() and _sha256(path) == SYNONYM_SHA256:
        return path
    return None


def fetch_synonym_table(cache_dir: str | os.PathLike | None = None, *, url: str = SYNONYM_URL,
                        sha256: str = SYNONYM_SHA256, timeout: float = 60.0) -> Path:
    """Download the table (unless cached), verify its sha256, cache it atomically; return its path.

    Raises ``repro.hub_access.MissingResourceError`` when it cannot be downloaded, and
    :class:`SynonymTableError` when the download does not have the expected sha256.
    """
    path = synonym_cache_path(cache_dir)
    if path.is_file() and _sha256(path) == sha256:
        return path
    if offline_mode() and not url.startswith("file:"):
        raise MissingResourceError([f"synonym table {url}"], reason="not in the cache, and offline mode is set")
    path.parent.mkdir(parents=True, exist_ok=True)
    with lock_for(path):
        if path.is_file() and _sha256(path) == sha256:  # another process fetched it meanwhile
            return path
        try:
            with urllib.request.urlopen(url, timeout=timeout) as response:
                payload = response.read()
        except (urllib.error.URLError, OSError, ValueError) as exc:
            raise MissingResourceError([f"synonym table {url}"], reason=f"download failed: {exc}") from exc
        actual = hashlib.sha256(payload).hexdigest()
        if actual != sha256:
            raise SynonymTableError(f"{url}: sha256 {actual}, expected {sha256}; not cached")
        write_bytes(path, payload)
    return path


_TABLES: dict[str, SynonymTable] = {}


def counterfitted_table(cache_dir: str | os.PathLike | None = None, *, download: bool = True) -> SynonymTable:
    """Robust-XLT's table for the full profile: from the cache, else downloaded (when ``download``).

    Offline without the cache: ``repro.hub_access.MissingResourceError`` naming the URL and
    ``repro prefetch --profile full``.
    """
    path = cached_table_path(cache_dir)
    if path is None:
        if not download or offline_mode():
            raise MissingResourceError([f"synonym table {SYNONYM_URL}"],
                                       reason="not in the cache" + (" (offline mode)" if download else ""))
        path = fetch_synonym_table(cache_dir)
    key = str(path)
    if key not in _TABLES:
        _TABLES[key] = load_synonym_table(path)
    return _TABLES[key]


# --- RS-DA -------------------------------------------------------------------------------------


def augment_sentence(sentence: str, table: Mapping[str, Sequence[str]], rng: random.Random) -> str:
    """One RS-DA draw: every word with neighbours becomes a uniform draw from itself and them."""
    words = sentence.split(" ")
    out = []
    for word in words:
        neighbours = table.get(word)
        if neighbours:
            pick = rng.randrange(len(neighbours) + 1)
            out.append(word if pick == 0 else neighbours[pick - 1])
        else:
            out.append(word)
    return " ".join(out)


def example_rng(seed: int, index: int) -> random.Random:
    """The generator of one example's copies: the same for a (seed, index) on every platform."""
    return random.Random(f"rs-da:{seed}:{index}")


def augment_examples(examples: Any, table: Mapping[str, Sequence[str]], *, num_copies: int, seed: int,
                     fields: Iterable[str] = ("sentence1", "sentence2"), include_original: bool = False):
    """N augmented copies of every example (a ``datasets.Dataset`` or a list of dicts), seeded.

    Copies of example i come right after one another, in example order; each copy perturbs every
    name in ``fields`` independently and keeps the other fields (the label). With
    ``include_original`` the unperturbed example precedes its copies (the released method does not
    keep it). Returns the same type as given (a Dataset keeps its features).
    """
    if num_copies < 1:
        raise ValueError(f"num_copies must be at least 1, got {num_copies}")
    fields = tuple(fields)
    is_dataset = hasattr(examples, "features") and hasattr(examples, "column_names")
    rows = examples if not is_dataset else (dict(r) for r in examples)
    out: list[dict] = []
    for index, row in enumerate(rows):
        absent = [f for f in fields if f not in row]
        if absent:
            raise KeyError(f"example {index} has no field(s) {absent}; it has {sorted(row)}")
        if include_original:
            out.append(dict(row))
        rng = example_rng(seed, index)
        for _ in range(num_copies):
            copy = dict(row)
            for name in fields:
                copy[name] = augment_sentence(row[name], table, rng)
            out.append(copy)
    if not is_dataset:
        return out
    from datasets import Dataset

    columns = {name: [r[name] for r in out] for name in examples.column_names}
    return Dataset.from_dict(columns, features=examples.features)
