"""Which test languages an attack can perturb with its resource: the one rule that planning (a
target no language of which can be attacked is skipped, with the reason) and evaluation (a
language without the resource is not attacked, and its result says so) share."""

from __future__ import annotations

from repro.attacks.code_switch import muse_pair_published
from repro.attacks.words import SYNONYM_TABLE_LANGUAGES


def can_attack(kind: str, resource: str | None, language: str) -> bool:
    """Whether an attack of ``kind`` (repro.attacks.ATTACK_KINDS' names) perturbs ``language``.

    The embedded benchmark has a synonym table and a bilingual dictionary for every language.
    Robust-XLT's counter-fitted table is English only; code-switching maps a language into English
    with MUSE's dictionaries, which exist only for the pairs MUSE publishes (not for XNLI's sw and ur
    or most of XCOPA's languages), and English test sets are not code-switched.
    """
    if kind == "synonym":
        return resource == "embedded" or language in SYNONYM_TABLE_LANGUAGES
    if kind == "code_switch":
        return language != "en" and (resource == "embedded" or muse_pair_published(language, "en"))
    return True
