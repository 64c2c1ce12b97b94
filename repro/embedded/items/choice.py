"""Multiple choice items: copa (cause or effect of a need) and hellaswag (the ending that meets the need)."""

from __future__ import annotations

import random
from dataclasses import replace

from repro.embedded.logical_forms import Event, State, name_np
from repro.embedded.sampling import need_action, rand_np
from repro.embedded.world import NAMES, NEEDS, category_members, places


def copa_item(r: random.Random):
    """(premise, conjunction, two choices, label): the right choice is the effect ("so") or the
    cause ("because") that fits the premise's need; the other fits another need."""
    name = r.choice(NAMES)
    need, other = r.sample(sorted(NEEDS), 2)
    label = r.randrange(2)
    if r.random() < 0.5:  # effect: "X was hungry, so ..."
        premise = State(name_np(name), adj="s:" + need, form=r.randrange(3))
        choices = [need_action(r, name, need), need_action(r, name, other)]
        conj = "so"
    else:  # cause: "X ate 3 apples because ..."
        premise = need_action(r, name, need)
        choices = [State(name_np(name), adj="s:" + need, form=r.randrange(3)),
                   State(name_np(name), adj="s:" + other, form=r.randrange(3))]
        conj = "because"
    if label == 1:
        choices = choices[::-1]
    return premise, conj, choices, label


def hellaswag_item(r: random.Random):
    """(context clauses, four endings, label): a person in need buys four things; the right ending
    uses the one that meets the need."""
    name = r.choice(NAMES)
    needs = r.sample(sorted(NEEDS), 4)
    objs = []
    for need in needs:
        cat = r.choice(NEEDS[need][1])
        objs.append(rand_np(r, r.choice(category_members(cat)), p_num=0.4, p_adj=0.3))
    order = list(range(4))
    r.shuffle(order)
    # "buy" takes every need's object category, so the context does not give the answer away
    found = Event(name_np(name), "v:buy", tuple(objs[i] for i in order), loc=r.choice(places()),
                  verb_form=r.randrange(3), loc_form=r.randrange(3))
    state = State(name_np(name), adj="s:" + needs[0], form=r.randrange(3))
    context = [state, found] if r.random() < 0.7 else [found, state]
    endings = [need_action(r, name, need, replace(o, definite=True, adj=None))
               for need, o in zip(needs, objs, strict=True)]
    label_order = list(range(4))
    r.shuffle(label_order)
    return context, [endings[i] for i in label_order], label_order.index(0)
