"""Rows in each hub dataset's own schema (:mod:`repro.rehearsal.schemas`), seeded, ``n`` per split.

The text is pseudo-text (:mod:`repro.rehearsal.text`); everything else follows the real data:
column names and dtypes, label encodings (ClassLabel indices, HellaSwag's string labels,
CommonsenseQA's answer letters, MedQA's option letters, -1 or "" where a dataset hides its test
labels), id formats (SQuAD's 24 hex digits, MLQA's 40, TyDiQA's "<language>-<number>-<n>", BUCC's
"de-000000123"), IOB2 tag sequences, answer offsets into the context, and row alignment of the
parallel test sets (the same ids and labels in every language). Labels cycle through every class
so that a split of ``n`` >= classes rows holds each class.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from repro.catalog.hub_sources import PANX_LABELS, TYDIQA_ID_PREFIX, UPOS_LABELS, HubTaskSource
from repro.rehearsal.schemas import HIDES_TEST_LABELS
from repro.rehearsal.text import PseudoText

_TYDIQA_NAMES = {code: name for name, code in TYDIQA_ID_PREFIX.items()}


@dataclass
class Draw:
    """What one split of one config is drawn from: the source, languages, split, size and seed."""

    source: HubTaskSource
    config: str | None
    langs: list[str]
    split: str
    n: int
    seed: int

    @property
    def lang(self) -> str:
        return self.langs[0]

    @property
    def hidden(self) -> bool:
        """The dataset hides this split's labels."""
        return self.source.name in HIDES_TEST_LABELS and self.split.startswith("test")

    @cached_property
    def rng(self) -> random.Random:
        """Labels, ids and shapes: the same in every language, so parallel test sets stay aligned."""
        return random.Random(f"rehearsal-rows:{self.seed}:{self.source.name}:{self.split}")

    def text(self, lang: str | None = None) -> PseudoText:
        return PseudoText(lang or self.lang, self.seed, f"{self.source.name}:{self.config}:{self.split}")

    def labels(self, k: int) -> list[int]:
        labels = [i % k for i in range(self.n)]
        self.rng.shuffle(labels)
        return [-1] * self.n if self.hidden else labels

    def hex_ids(self, digits: int) -> list[str]:
        return [f"{self.rng.getrandbits(4 * digits):0{digits}x}" for _ in range(self.n)]


# --- sentence pairs ---------------------------------------------------------------------------


def _nli(d: Draw) -> list[dict]:
    t, labels = d.text(), d.labels(3)
    out = []
    for i in range(d.n):
        row = {"premise": t.sentence(), "hypothesis": t.sentence(3, 6), "label": labels[i]}
        if d.source.name == "mnli":
            row["idx"] = i
        if d.source.name == "anli":
            uid = f"{d.rng.getrandbits(128):032x}"
            row = {"uid": f"{uid[:8]}-{uid[8:12]}-{uid[12:16]}-{uid[16:20]}-{uid[20:]}", **row, "reason": ""}
        out.append(row)
    if d.source.name == "snli" and d.n >= 4:
        out[-1]["label"] = -1  # SNLI keeps pairs without a gold label, marked -1, in every split
    return out


def _pawsx(d: Draw) -> list[dict]:
    t, labels = d.text(), d.labels(2)
    return [{"id": i + 1, "sentence1": t.sentence(), "sentence2": t.sentence(), "label": labels[i]}
            for i in range(d.n)]


def _qqp(d: Draw) -> list[dict]:
    t, labels = d.text(), d.labels(2)
    return [{"question1": t.sentence(end="?"), "question2": t.sentence(end="?"), "label": labels[i], "idx": i}
            for i in range(d.n)]


def _sst2(d: Draw) -> list[dict]:
    t, labels = d.text(), d.labels(2)
    return [{"sentence": t.sentence().lower().rstrip(".") + " ", "label": labels[i], "idx": i} for i in range(d.n)]


# --- extractive QA ---------------------------------------------------------------------------


def _qa_item(t: PseudoText, rng: random.Random) -> tuple[str, str, str, int]:
    """(context, question, answer, answer_start): the answer is one or two words of the middle sentence."""
    before, after = t.sentence(), t.sentence()
    words = t.words(rng.randint(5, 9))
    k = rng.randrange(len(words) - 1)
    answer = t.join(words[k:k + rng.randint(1, 2)])
    head = before + t.separator + (t.join(words[:k]) + t.separator if k else "")
    context = before + t.separator + t.join(words) + "." + t.separator + after
    question = t.join(t.words(rng.randint(3, 6))) + "?"
    return context, question, answer, len(head)


