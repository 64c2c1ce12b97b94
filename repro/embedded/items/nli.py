"""NLI items (xnli, mnli): the label follows from word knowledge, not token overlap."""

from __future__ import annotations

import random
from dataclasses import replace

from repro.embedded.logical_forms import Clause, Complex, Event, State, name_np
from repro.embedded.sampling import (
    adj_for,
    antonym,
    rand_event,
    rand_person_event,
    synonym_variant,
    with_obj,
)
from repro.embedded.world import (
    NAMES,
    NEEDS,
    PERSON_VERBS,
    STATE_FORMS,
    THING_VERBS,
    TIMES,
    category_members,
    concepts,
    places,
    thing_category,
)

NLI_LABELS = ["entailment", "neutral", "contradiction"]
_ENT, _NEU, _CON = 0, 1, 2
NLI_TYPES = {
    _ENT: ["hypernym", "synonym", "drop"],
    _NEU: ["add", "hyponym", "name", "verb"],
    _CON: ["negation", "antonym", "cohyponym", "number"],
}


def _drop_mods(r: random.Random, e: Event, p=0.3) -> Event:
    if e.loc and r.random() < p:
        e = replace(e, loc=None, front_loc=False)
    if e.time and r.random() < p:
        e = replace(e, time=None)
    return e


def nli_pair(r: random.Random, label: int, kind: str) -> tuple[Event, Event]:
    """(premise, hypothesis) logical forms for one item of the given label and type."""
    e = rand_event(r)
    np = e.obj[0]
    cat = thing_category(np.noun)
    if kind == "hypernym":
        h = with_obj(e, noun="n:" + cat, form=r.randrange(3), adj=np.adj if r.random() < 0.5 else None,
                     num=np.num)
        return e, _drop_mods(r, h)
    if kind == "synonym":
        variant = synonym_variant(r, e)
        if variant is None:
            return nli_pair(r, label, "hypernym")
        return e, _drop_mods(r, variant, 0.2)
    if kind == "drop":
        if not (e.loc or e.time or np.adj):
            e = replace(e, loc=r.choice(places()))
        h = e
        choices = [s for s, v in (("loc", e.loc), ("time", e.time), ("adj", np.adj)) if v]
        for slot in r.sample(choices, r.randint(1, len(choices))):
            h = replace(h, loc=None, front_loc=False) if slot == "loc" else (
                replace(h, time=None) if slot == "time" else with_obj(h, adj=None))
        return e, h
    if kind == "add":
        h = e
        choices = [s for s, v in (("loc", e.loc), ("time", e.time), ("adj", np.adj)) if not v]
        if not choices:
            e = replace(e, time=None)
            choices = ["time"]
        slot = r.choice(choices)
        if slot == "loc":
            h = replace(h, loc=r.choice(places()))
        elif slot == "time":
            h = replace(h, time="t:" + r.choice(sorted(TIMES)))
        else:
            h = with_obj(h, adj=adj_for(r, cat))
        return e, h
    if kind == "hyponym":
        p = with_obj(e, noun="n:" + cat, adj=None)
        return p, _drop_mods(r, with_obj(e, adj=None))
    if kind == "name":
        other = r.choice([n for n in NAMES if "@" + n != e.subj.noun])
        return e, _drop_mods(r, replace(e, subj=name_np(other)))
    if kind == "verb":
        verbs = [v for v, (_, cats) in sorted(THING_VERBS.items()) if cat in cats and "v:" + v != e.verb]
        if not verbs:
            return nli_pair(r, label, "name")
        return e, _drop_mods(r, replace(e, verb="v:" + r.choice(verbs), verb_form=r.randrange(3)))
    if kind == "negation":
        return e, _drop_mods(r, replace(e, neg=True), 0.4)
    if kind == "antonym":
        adj = np.adj
        if adj is None:
            adj = adj_for(r, cat)
            e = with_obj(e, adj=adj)
        return e, _drop_mods(r, with_obj(e, adj=antonym(r, cat, adj)))
    if kind == "cohyponym":
        other = r.choice([m for m in category_members(cat) if m != np.noun])
        return e, _drop_mods(r, with_obj(e, noun=other, form=r.randrange(3)))
    if kind == "number":
        if concepts()[np.noun].get("mass"):
            return nli_pair(r, label, "cohyponym")
        if np.num is None:
            e = with_obj(e, num=r.randint(2, 9))
        n = r.choice([k for k in range(2, 10) if k != e.obj[0].num])
        return e, _drop_mods(r, with_obj(e, num=n))
    raise ValueError(kind)


def mnli_pair(r: random.Random, label: int) -> tuple[Clause, Clause]:
    """MNLI analog: same label space, other premises (needs, states, facts, two clauses)."""
    kind = r.random()
    if kind < 0.35:  # a need and the action it caused
        name = r.choice(NAMES)
        need = r.choice(sorted(NEEDS))
        verb, cats = NEEDS[need]
        act = rand_event(r, subj=name, verb="v:" + verb, cat=r.choice(cats), p_time=0.0)
        st = State(name_np(name), adj="s:" + need, form=r.randrange(3))
        prem = Complex("so", st, act) if r.random() < 0.5 else Complex("because", act, st)
        if label == _ENT:
            if r.random() < 0.4:
                return prem, st
            return prem, with_obj(act, noun="n:" + thing_category(act.obj[0].noun), adj=None, form=r.randrange(3))
        if label == _CON:
            if r.random() < 0.5:
                return prem, replace(st, neg=True)
            other = r.choice([m for m in category_members(thing_category(act.obj[0].noun)) if m != act.obj[0].noun])
            return prem, with_obj(act, noun=other)
        other_state = r.choice([s for s in sorted(STATE_FORMS) if s not in (need, "cold", "happy", "sad")])
        if r.random() < 0.5:
            return prem, State(name_np(name), adj="s:" + other_state, form=r.randrange(3))
        return prem, replace(act, subj=name_np(r.choice([n for n in NAMES if n != name])))
    if kind < 0.55:  # person events (help, call, ...)
        e = rand_person_event(r, p_loc=0.7)
        if label == _ENT:
            h = synonym_variant(r, e)
            if h is None or r.random() < 0.4:
                if not (e.loc or e.time):
                    e = replace(e, loc=r.choice(places()))
                h = replace(e, loc=None, time=None, front_loc=False)
            return e, h
        if label == _CON:
            return e, _drop_mods(r, replace(e, neg=True))
        if r.random() < 0.5:  # role reversal: the other direction is not implied
            return e, replace(e, subj=e.obj[0], obj=(e.subj,), loc=None, time=None, front_loc=False)
        if not e.loc:
            return e, replace(e, loc=r.choice(places()))
        return e, replace(e, verb="v:" + r.choice([v for v in sorted(PERSON_VERBS) if "v:" + v != e.verb]))
    if kind < 0.7:  # two facts, hypothesis about one of them
        p, h = nli_pair(r, label, r.choice(NLI_TYPES[label]))
        # the other clause is about someone else, so it cannot change the label
        others = [n for n in NAMES if "@" + n not in (p.subj.noun, h.subj.noun)]
        e1, e2 = rand_event(r, subj=r.choice(others)), rand_event(r, subj=r.choice(others))
        if label == _NEU:
            return Complex("and", e1, p), h
        return Complex("but" if r.random() < 0.3 else "and", p, e2), h
    return nli_pair(r, label, r.choice(NLI_TYPES[label]))
