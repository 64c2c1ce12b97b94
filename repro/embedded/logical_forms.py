"""Logical forms: the language-independent meaning of a sentence, realised by ``grammar``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeAlias


@dataclass(frozen=True)
class NP:
    noun: str  # concept key ("n:dog") or a person name ("@Anna")
    num: int | None = None  # None: singular (or mass); >= 2: that many
    adj: str | None = None
    definite: bool = False
    form: int = 0  # which synonym (index modulo the number of forms in a language)
    adj_form: int = 0


@dataclass(frozen=True)
class Event:
    subj: NP
    verb: str
    obj: tuple[NP, ...] = ()
    loc: str | None = None  # place concept or "@City"
    time: str | None = None
    neg: bool = False
    tense: str = "past"
    verb_form: int = 0
    loc_form: int = 0
    front_loc: bool = False


@dataclass(frozen=True)
class State:  # "Anna was hungry", "the dog was big", "Anna is a teacher", "a dog is an animal"
    subj: NP
    adj: str | None = None  # "s:hungry" or "a:big"
    pred: NP | None = None
    neg: bool = False
    tense: str = "past"
    form: int = 0


@dataclass(frozen=True)
class Has:  # "a dog has 4 legs", "an apple costs 7 coins", "Anna is 34 years old"
    subj: NP
    count: int
    part: str  # "n:leg", "n:coin" (with verb cost), "n:year" (age)


@dataclass(frozen=True)
class Lives:
    subj: NP
    city: str  # "@Lindor"


@dataclass(frozen=True)
class Complex:  # c1 , conj c2
    conj: str  # "so" | "because" | "but" | "and"
    c1: Clause
    c2: Clause


@dataclass(frozen=True)
class Question:
    target: str  # "where" | "what" | "howmany" | "who"
    clause: Event | Has | Lives


# a declarative sentence (what contexts, premises and endings hold) and any sentence the realiser writes
Clause: TypeAlias = Event | State | Has | Lives | Complex
LogicalForm: TypeAlias = Clause | Question


def name_np(n: str) -> NP:
    """The noun phrase of a person's name ("Anna" -> NP("@Anna"))."""
    return NP("@" + n)
