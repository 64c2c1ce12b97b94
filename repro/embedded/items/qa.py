"""Extractive QA items (squad, tydiqa): facts as context, a question that one fact answers."""

from __future__ import annotations

import random
from dataclasses import replace
from typing import TypeAlias

from repro.embedded.grammar import realise, realiser, render
from repro.embedded.logical_forms import NP, Clause, Event, Has, Lives, Question, State, name_np
from repro.embedded.sampling import other_form, rand_event
from repro.embedded.world import NAMES, category_of, thing_category, world_facts

# (context facts, question, index of the answering fact, answer tag)
QAItem: TypeAlias = tuple[list[Clause], Question, int, str]


def _answers(fact: Event, q_event: Event, qtype: str) -> bool:
    """Whether ``fact`` answers the question ``qtype`` about ``q_event`` (the question's object may
    name the fact's object by its category)."""
    if fact.subj != q_event.subj or fact.verb != q_event.verb:
        return False
    if qtype == "what":
        return fact.loc == q_event.loc
    if q_event.loc is not None and fact.loc != q_event.loc:
        return False
    noun = q_event.obj[0].noun
    return fact.obj[0].noun == noun or category_of(fact.obj[0].noun) == noun[2:]


def qa_item(r: random.Random, n_facts: int, extra_facts: bool) -> QAItem:
    """(context facts, question, index of the answering fact, answer tag)."""
    while True:
        subjects = r.sample(NAMES, r.choice([1, 1, 2]))
        shared_verb = "v:" + r.choice(["buy", "see", "sell", "carry", "wash", "find"])
        facts, used_places, used_nums, used_nouns = [], set(), set(), set()
        for _ in range(n_facts):
            verb = shared_verb if r.random() < 0.7 else None
            e = rand_event(r, subj=r.choice(subjects), verb=verb, p_loc=1.0, p_time=0.0, p_num=1.0, p_adj=0.3)
            np = e.obj[0]
            if e.loc in used_places or np.num in used_nums or np.noun in used_nouns:
                continue  # every fact has its own place, number and object
            used_places.add(e.loc)
            used_nums.add(np.num)
            used_nouns.add(np.noun)
            facts.append(e)
        if len(facts) < 2:
            continue
        t = r.randrange(len(facts))
        target_fact = facts[t]
        qtype = r.choice(["howmany", "where", "what"])
        np = target_fact.obj[0]
        if qtype == "howmany" and np.num is None:
            qtype = "where"
        ref = r.random()
        if qtype == "what":
            qnp = np
        elif ref < 0.45:
            qnp = NP("n:" + thing_category(np.noun), num=np.num, form=r.randrange(3), definite=True)
        elif ref < 0.7:
            alt = other_form(r, np.noun, np.form)
            qnp = replace(np, form=alt if alt is not None else np.form, adj=None, definite=True)
        else:
            qnp = replace(np, adj=None, definite=True)
        q_event = replace(target_fact, obj=(replace(qnp, definite=True, num=2 if (np.num or 0) >= 2 else None),),
                          verb_form=r.randrange(3), loc_form=r.randrange(3))
        if qtype == "howmany":  # the object alone (often by its hypernym) must pick the fact
            q_event = replace(q_event, loc=None)
        if sum(_answers(f, q_event, qtype) for f in facts) != 1:
            continue
        context: list[Clause] = list(facts)
        tag = {"howmany": "num", "where": "loc", "what": "obj"}[qtype]
        if extra_facts:  # squad analog: facts about the people as well, and questions about them
            name = subjects[0]
            person = world_facts()["people"][name]
            people_facts: list[Clause] = [State(name_np(name), pred=NP(person["job"])),
                                          Lives(name_np(name), "@" + person["city"]),
                                          Has(name_np(name), person["age"], "n:year")]
            k = r.randint(1, 2)
            for f in r.sample(people_facts, k):
                context.insert(r.randrange(len(context) + 1), f)
            if r.random() < 0.3:
                lives = next((f for f in context if isinstance(f, Lives)), None)
                age = next((f for f in context if isinstance(f, Has)), None)
                if lives is not None:
                    return context, Question("where", lives), context.index(lives), "loc"
                if age is not None and all(not isinstance(f, Event) or f.obj[0].num != age.count for f in context):
                    return context, Question("howmany", age), context.index(age), "num"
        return context, Question(qtype, q_event), context.index(target_fact), tag


def qa_rows(items: list[QAItem], lang: str, prefix: str) -> dict[str, list]:
    """QA rows of ``items`` in ``lang``: the context is the facts' sentences joined by spaces, the
    answer the span of the answering fact that carries the answer tag."""
    rz = realiser(lang)
    ids: list[str] = []
    questions: list[str] = []
    contexts: list[str] = []
    answers: list[dict[str, list[str] | list[int]]] = []
    for i, (facts, q, t, tag) in enumerate(items):
        parts: list[str] = []
        start: int | None = None
        answer = ""
        pos = 0
        for j, f in enumerate(facts):
            text, spans = render(lang, rz.clause(f))
            if j == t:
                s, e_, _ = next(sp for sp in spans if sp[2] == tag)
                start, answer = pos + s, text[s:e_]
            parts.append(text)
            pos += len(text) + 1
        if start is None:
            raise ValueError(f"item {i} answers with fact {t}, which does not exist; expected 0 <= t < {len(facts)}")
        context = " ".join(parts)
        assert context[start : start + len(answer)] == answer
        ids.append(f"{prefix}-{i}")
        questions.append(realise(q, lang))
        contexts.append(context)
        answers.append({"text": [answer], "answer_start": [start]})
    return {"id": ids, "question": questions, "context": contexts, "answers": answers}
