"""Normalisers: a hub dataset in its own columns -> the normalised columns of ``repro.tasks.base``.

Each takes a dataset and its :class:`~repro.catalog.hub_sources.HubTaskSource` and returns (dataset
in the normalised columns, number of rows dropped for a missing label). They never keep other
columns.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from repro.catalog.hub_sources import ENGLISH_CODES, HubTaskSource


def _features(kind: str):
    from datasets import Features, List, Value

    if kind == "pair_classification":
        return Features({"sentence1": Value("string"), "sentence2": Value("string"), "label": Value("int64")})
    if kind == "qa":
        return Features({"id": Value("string"), "question": Value("string"), "context": Value("string"),
                         "answers": {"text": List(Value("string")), "answer_start": List(Value("int32"))}})
    if kind == "multiple_choice":
        return Features({"context": Value("string"), "endings": List(Value("string")), "label": Value("int64")})
    if kind == "retrieval":
        return Features({"source_sentence": Value("string"), "target_sentence": Value("string")})
    if kind == "token_classification":
        return Features({"tokens": List(Value("string")), "tags": List(Value("int64"))})
    raise ValueError(kind)


def _label_converter(ds, column: str, label_names: Sequence[str] | None, where: str) -> Callable[[Any], int]:
    """Map the dataset's label values to 0..n-1 (-1: missing), checking the label names agree."""
    from datasets import ClassLabel

    if column not in ds.column_names:
        raise ValueError(f"{where}: no label column {column!r}; columns: {ds.column_names}")
    feature = ds.features[column]
    expected = list(label_names) if label_names else None
    if isinstance(feature, ClassLabel):
        names = list(feature.names)
        if expected is None or names == expected or all(str(n).isdigit() for n in names):
            return lambda v: -1 if v is None else int(v)
        unknown = [n for n in names if n not in expected]
        if unknown:
            raise ValueError(f"{where}: label names {names} do not match the expected {expected}")
        mapping = {i: expected.index(n) for i, n in enumerate(names)}
        return lambda v: -1 if v is None or v < 0 else mapping[int(v)]

    def convert(v):
        if v is None:
            return -1
        if isinstance(v, str):
            text = v.strip()
            if re.fullmatch(r"-?\d+", text):
                return int(text)
            if expected and text in expected:
                return expected.index(text)
            if text == "":
                return -1
            raise ValueError(f"{where}: label {v!r} is neither an index nor one of {expected}")
        return int(v)

    return convert


def _column(source: HubTaskSource, name: str) -> str:
    """The dataset's column for a normalised one (a clear error where the definition lacks it)."""
    column = source.columns.get(name)
    if not column:
        raise ValueError(f"{source.name}: its definition maps no column to {name!r}")
    return column


def _require(ds, columns: Sequence[str | None], where: str) -> None:
    absent = [c for c in columns if c and c not in ds.column_names]
    if absent:
        raise ValueError(f"{where}: missing column(s) {absent}; the dataset has {ds.column_names}")


def _finish(ds, fn, where: str, kind: str, n_labels: int | None, drop_invalid: bool):
    out = ds.map(fn, batched=True, remove_columns=ds.column_names, features=_features(kind),
                 desc=None, load_from_cache_file=True)
    if n_labels is not None and "label" in out.column_names:
        # -1 marks a missing label (PAWS-X, GLUE test sets): dropped below. Any other value outside
        # the task's labels means the data is not what the task expects: never dropped silently
        outside = [y for y in out["label"] if not -1 <= y < n_labels]
        if outside:
            raise ValueError(f"{where}: {len(outside)} label(s) outside 0..{n_labels - 1} "
                             f"(e.g. {sorted(set(outside))[:5]}); the data does not match the task's "
                             f"{n_labels} labels (-1 marks a missing label)")
    dropped = 0
    if drop_invalid and "label" in out.column_names:
        before = len(out)
        upper = n_labels if n_labels is not None else 1 << 30
        out = out.filter(lambda y: 0 <= y < upper, input_columns="label")
        dropped = before - len(out)
    return out, dropped


