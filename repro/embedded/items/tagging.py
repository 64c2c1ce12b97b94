"""Tagging sentences (panx, udpos): declarative sentences about people, things, places and cities."""

from __future__ import annotations

import random
from dataclasses import replace

from repro.embedded.logical_forms import NP, Clause, Has, Lives, State, name_np
from repro.embedded.sampling import need_and_action, rand_event, rand_person_event
from repro.embedded.world import CITIES, NAMES, STATE_FORMS, world_facts

SURNAMES = ["Berg", "Lind", "Novak", "Moreau", "Costa", "Weber", "Silva", "Dahl"]


def _maybe_surname(r: random.Random, np: NP) -> NP:
    """A person is sometimes named with a surname as well: two-word entities (B-PER I-PER)."""
    return replace(np, noun=f"{np.noun} {r.choice(SURNAMES)}") if r.random() < 0.3 else np


def tagging_lf(r: random.Random) -> Clause:
    """One declarative sentence about people, things, places and cities."""
    name, city = r.choice(NAMES), "@" + r.choice(CITIES)
    person = _maybe_surname(r, name_np(name))
    k = r.random()
    if k < 0.3:
        e = rand_event(r, subj=name, p_time=0.2)
        return replace(e, subj=person, loc=city if r.random() < 0.4 else e.loc)
    if k < 0.5:
        e = rand_person_event(r)
        return replace(e, subj=_maybe_surname(r, e.subj), obj=(_maybe_surname(r, e.obj[0]),),
                       loc=city if r.random() < 0.4 else e.loc)
    if k < 0.62:
        return Lives(person, city)
    if k < 0.72:
        job = world_facts()["people"][name]["job"]
        return State(person, pred=NP(job, form=r.randrange(3)), tense="present")
    if k < 0.84:
        return need_and_action(r, person, name)
    if k < 0.92:
        return Has(person, world_facts()["people"][name]["age"], "n:year")
    return State(person, adj="s:" + r.choice(sorted(STATE_FORMS)), neg=r.random() < 0.3, form=r.randrange(3))