def _qa(d: Draw) -> list[dict]:
    """SQuAD, SQuAD v2, XQuAD, MLQA (google/xtreme) and MLQA's translate-train rows."""
    name = d.source.name
    ids = d.hex_ids(40 if name == "mlqa" else 24)
    t, out = d.text(), []
    for i in range(d.n):
        context, question, answer, start = _qa_item(t, d.rng)
        texts, starts = [answer], [start]
        if d.split == "validation" and name in ("squad", "squad_v2"):  # dev sets hold several gold answers
            texts, starts = [answer, answer], [start, start]
        if name == "squad_v2" and i % 3 == 1:  # unanswerable
            texts, starts = [], []
        row: dict[str, Any] = {"id": ids[i], "title": t.word().capitalize(), "context": context,
                               "question": question}
        if name in ("xquad", "mlqa", "squad_mt"):
            row["answers"] = {"answer_start": starts, "text": texts}
        else:
            row["answers"] = {"text": texts, "answer_start": starts}
        if name in ("xquad", "squad_mt"):
            del row["title"]
        out.append(row)
    return out


def _tydiqa(d: Draw) -> list[dict]:
    """TyDiQA-GoldP: every language in one config; the id starts with the language's English name."""
    out = []
    for lang in d.langs:
        t = d.text(lang)
        for j in range(d.n):
            context, question, answer, start = _qa_item(t, d.rng)
            number = d.rng.getrandbits(63) * d.rng.choice((1, -1))
            out.append({"id": f"{_TYDIQA_NAMES[lang]}-{number}-{j % 3}", "title": t.word().capitalize(),
                        "context": context, "question": question,
                        "answers": {"text": [answer], "answer_start": [start]}})
    return out


# --- retrieval --------------------------------------------------------------------------------


def _bucc(d: Draw) -> list[dict]:
    t, en = d.text(), d.text("en")
    ids = d.rng.sample(range(1, 10 ** 6), 2 * d.n)
    return [{"source_sentence": t.sentence(), "target_sentence": en.sentence(),
             "source_lang": f"{d.lang}-{ids[i]:09d}", "target_lang": f"en-{ids[d.n + i]:09d}"} for i in range(d.n)]


def _tatoeba(d: Draw) -> list[dict]:
    t, en, iso3 = d.text(), d.text("en"), str(d.config).split(".", 1)[1]
    return [{"source_sentence": t.sentence() + "\n", "target_sentence": en.sentence() + "\n",
             "source_lang": iso3, "target_lang": "eng"} for _ in range(d.n)]


# --- tagging ----------------------------------------------------------------------------------


def _panx(d: Draw) -> list[dict]:
    t, out = d.text(), []
    for _ in range(d.n):
        words: list[str] = []
        tags: list[int] = []
        while len(words) < 4 or (len(words) < 12 and d.rng.random() < 0.7):
            if d.rng.random() < 0.35:  # an entity of one to three words, IOB2
                kind = d.rng.choice(("PER", "ORG", "LOC"))
                span = d.rng.randint(1, 3)
                tags += [PANX_LABELS.index(f"B-{kind}")] + [PANX_LABELS.index(f"I-{kind}")] * (span - 1)
                words += [w.capitalize() for w in t.words(span)]
            else:
                tags.append(PANX_LABELS.index("O"))
                words.append(t.word())
        out.append({"tokens": words, "ner_tags": tags, "langs": [d.lang] * len(words)})
    return out


def _udpos(d: Draw) -> list[dict]:
    t, out = d.text(), []
    punct = UPOS_LABELS.index("PUNCT")
    for _ in range(d.n):
        words = t.words(d.rng.randint(3, 10)) + ["."]
        out.append({"tokens": words, "pos_tags": [d.rng.randrange(len(UPOS_LABELS)) for _ in words[:-1]] + [punct]})
    return out


# --- multiple choice --------------------------------------------------------------------------


def _hellaswag(d: Draw) -> list[dict]:
    t, labels, out = d.text(), d.labels(4), []
    for i in range(d.n):
        ctx_a, ctx_b = t.sentence(), t.join(t.words(3)).lower()
        out.append({"ind": i, "activity_label": t.word().capitalize(), "ctx_a": ctx_a, "ctx_b": ctx_b,
                    "ctx": f"{ctx_a} {ctx_b}", "endings": [t.sentence(2, 6) for _ in range(4)],
                    "source_id": f"activitynet~v_{d.rng.getrandbits(40):010x}",
                    "split": "val" if d.split == "validation" else d.split,
                    "split_type": d.rng.choice(("indomain", "zeroshot")),
                    "label": "" if d.hidden else str(labels[i])})
    return out