def _norm_pair(ds, source: HubTaskSource, meta: dict, drop_invalid: bool = True):
    where = f"{source.name} ({source.dataset_id})"
    s1, s2 = _column(source, "sentence1"), source.columns.get("sentence2")
    _require(ds, [s1, s2], where)
    label_col = source.columns.get("label") or "label"
    conv = _label_converter(ds, label_col, source.label_names, where)

    def fn(batch):
        n = len(batch[s1])
        return {"sentence1": ["" if v is None else v for v in batch[s1]],
                "sentence2": ["" if s2 is None or v is None else v for v in (batch[s2] if s2 else [None] * n)],
                "label": [conv(v) for v in batch[label_col]]}

    return _finish(ds, fn, where, "pair_classification", len(source.label_names or ()) or None, drop_invalid)


def _norm_qa(ds, source: HubTaskSource, meta: dict, drop_invalid: bool = True):
    where = f"{source.name} ({source.dataset_id})"
    cols = {name: _column(source, name) for name in ("id", "question", "context", "answers")}
    _require(ds, list(cols.values()), where)

    def fn(batch):
        answers = []
        for ans in batch[cols["answers"]]:
            if isinstance(ans, list):  # a list of {"text", "answer_start"} records
                texts = [a["text"] for a in ans]
                starts = [a["answer_start"] for a in ans]
            else:
                texts, starts = list(ans["text"]), list(ans["answer_start"])
            if len(texts) != len(starts):
                raise ValueError(f"{where}: answers with {len(texts)} texts but {len(starts)} starts")
            answers.append({"text": texts, "answer_start": [int(s) for s in starts]})
        return {"id": [str(v) for v in batch[cols["id"]]], "question": batch[cols["question"]],
                "context": batch[cols["context"]], "answers": answers}

    out, dropped = _finish(ds, fn, where, "qa", None, False)
    # answers whose text is not at answer_start in the context (counted, not dropped)
    bad = sum(1 for context, ans in zip(out["context"], out["answers"])
              for t, s in zip(ans["text"], ans["answer_start"]) if s < 0 or context[s:s + len(t)] != t)
    if bad:
        meta["answer_span_mismatches"] = meta.get("answer_span_mismatches", 0) + bad
    return out, dropped


def _norm_hellaswag(ds, source: HubTaskSource, meta: dict, drop_invalid: bool = True):
    where = f"{source.name} ({source.dataset_id})"
    _require(ds, ["ctx", "endings", "label"], where)
    conv = _label_converter(ds, "label", None, where)

    def fn(batch):
        return {"context": batch["ctx"], "endings": [list(e) for e in batch["endings"]],
                "label": [conv(v) for v in batch["label"]]}

    return _finish(ds, fn, where, "multiple_choice", 4, drop_invalid)


def _norm_cosmosqa(ds, source: HubTaskSource, meta: dict, drop_invalid: bool = True):
    where = f"{source.name} ({source.dataset_id})"
    answers = ["answer0", "answer1", "answer2", "answer3"]
    _require(ds, ["context", "question", *answers, "label"], where)
    conv = _label_converter(ds, "label", None, where)

    def fn(batch):
        return {"context": [f"{c} {q}" for c, q in zip(batch["context"], batch["question"])],
                "endings": [list(row) for row in zip(*(batch[a] for a in answers))],
                "label": [conv(v) for v in batch["label"]]}

    return _finish(ds, fn, where, "multiple_choice", 4, drop_invalid)


def _norm_commonsenseqa(ds, source: HubTaskSource, meta: dict, drop_invalid: bool = True):
    where = f"{source.name} ({source.dataset_id})"
    _require(ds, ["question", "choices", "answerKey"], where)

    def fn(batch):
        labels, endings = [], []
        for choices, key in zip(batch["choices"], batch["answerKey"]):
            keys = list(choices["label"])
            endings.append(list(choices["text"]))
            labels.append(keys.index(key) if key in keys else -1)
        return {"context": batch["question"], "endings": endings, "label": labels}

    return _finish(ds, fn, where, "multiple_choice", 5, drop_invalid)


