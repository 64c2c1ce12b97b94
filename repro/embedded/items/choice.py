"""Multiple choice items: copa (cause or effect of a need) and hellaswag (the ending that meets the need)."""

from __future__ import annotations

import random
from dataclasses import replace
from typing import TypeAlias

from repro.embedded.logical_forms import NP, Clause, Event, Has, Lives, LogicalForm, Question, State, name_np
from repro.embedded.sampling import need_action, rand_np
from repro.embedded.world import CITIES, NAMES, NEEDS, PARTS, category_members, places, world_facts

# (premise, conjunction, two choices, label)
CopaItem: TypeAlias = tuple[Event | State, str, list[Event | State], int]
# (context, endings, label): a context of clauses (hellaswag) or of one question (domain facts)
EndingsItem: TypeAlias = tuple[list[LogicalForm], list[Clause], int]


def copa_item(r: random.Random) -> CopaItem:
    """(premise, conjunction, two choices, label): the right choice is the effect ("so") or the
    cause ("because") that fits the premise's need; the other fits another need."""
    name = r.choice(NAMES)
    need, other = r.sample(sorted(NEEDS), 2)
    label = r.randrange(2)
    premise: Event | State
    choices: list[Event | State]
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


def hellaswag_item(r: random.Random) -> EndingsItem:
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
    context: list[LogicalForm] = [state, found] if r.random() < 0.7 else [found, state]
    endings: list[Clause] = [need_action(r, name, need, replace(o, definite=True, adj=None))
                             for need, o in zip(needs, objs, strict=True)]
    label_order = list(range(4))
    r.shuffle(label_order)
    return context, [endings[i] for i in label_order], label_order.index(0)


def domain_fact_item(r: random.Random, domain: str) -> EndingsItem:
    """(context, four endings, label) asking one fact of a narrow domain of the world, the smoke
    analogs of domain-specific intermediate data (specialised knowledge, narrow vocabulary):
    "medical" asks how many legs, wheels or strings a thing has (the world's numeric facts),
    "legal" where a person lives or how old they are (the world's registry). The right ending
    states the true fact; the others change its city or number."""
    endings: list[Clause]
    if domain == "medical":
        noun = r.choice(sorted(PARTS))
        part, count = PARTS[noun]
        subject = NP("n:" + noun, form=r.randrange(3))
        question = Question("howmany", Has(subject, count, "n:" + part))
        other_counts = r.sample([n for n in range(2, 10) if n != count], 3)
        endings = [Has(subject, n, "n:" + part) for n in [count, *other_counts]]
    elif domain == "legal":
        name = r.choice(NAMES)
        person = world_facts()["people"][name]
        if r.random() < 0.5:
            question = Question("where", Lives(name_np(name), "@" + person["city"]))
            other_cities = r.sample([c for c in CITIES if c != person["city"]], 3)
            endings = [Lives(name_np(name), "@" + c) for c in [person["city"], *other_cities]]
        else:
            question = Question("howmany", Has(name_np(name), person["age"], "n:year"))
            other_ages = r.sample([a for a in range(19, 80) if a != person["age"]], 3)
            endings = [Has(name_np(name), a, "n:year") for a in [person["age"], *other_ages]]
    else:
        raise ValueError(f"unknown domain {domain!r}; expected 'medical' or 'legal'")
    order = list(range(4))
    r.shuffle(order)
    return [question], [endings[i] for i in order], order.index(0)
