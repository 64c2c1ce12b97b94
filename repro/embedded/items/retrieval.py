"""Retrieval sentences (tatoeba, bucc): one sentence, to be found among the English translations."""

from __future__ import annotations

import random

from repro.embedded.logical_forms import NP, Clause, Complex, Has, State, name_np
from repro.embedded.sampling import need_action, rand_event, rand_person_event
from repro.embedded.world import NAMES, NEEDS, PARTS, STATE_FORMS


def retrieval_lf(r: random.Random) -> Clause:
    """One sentence to retrieve: an event, a person event, a need and its action, a numeric fact or a state."""
    k = r.random()
    if k < 0.55:
        return rand_event(r)
    if k < 0.7:
        return rand_person_event(r)
    if k < 0.8:
        name = r.choice(NAMES)
        need = r.choice(sorted(NEEDS))
        return Complex("so", State(name_np(name), adj="s:" + need, form=r.randrange(3)), need_action(r, name, need))
    if k < 0.9:
        noun = r.choice(sorted(PARTS))
        part, n = PARTS[noun]
        return Has(NP("n:" + noun, form=r.randrange(3)), n, "n:" + part)
    name = r.choice(NAMES)
    return State(name_np(name), adj="s:" + r.choice(sorted(STATE_FORMS)), neg=r.random() < 0.3, form=r.randrange(3))