def _lang_code(value) -> str:
    """"de", "deu" or a BUCC sentence id such as "de-000000123" -> its language code, lower case."""
    return str(value).split("-", 1)[0].strip().lower()


def _norm_retrieval(ds, source: HubTaskSource, meta: dict, drop_invalid: bool = True):
    r"""Source sentence in the test language, target in English; line ends stripped.

    google/xtreme's script read Tatoeba line by line (sentences may keep their "\n") and, in some
    versions, stored BUCC's sentence ids ("de-000000123") as source_lang / target_lang.
    """
    where = f"{source.name} ({source.dataset_id})"
    _require(ds, ["source_sentence", "target_sentence"], where)
    swap = False
    if len(ds) and "source_lang" in ds.column_names and "target_lang" in ds.column_names:
        src_lang, tgt_lang = _lang_code(ds[0]["source_lang"]), _lang_code(ds[0]["target_lang"])
        if src_lang in ENGLISH_CODES and tgt_lang not in ENGLISH_CODES:
            swap = True
        elif tgt_lang not in ENGLISH_CODES:
            raise ValueError(f"{where}: neither side is English (source_lang={ds[0]['source_lang']!r}, "
                             f"target_lang={ds[0]['target_lang']!r})")

    def fn(batch):
        a = [str(v).rstrip("\r\n") for v in batch["source_sentence"]]
        b = [str(v).rstrip("\r\n") for v in batch["target_sentence"]]
        return {"source_sentence": b if swap else a, "target_sentence": a if swap else b}

    return _finish(ds, fn, where, "retrieval", None, False)


def _tag_converter(ds, column: str, label_names: Sequence[str], where: str) -> Callable[[list], list[int]]:
    """Map one sentence's tags to indices into ``label_names``, checking the ClassLabel names agree
    (a sequence of ClassLabel ints, plain ints, or tag names as strings)."""
    from datasets import ClassLabel

    expected = list(label_names)
    inner = getattr(ds.features[column], "feature", None)  # List(ClassLabel) / Sequence(ClassLabel)
    if isinstance(inner, ClassLabel):
        names = list(inner.names)
        unknown = [n for n in names if n not in expected]
        if unknown:
            raise ValueError(f"{where}: tag names {names} do not match the expected {expected}")
        mapping = [expected.index(n) for n in names]
        return lambda tags: [mapping[t] if 0 <= t < len(mapping) else -1 for t in tags]

    def convert(tags):
        out = []
        for t in tags:
            if isinstance(t, str) and not re.fullmatch(r"-?\d+", t.strip()):
                if t not in expected:
                    raise ValueError(f"{where}: tag {t!r} is neither an index nor one of {expected}")
                out.append(expected.index(t))
            else:
                out.append(int(t))
        return out

    return convert


def _norm_tagging(ds, source: HubTaskSource, meta: dict, drop_invalid: bool = True):
    """Words and one tag index per word; a sentence with no words, a tag per word missing or a tag
    outside the tag set is dropped (and counted)."""
    where = f"{source.name} ({source.dataset_id})"
    tokens_col, tags_col = _column(source, "tokens"), _column(source, "tags")
    _require(ds, [tokens_col, tags_col], where)
    if not source.label_names:
        raise ValueError(f"{where}: a tagging source needs its tag names (label_names)")
    convert = _tag_converter(ds, tags_col, source.label_names, where)
    n_tags = len(source.label_names)

    def fn(batch):
        out = {"tokens": [], "tags": []}
        for words, tags in zip(batch[tokens_col], batch[tags_col]):
            words, tags = list(words or []), convert(tags or [])
            valid = bool(words) and len(words) == len(tags) and all(0 <= t < n_tags for t in tags)
            if valid or not drop_invalid:
                out["tokens"].append(words)
                out["tags"].append(tags)
        return out

    out, _ = _finish(ds, fn, where, "token_classification", None, False)
    return out, len(ds) - len(out)


