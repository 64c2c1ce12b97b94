"""Paraphrase items (pawsx) and duplicate questions (qqp)."""

from __future__ import annotations

import random
from dataclasses import replace

from repro.embedded.grammar import realise
from repro.embedded.logical_forms import NP, Event, Question, name_np
from repro.embedded.sampling import adj_for, antonym, rand_event, rand_person_event, synonym_variant, with_obj
from repro.embedded.world import (
    CAT_DIMS,
    DIMS,
    NAMES,
    THING_VERBS,
    category_members,
    category_of,
    concepts,
    places,
    thing_category,
)

PARAPHRASE_LABELS = ["not_paraphrase", "paraphrase"]
DUPLICATE_LABELS = ["not_duplicate", "duplicate"]


def _coordinated_event(r: random.Random) -> Event:
    e = rand_event(r, p_num=0.0, p_adj=0.0)
    cat = thing_category(e.obj[0].noun)
    n1, n2 = r.sample([m for m in category_members(cat)], 2)
    dims = CAT_DIMS[cat]
    dim = r.choice(dims)
    a1, a2 = r.sample(DIMS[dim], 2)
    return replace(e, obj=(NP(n1, adj="a:" + a1, form=r.randrange(3)), NP(n2, adj="a:" + a2, form=r.randrange(3))))


def paws_pair(r: random.Random, label: int) -> tuple[Event, Event]:
    """Two events: label 1 a paraphrase (synonyms, a fronted place), label 0 mostly the same words
    with the roles, the adjectives or the object changed."""
    structure = r.random()
    if structure < 0.35:
        e = rand_person_event(r, p_loc=0.6)
    elif structure < 0.6:
        e = _coordinated_event(r)
    else:
        e = rand_event(r, p_loc=0.7)
    if label == 1:
        h = e
        if e.loc and r.random() < 0.6:
            h = replace(h, front_loc=not h.front_loc)
        h2 = synonym_variant(r, h)
        if h2 is not None and (h == e or r.random() < 0.5):
            h = h2
        if h == e:  # nothing to vary: move the time adverb in front instead
            h = replace(e, loc=e.loc or r.choice(places()))
            e = replace(e, loc=h.loc)
            h = replace(h, front_loc=not e.front_loc)
        return e, h
    # not a paraphrase: mostly the same words in another order
    if len(e.obj) == 1 and e.obj[0].noun.startswith("@"):
        h = replace(e, subj=e.obj[0], obj=(e.subj,))
    elif len(e.obj) == 2:
        o1, o2 = e.obj
        h = replace(e, obj=(replace(o1, adj=o2.adj), replace(o2, adj=o1.adj)))
    else:
        np = e.obj[0]
        cat = thing_category(np.noun)
        if r.random() < 0.5:
            adj = np.adj
            if adj is None:
                adj = adj_for(r, cat)
                e = with_obj(e, adj=adj)
            h = with_obj(e, adj=antonym(r, cat, adj))
        else:
            h = with_obj(e, noun=r.choice([m for m in category_members(cat) if m != np.noun]))
    if e.loc and r.random() < 0.4:
        h = replace(h, front_loc=not h.front_loc)
    return e, h


def qqp_pair(r: random.Random, label: int) -> tuple[Question, Question]:
    """Two questions about one event: label 1 the same question in synonyms, label 0 one that asks
    about another slot or changes the subject, object, place or verb."""
    while True:
        e = rand_event(r, p_time=0.15, p_loc=0.8)
        targets = ["what", "who"] + (["where"] if e.loc else [])
        if not concepts()[e.obj[0].noun].get("mass"):
            targets.append("howmany")
        target = r.choice(targets)
        q = Question(target, e)
        if label == 1:
            e2 = synonym_variant(r, e)
            q2 = Question(target, e2) if e2 is not None else None
        else:
            kinds = ["target", "verb"] + (["subj"] if target != "who" else []) + (
                ["obj"] if target != "what" else []) + (["loc"] if e.loc and target != "where" else [])
            kind = r.choice(kinds)
            if kind == "target":
                q2 = Question(r.choice([t for t in targets if t != target]), e)
            elif kind == "subj":
                other = r.choice([n for n in NAMES if "@" + n != e.subj.noun])
                q2 = Question(target, replace(e, subj=name_np(other)))
            elif kind == "obj":
                cat = thing_category(e.obj[0].noun)
                other = r.choice([m for m in category_members(cat) if m != e.obj[0].noun])
                q2 = Question(target, with_obj(e, noun=other))
            elif kind == "loc":
                q2 = Question(target, replace(e, loc=r.choice([p for p in places() if p != e.loc])))
            else:
                verbs = [v for v, (_, cats) in sorted(THING_VERBS.items())
                         if category_of(e.obj[0].noun) in cats and "v:" + v != e.verb]
                if not verbs:
                    continue
                q2 = Question(target, replace(e, verb="v:" + r.choice(verbs), verb_form=r.randrange(3)))
        # the English questions must differ (a change hidden by the question would mislabel)
        if q2 is not None and realise(q, "en") != realise(q2, "en"):
            return q, q2