def _cosmosqa(d: Draw) -> list[dict]:
    t, labels = d.text(), d.labels(4)
    return [{"id": f"{d.rng.getrandbits(120):030X}##q{i}_a1", "context": t.paragraph(), "question": t.sentence(end="?"),
             **{f"answer{k}": t.sentence(2, 6) for k in range(4)}, "label": labels[i]} for i in range(d.n)]


def _commonsenseqa(d: Draw) -> list[dict]:
    t, labels, ids = d.text(), d.labels(5), d.hex_ids(32)
    return [{"id": ids[i], "question": t.sentence(end="?"), "question_concept": t.word(),
             "choices": {"label": list("ABCDE"), "text": t.words(5)},
             "answerKey": "" if d.hidden else "ABCDE"[labels[i]]} for i in range(d.n)]


def _copa(d: Draw) -> list[dict]:
    """XCOPA (label, idx, changed) and SuperGLUE's COPA (idx, ClassLabel label); aligned across languages."""
    t, labels = d.text(), d.labels(2)
    questions = [d.rng.choice(("cause", "effect")) for _ in range(d.n)]
    out = []
    for i in range(d.n):
        row: dict[str, Any] = {"premise": t.sentence(), "choice1": t.sentence(3, 6),
                               "choice2": t.sentence(3, 6), "question": questions[i]}
        row.update({"label": labels[i], "idx": i, "changed": False} if d.source.name == "copa"
                   else {"idx": i, "label": labels[i]})
        out.append(row)
    return out


def _swag(d: Draw) -> list[dict]:
    t, labels, out = d.text(), d.labels(4), []
    for i in range(d.n):
        sent1, sent2 = t.sentence(), t.join(t.words(2)).capitalize()
        out.append({"video-id": f"anetv_{d.rng.getrandbits(44):011x}", "fold-ind": str(d.rng.randrange(20000)),
                    "startphrase": f"{sent1} {sent2}", "sent1": sent1, "sent2": sent2, "gold-source": "gold",
                    **{f"ending{k}": t.join(t.words(4)) + "." for k in range(4)}, "label": labels[i]})
    return out


def _casehold(d: Draw) -> list[dict]:
    t, labels = d.text(), d.labels(5)
    return [{"context": f"{t.sentence()} {t.word()} v. {t.word()}, {d.rng.randint(100, 999)} F.3d "
                        f"{d.rng.randint(1, 999)} (<HOLDING>) {t.sentence()}",
             "endings": [f"holding that {t.join(t.words(6))}" for _ in range(5)], "label": labels[i]}
            for i in range(d.n)]


def _medqa(d: Draw) -> list[dict]:
    t, labels, out = d.text(), d.labels(4), []
    for i in range(d.n):
        options = {letter: t.join(t.words(2)) for letter in "ABCD"}
        letter = "ABCD"[labels[i]]
        out.append({"question": t.paragraph(2) + " " + t.sentence(end="?"), "answer": options[letter],
                    "options": options, "meta_info": d.rng.choice(("step1", "step2&3")), "answer_idx": letter,
                    "metamap_phrases": t.words(5)})
    return out


ROWS = {
    "xnli": _nli, "mnli": _nli, "anli": _nli, "snli": _nli, "pawsx": _pawsx, "qqp": _qqp, "sst2": _sst2,
    "squad": _qa, "squad_v2": _qa, "xquad": _qa, "mlqa": _qa, "squad_mt": _qa, "tydiqa": _tydiqa,
    "bucc": _bucc, "tatoeba": _tatoeba, "panx": _panx, "udpos": _udpos,
    "hellaswag": _hellaswag, "cosmosqa": _cosmosqa, "commonsenseqa": _commonsenseqa, "copa": _copa,
    "copa_en": _copa, "swag": _swag, "casehold": _casehold, "medqa": _medqa,
}


def split_rows(draw: Draw) -> list[dict]:
    """The rows of one split, in the dataset's own columns."""
    if draw.source.name not in ROWS:
        raise KeyError(f"no fixture rows for hub source {draw.source.name!r}; expected one of {sorted(ROWS)}")
    return ROWS[draw.source.name](draw)
