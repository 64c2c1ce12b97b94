"""Random logical forms shared by the item generators and the pretraining corpus.

Every function draws from the ``random.Random`` it is given (no global RNG).
"""

from __future__ import annotations

import random
from dataclasses import replace

from repro.embedded.logical_forms import NP, Complex, Event, State, name_np
from repro.embedded.world import (
    CAT_DIMS,
    DIMS,
    NAMES,
    NEEDS,
    PERSON_VERBS,
    THING_VERBS,
    TIMES,
    category_members,
    concepts,
    places,
)


def _n_forms_en(key: str) -> int:
    return len(concepts()[key]["en"])


def adj_for(r: random.Random, cat: str) -> str:
    """A random adjective that suits things of category ``cat``."""
    dim = r.choice(CAT_DIMS[cat])
    return "a:" + r.choice(DIMS[dim])


def antonym(r: random.Random, cat: str, adj: str) -> str:
    """Another adjective of a dimension of ``adj`` (an antonym or a co-hyponym) for category ``cat``."""
    dims = [d for d in CAT_DIMS[cat] if adj[2:] in DIMS[d]]
    dim = r.choice(dims)
    return "a:" + r.choice([a for a in DIMS[dim] if a != adj[2:]])


def rand_np(r: random.Random, noun: str, *, p_num=0.6, p_adj=0.5) -> NP:
    """A noun phrase for ``noun`` with, by chance, a numeral (never for mass nouns) and an adjective."""
    info = concepts()[noun]
    cat = info.get("category") or noun[2:]
    mass = info.get("mass", False)
    num = r.randint(2, 9) if (not mass and r.random() < p_num) else None
    adj = adj_for(r, cat) if r.random() < p_adj else None
    return NP(noun, num=num, adj=adj, form=r.randrange(3), adj_form=r.randrange(3))


def rand_event(r: random.Random, *, subj: str | None = None, verb: str | None = None, cat: str | None = None,
               p_loc=0.6, p_time=0.3, p_num=0.6, p_adj=0.5) -> Event:
    """A random event with a thing as object. ``subj``, ``verb`` and ``cat`` fix the subject's name,
    the verb and the object's category; the ``p_*`` arguments are the chances of a place, a time, a
    numeral and an adjective."""
    if verb is None:
        verb = "v:" + r.choice(sorted(THING_VERBS)) if cat is None else "v:" + r.choice(
            [v for v, (_, cats) in sorted(THING_VERBS.items()) if cat in cats])
    cats = concepts()[verb]["objects"]
    obj_cat: str = cat if cat is not None and cat in cats else r.choice(cats)
    noun = r.choice(category_members(obj_cat))
    return Event(
        subj=name_np(subj or r.choice(NAMES)), verb=verb, obj=(rand_np(r, noun, p_num=p_num, p_adj=p_adj),),
        loc=r.choice(places()) if r.random() < p_loc else None,
        time="t:" + r.choice(sorted(TIMES)) if r.random() < p_time else None,
        verb_form=r.randrange(3), loc_form=r.randrange(3))


def rand_person_event(r: random.Random, p_loc=0.5) -> Event:
    """A random event between two different people (help, call, visit, ...)."""
    a, b = r.sample(NAMES, 2)
    return Event(subj=name_np(a), verb="v:" + r.choice(sorted(PERSON_VERBS)), obj=(name_np(b),),
                 loc=r.choice(places()) if r.random() < p_loc else None,
                 time="t:" + r.choice(sorted(TIMES)) if r.random() < 0.25 else None,
                 verb_form=r.randrange(3), loc_form=r.randrange(3))


def other_form(r: random.Random, key: str, idx: int) -> int | None:
    """A form index that gives a different English word, or None when English has one form."""
    n = _n_forms_en(key)
    if n < 2:
        return None
    return (idx % n + r.randrange(1, n)) % n


def _synonym_form(r: random.Random, key: str, idx: int) -> int:
    """:func:`other_form` for a concept known to have several English forms."""
    alt = other_form(r, key, idx)
    if alt is None:
        raise ValueError(f"{key!r} has one English form; expected a concept with English synonyms")
    return alt


def synonym_variant(r: random.Random, e: Event) -> Event | None:
    """The same event with one or two words replaced by English synonyms (None if impossible)."""
    options = []
    if other_form(r, e.verb, e.verb_form) is not None:
        options.append("verb")
    np = e.obj[0] if e.obj else None
    if np is not None and not np.noun.startswith("@") and other_form(r, np.noun, np.form) is not None:
        options.append("noun")
    if np is not None and np.adj and other_form(r, np.adj, np.adj_form) is not None:
        options.append("adj")
    if e.loc and not e.loc.startswith("@") and other_form(r, e.loc, e.loc_form) is not None:
        options.append("loc")
    if not options:
        return None
    # each slot is an option only when it has synonyms, and no replacement below removes a word
    for slot in r.sample(options, min(len(options), r.choice([1, 1, 2]))):
        if slot == "verb":
            e = replace(e, verb_form=_synonym_form(r, e.verb, e.verb_form))
        elif slot == "loc":
            assert e.loc is not None
            e = replace(e, loc_form=_synonym_form(r, e.loc, e.loc_form))
        elif slot == "noun":
            e = with_obj(e, form=_synonym_form(r, e.obj[0].noun, e.obj[0].form))
        else:
            adj = e.obj[0].adj
            assert adj is not None
            e = with_obj(e, adj_form=_synonym_form(r, adj, e.obj[0].adj_form))
    return e


def with_obj(e: Event, **kw) -> Event:
    """``e`` with the given fields of its first object replaced."""
    return replace(e, obj=(replace(e.obj[0], **kw),) + e.obj[1:])


def need_action(r: random.Random, name: str, need: str, definite_obj: NP | None = None) -> Event:
    """An action of ``name`` that meets ``need``: on ``definite_obj`` when given, else on a random
    thing of a category that meets it."""
    verb, cats = NEEDS[need]
    if definite_obj is not None:
        return Event(name_np(name), "v:" + verb, (definite_obj,), verb_form=r.randrange(3))
    return rand_event(r, subj=name, verb="v:" + verb, cat=r.choice(cats), p_loc=0.0, p_time=0.0, p_adj=0.3)


def need_and_action(r: random.Random, person: NP, name: str) -> Complex:
    """"Anna was hungry, so she ate ..." or "Anna ate ... because she was hungry"."""
    need = r.choice(sorted(NEEDS))
    st = State(person, adj="s:" + need, form=r.randrange(3))
    act = need_action(r, name, need)
    return Complex("so", st, act) if r.random() < 0.5 else Complex("because", act, st)
