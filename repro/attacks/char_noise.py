"""Character noise: one typo-like edit in a share of the words (the rate is per word).

A word's core (see :mod:`repro.attacks.words`: leading and trailing punctuation stay) is eligible
when it holds at least one letter (``str.isalpha``). Tokens without letters (``1990``, ``3.5``,
``$20``, punctuation) are never touched: numbers often carry the answer (QA) or the label (NLI),
and a changed digit changes the meaning, not the spelling.

Each eligible word is selected with probability ``rate`` (one draw), and a selected word gets
exactly one edit, drawn uniformly among the edits that can change it, in this order:

1. ``insert``: a character drawn from the core itself, at a position in ``0..len(core)``;
2. ``delete``: one character (only when the core has two characters or more: a word never empties);
3. ``swap``: two adjacent characters that differ (only when such a pair exists);
4. ``keyboard``: an ASCII letter replaced by a neighbouring key of a US QWERTY keyboard, keeping
   its case (only when the core has an ASCII letter).

So Latin-script words get all four edits, and words in other scripts get insert, delete and swap
with characters of the word itself (no keyboard layout is assumed for them). Every edit changes
the word. Draws after the edit is chosen, in order: insert takes the position then the character;
delete the position; swap the index among the differing adjacent pairs; keyboard the index among
the ASCII letters, then the neighbour.

Keyboard neighbours follow from the geometry of the ANSI layout: the letter rows ``qwertyuiop``,
``asdfghjkl``, ``zxcvbnm`` start 1.5, 1.75 and 2.25 key widths from the left edge; two keys are
neighbours when they sit side by side in a row, or in adjacent rows with overlapping extents
(their left edges less than one key apart). Neighbours are listed in alphabetical order.

Scripts written without spaces (Chinese, Japanese, Thai) have few whitespace-delimited words, so
there a per-word rate means far fewer edits per character than in English.
"""

from __future__ import annotations

import random

from repro.attacks.words import WordAttack, perturb_text, perturb_tokens

_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
_ROW_OFFSETS = (1.5, 1.75, 2.25)  # left edge of each row's first letter key, in key widths (ANSI)

EDITS = ("insert", "delete", "swap", "keyboard")


def _keyboard_neighbours() -> dict[str, tuple[str, ...]]:
    position = {
        key: (row, offset + column)
        for row, (keys, offset) in enumerate(zip(_ROWS, _ROW_OFFSETS, strict=True))
        for column, key in enumerate(keys)
    }
    neighbours: dict[str, tuple[str, ...]] = {}
    for key, (row, x) in position.items():
        near = [
            other for other, (other_row, other_x) in position.items()
            if other != key and (
                (other_row == row and abs(other_x - x) == 1)
                or (abs(other_row - row) == 1 and abs(other_x - x) < 1)
            )
        ]
        neighbours[key] = tuple(sorted(near))
    return neighbours


QWERTY_NEIGHBOURS: dict[str, tuple[str, ...]] = _keyboard_neighbours()


def possible_edits(core: str) -> list[str]:
    """The edits that can change ``core``, in the fixed order of :data:`EDITS`."""
    edits = ["insert"]
    if len(core) >= 2:
        edits.append("delete")
    if _swap_positions(core):
        edits.append("swap")
    if _keyboard_positions(core):
        edits.append("keyboard")
    return edits


def _swap_positions(core: str) -> list[int]:
    return [i for i in range(len(core) - 1) if core[i] != core[i + 1]]


def _keyboard_positions(core: str) -> list[int]:
    return [i for i, ch in enumerate(core) if ch.isascii() and ch.lower() in QWERTY_NEIGHBOURS]


def edit_word(core: str, rng: random.Random) -> str:
    """One typo in ``core``: an edit drawn uniformly among :func:`possible_edits`, then applied."""
    edits = possible_edits(core)
    edit = edits[rng.randrange(len(edits))]
    if edit == "insert":
        position = rng.randrange(len(core) + 1)
        inserted = core[rng.randrange(len(core))]
        return core[:position] + inserted + core[position:]
    if edit == "delete":
        position = rng.randrange(len(core))
        return core[:position] + core[position + 1:]
    if edit == "swap":
        pairs = _swap_positions(core)
        i = pairs[rng.randrange(len(pairs))]
        return core[:i] + core[i + 1] + core[i] + core[i + 2:]
    letters = _keyboard_positions(core)
    i = letters[rng.randrange(len(letters))]
    keys = QWERTY_NEIGHBOURS[core[i].lower()]
    new = keys[rng.randrange(len(keys))]
    return core[:i] + (new.upper() if core[i].isupper() else new) + core[i + 1:]


CHAR_NOISE = WordAttack(eligible=lambda core: any(ch.isalpha() for ch in core), apply=edit_word)


def add_char_noise(text: str, *, rate: float, rng: random.Random) -> str:
    """Give each word of ``text`` that has a letter one typo with probability ``rate``."""
    return perturb_text(text, rate, rng, CHAR_NOISE)


def add_char_noise_tokens(tokens: list[str], *, rate: float, rng: random.Random) -> list[str]:
    """Character noise on a token list: one output token per input token, none emptied."""
    return perturb_tokens(tokens, rate, rng, CHAR_NOISE)
