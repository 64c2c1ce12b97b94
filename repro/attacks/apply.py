"""Attacks as seeded evaluation transforms over rows of the task schema, and the flip rate.

An attack is an :class:`AttackConfig` (or a dict with the same keys): its ``kind`` (one of
:data:`ATTACK_KINDS`), a ``rate``, the name of the ``resource`` it reads (a synonym table or a
bilingual dictionary, looked up in the ``resources`` mapping given to :func:`apply_attack`) and,
optionally, the ``fields`` to perturb. Fields perturbed per task kind (:data:`DEFAULT_FIELDS`;
:data:`PERTURBABLE_FIELDS` lists what may be chosen instead):

- ``pair_classification``: ``sentence1`` and ``sentence2``;
- ``qa``: the ``question`` (the context and its answer spans stay intact); ``context`` may be
  added: its words that overlap no gold answer are perturbed and the answer starts re-anchored.
  The ``distractor`` attack, for QA only, inserts a sentence into the context instead;
- ``multiple_choice``: ``context`` and every ending;
- ``token_classification``: ``tokens`` (one output token per input token, so tags stay aligned);
- ``retrieval``: ``source_sentence`` (the test-language side; the English targets stay).

Seeding: row ``i`` draws from ``random.Random(f"attack:{kind}:{seed}:{i}")`` (string seeds hash
with SHA-512 in CPython's ``random``, so the stream is the same on every platform and does not
depend on PYTHONHASHSEED); the fields of a row are perturbed in the order listed above, from that
one generator. A row's result depends only on the seed, its index and its content (and, for the
distractor, on the sentences of the whole set), never on the order in which rows are processed.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from repro.attacks.char_noise import CHAR_NOISE
from repro.attacks.qa import add_distractor, distractor_pool, perturb_context
from repro.attacks.words import WordAttack, check_rate, perturb_text, perturb_tokens, table_attack

ATTACK_KINDS: dict[str, str] = {
    "synonym": "synonym substitution",
    "char_noise": "character noise",
    "code_switch": "code-switching",
    "distractor": "distractor sentence",
}
_NEEDS_RESOURCE = {"synonym": "a synonym table (word -> neighbours)",
                   "code_switch": "a bilingual dictionary (word -> translations)"}

PERTURBABLE_FIELDS: dict[str, tuple[str, ...]] = {
    "pair_classification": ("sentence1", "sentence2"),
    "qa": ("question", "context"),
    "multiple_choice": ("context", "endings"),
    "token_classification": ("tokens",),
    "retrieval": ("source_sentence",),
}
DEFAULT_FIELDS: dict[str, tuple[str, ...]] = {**PERTURBABLE_FIELDS, "qa": ("question",)}


@dataclass(frozen=True)
class AttackConfig:
    """One perturbation attack: what it does, how often, which named resource it reads."""

    kind: str
    rate: float
    resource: str | None = None
    fields: tuple[str, ...] | None = None  # None: DEFAULT_FIELDS of the task kind

    def __post_init__(self) -> None:
        if self.kind not in ATTACK_KINDS:
            raise ValueError(f"unknown attack kind {self.kind!r}; expected one of {sorted(ATTACK_KINDS)}")
        check_rate(self.rate)
        if self.kind in _NEEDS_RESOURCE and not self.resource:
            raise ValueError(f"attack {self.kind!r} needs a resource: the name of {_NEEDS_RESOURCE[self.kind]}")
        if self.fields is not None:
            if isinstance(self.fields, str) or not all(isinstance(f, str) for f in self.fields) or not self.fields:
                raise ValueError(f"fields must be a non-empty tuple of field names, got {self.fields!r}")
            object.__setattr__(self, "fields", tuple(self.fields))

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> AttackConfig:
        """Build from a dict with the keys kind, rate and optionally resource, fields."""
        unknown = set(data) - {"kind", "rate", "resource", "fields"}
        if unknown or "kind" not in data or "rate" not in data:
            raise ValueError(
                f"an attack is a mapping with keys kind, rate and optionally resource, fields; got {dict(data)!r}"
            )
        fields = data.get("fields")
        return cls(kind=data["kind"], rate=data["rate"], resource=data.get("resource"),
                   fields=None if fields is None else tuple(fields))

    def describe(self) -> str:
        """One line for reports, e.g. "synonym substitution, rate 0.25 per eligible word, resource 'en'"."""
        unit = "per item" if self.kind == "distractor" else "per eligible word"
        text = f"{ATTACK_KINDS[self.kind]}, rate {self.rate:g} {unit}"
        if self.resource:
            text += f", resource {self.resource!r}"
        if self.fields:
            text += f", fields {', '.join(self.fields)}"
        return text


def _fields_for(kind: str, attack: AttackConfig) -> tuple[str, ...]:
    if kind not in PERTURBABLE_FIELDS:
        raise ValueError(f"unknown task kind {kind!r}; expected one of {sorted(PERTURBABLE_FIELDS)}")
    if attack.kind == "distractor":
        if kind != "qa":
            raise ValueError(f"the distractor attack applies to task kind 'qa' only, not {kind!r}")
        if attack.fields not in (None, ("context",)):
            raise ValueError(f"the distractor attack changes the context only; got fields {attack.fields!r}")
        return ("context",)
    allowed = PERTURBABLE_FIELDS[kind]
    chosen = attack.fields or DEFAULT_FIELDS[kind]
    bad = [f for f in chosen if f not in allowed]
    if bad:
        raise ValueError(f"fields {bad} cannot be perturbed for task kind {kind!r}; expected some of {list(allowed)}")
    return tuple(f for f in allowed if f in chosen)  # canonical order, whatever order was given


def _word_attack(attack: AttackConfig, resources: Mapping[str, Any] | None) -> WordAttack:
    if attack.kind == "char_noise":
        return CHAR_NOISE
    resources = resources or {}
    if attack.resource is None or attack.resource not in resources:
        raise KeyError(f"attack {attack.describe()!r} reads resource {attack.resource!r}, which is not among the "
                       f"resources given ({sorted(resources)}); expected {_NEEDS_RESOURCE[attack.kind]}")
    table = resources[attack.resource]
    if not isinstance(table, Mapping):
        raise TypeError(
            f"resource {attack.resource!r} is a {type(table).__name__}; expected {_NEEDS_RESOURCE[attack.kind]}"
        )
    return table_attack(table)


def row_rng(attack_kind: str, seed: int, index: int) -> random.Random:
    """The generator of row ``index``: the same for (attack kind, seed, index) on every platform."""
    return random.Random(f"attack:{attack_kind}:{seed}:{index}")


def apply_attack(rows: Sequence[Mapping], kind: str, attack: AttackConfig | Mapping[str, Any], *, seed: int,
                 resources: Mapping[str, Any] | None = None) -> list[dict]:
    """The attacked copy of ``rows`` (rows of task kind ``kind``); the input is not changed.

    Args:
        rows: one test set (one language) in the schema of ``repro.tasks.base``.
        kind: the task kind (a key of ``repro.catalog.KINDS``).
        attack: an :class:`AttackConfig` or a mapping with its keys.
        seed: the attack seed (see the module notes on how rows draw from it).
        resources: name -> loaded resource (synonym table, bilingual dictionary).

    Returns:
        New row dicts, same order and fields; only the perturbed fields (and, for QA, the answer
        starts) differ.
    """
    if not isinstance(attack, AttackConfig):
        attack = AttackConfig.from_mapping(attack)
    fields = _fields_for(kind, attack)
    rows = list(rows)
    for index, row in enumerate(rows):
        needed = [*fields, "answers", "context"] if kind == "qa" else fields
        absent = [f for f in dict.fromkeys(needed) if f not in row]
        if absent:
            raise KeyError(
                f"row {index} has no field(s) {absent} needed by {attack.kind!r} on {kind!r}; it has {sorted(row)}"
            )
    if attack.kind == "distractor":
        pool = distractor_pool(rows)
        out = []
        for index, row in enumerate(rows):
            rng = row_rng(attack.kind, seed, index)
            out.append(add_distractor(row, pool, rng) if rng.random() < attack.rate else dict(row))
        return out
    word_attack = _word_attack(attack, resources)
    out = []
    for index, row in enumerate(rows):
        rng = row_rng(attack.kind, seed, index)
        new = dict(row)
        for name in fields:
            if kind == "qa" and name == "context":
                new = perturb_context(new, attack.rate, rng, word_attack)
            elif name == "tokens":
                new[name] = perturb_tokens(row[name], attack.rate, rng, word_attack)
            elif name == "endings":
                new[name] = [perturb_text(ending, attack.rate, rng, word_attack) for ending in row[name]]
            else:
                new[name] = perturb_text(row[name], attack.rate, rng, word_attack)
        out.append(new)
    return out


def _comparable(prediction: Any) -> Any:
    return prediction.tolist() if hasattr(prediction, "tolist") else prediction


def flip_rate(clean_predictions: Sequence[Any], attacked_predictions: Sequence[Any]) -> float:
    """The share of items whose prediction changes under attack (predictions compared with ``==``).

    Predictions may be labels, answer strings or tag lists (numpy values are compared as lists).
    Raises ``ValueError`` when the two sequences differ in length or are empty.
    """
    clean, attacked = list(clean_predictions), list(attacked_predictions)
    if len(clean) != len(attacked):
        raise ValueError(
            f"{len(clean)} clean predictions but {len(attacked)} attacked ones; expected one of each per item"
        )
    if not clean:
        raise ValueError("no predictions: the flip rate of an empty set is undefined")
    flips = sum(_comparable(c) != _comparable(a) for c, a in zip(clean, attacked, strict=True))
    return flips / len(clean)