_COPA_QUESTION = {"cause": "What was the cause?", "effect": "What happened as a result?"}


def _norm_copa(ds, source: HubTaskSource, meta: dict, drop_invalid: bool = True):
    """COPA and XCOPA: the premise and its question ("cause" or "effect", asked in English as
    XTREME-R's run_xcopa does) as the context, the two alternatives as endings."""
    where = f"{source.name} ({source.dataset_id})"
    _require(ds, ["premise", "choice1", "choice2", "question", "label"], where)
    conv = _label_converter(ds, "label", None, where)

    def fn(batch):
        context = []
        for premise, question in zip(batch["premise"], batch["question"]):
            if question not in _COPA_QUESTION:
                raise ValueError(f"{where}: question {question!r} is neither 'cause' nor 'effect'")
            context.append(f"{premise} {_COPA_QUESTION[question]}")
        return {"context": context, "endings": [[a, b] for a, b in zip(batch["choice1"], batch["choice2"])],
                "label": [conv(v) for v in batch["label"]]}

    return _finish(ds, fn, where, "multiple_choice", 2, drop_invalid)


def _norm_swag(ds, source: HubTaskSource, meta: dict, drop_invalid: bool = True):
    where = f"{source.name} ({source.dataset_id})"
    endings = ["ending0", "ending1", "ending2", "ending3"]
    _require(ds, ["sent1", "sent2", *endings, "label"], where)
    conv = _label_converter(ds, "label", None, where)

    def fn(batch):
        return {"context": batch["sent1"],
                "endings": [[f"{head} {e}" for e in row]
                            for head, *row in zip(batch["sent2"], *(batch[e] for e in endings))],
                "label": [conv(v) for v in batch["label"]]}

    return _finish(ds, fn, where, "multiple_choice", 4, drop_invalid)


def _norm_casehold(ds, source: HubTaskSource, meta: dict, drop_invalid: bool = True):
    where = f"{source.name} ({source.dataset_id})"
    _require(ds, ["context", "endings", "label"], where)
    conv = _label_converter(ds, "label", None, where)

    def fn(batch):
        return {"context": batch["context"], "endings": [list(e) for e in batch["endings"]],
                "label": [conv(v) for v in batch["label"]]}

    return _finish(ds, fn, where, "multiple_choice", 5, drop_invalid)


def _norm_medqa(ds, source: HubTaskSource, meta: dict, drop_invalid: bool = True):
    """MedQA: the question as the context, the options A-D as endings, answer_idx's letter as the label."""
    where = f"{source.name} ({source.dataset_id})"
    _require(ds, ["question", "options", "answer_idx"], where)
    letters = ["A", "B", "C", "D"]

    def fn(batch):
        endings, labels = [], []
        for options, answer in zip(batch["options"], batch["answer_idx"]):
            if sorted(options) != letters:
                raise ValueError(f"{where}: options {sorted(options)}; expected the letters {letters}")
            endings.append([options[k] for k in letters])
            labels.append(letters.index(answer) if answer in letters else -1)
        return {"context": batch["question"], "endings": endings, "label": labels}

    return _finish(ds, fn, where, "multiple_choice", 4, drop_invalid)


NORMALIZERS = {
    "copa": _norm_copa,
    "swag": _norm_swag,
    "casehold": _norm_casehold,
    "medqa": _norm_medqa,
    "pair": _norm_pair,
    "qa": _norm_qa,
    "hellaswag": _norm_hellaswag,
    "cosmosqa": _norm_cosmosqa,
    "commonsenseqa": _norm_commonsenseqa,
    "retrieval": _norm_retrieval,
    "tagging": _norm_tagging,
}
