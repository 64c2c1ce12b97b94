"""QA metrics against hand-worked cases from the official scripts' rules.

How the golden values are worked out (each case repeats the steps in its comment):
- SQuAD v1.1 / v2.0 (``evaluate-v1.1.py``, ``evaluate-v2.0.py``): lower case; drop the characters
  of ASCII ``string.punctuation``; replace the whole words a/an/the by a space; split on
  whitespace. F1 = 2PR/(P+R) over the multiset of shared tokens; v1.1 gives 0 when no token is
  shared (so also when both sides are empty); v2.0 gives 1 when both sides are empty. EM compares
  the normalised strings. A question scores the maximum over its gold answers.
- MLQA (``mlqa_evaluation_v1.py``): lower case; drop Unicode punctuation (categories P*) and
  ASCII punctuation; drop the language's articles (es: un una unos unas el la los las; de: ein
  eine einen einem eines einer der die das den dem des; vi: của là cái chiếc những; ar: every
  ال, also inside words; en: a an the; hi, zh: none); split on whitespace, for zh also every CJK
  character on its own.
"""

from __future__ import annotations

import pytest

from repro import metrics

# --- SQuAD v1.1 (XQuAD, TyDiQA-GoldP in XTREME) ----------------------------------------------


@pytest.mark.parametrize("text, normalised", [
    ("The  Eiffel Tower!", "eiffel tower"),    # article and ! dropped, spaces collapsed
    ("an apple.", "apple"),
    ("«Париж»", "«париж»"),                    # « » are not ASCII: kept
    ("¿Dónde está?", "¿dónde está"),           # ¿ kept, ? dropped
    ("北京。", "北京。"),                        # the ideographic full stop is kept
    ("A.B. the-end", "ab theend"),             # the hyphen goes first, so "theend" is no article
    ("", ""),
])
def test_squad_normalisation_drops_only_ascii_punctuation(text, normalised):
    assert metrics.squad_normalize(text) == normalised


def test_squad_v1_f1_and_exact_match_per_answer():
    # "big red dog" vs "red dog": 2 shared tokens, P = 2/3, R = 1, F1 = 2*(2/3)/(5/3) = 0.8
    assert metrics.squad_v1_f1("big red dog", "red dog") == pytest.approx(0.8)
    assert metrics.squad_v1_exact_match("an apple.", "Apple") == 1.0
    # non-ASCII punctuation stays part of the token: «paris» != paris, paris。 != paris, ¿qué != qué
    assert metrics.squad_v1_f1("«Paris»", "Paris") == 0.0
    assert metrics.squad_v1_exact_match("«Paris»", "Paris") == 0.0
    assert metrics.squad_v1_f1("Paris。", "Paris") == 0.0
    assert metrics.squad_v1_f1("¿Qué?", "qué") == 0.0


@pytest.mark.parametrize("prediction, gold, f1, exact", [
    ("", "", 0.0, 1.0),         # both empty: no shared token -> F1 0; equal strings -> EM 1
    ("The", "a", 0.0, 1.0),     # both normalise to "": the same
    ("", "Paris", 0.0, 0.0),
    ("Paris", "", 0.0, 0.0),
    ("...", "!", 0.0, 1.0),     # only ASCII punctuation: both ""
])
def test_squad_v1_empty_sides(prediction, gold, f1, exact):
    assert metrics.squad_v1_f1(prediction, gold) == f1
    assert metrics.squad_v1_exact_match(prediction, gold) == exact


def test_squad_v1_takes_the_best_gold_answer_and_averages_over_questions():
    predictions = ["red dog", "«Paris»", ""]
    answers = [["the red dog", "dog"],   # "red dog" == "red dog": F1 1, EM 1
               ["Paris", "«Paris»"],     # matches the second gold answer exactly: 1, 1
               ["a"]]                    # "" vs "": F1 0, EM 1
    scores = metrics.squad_v1(predictions, answers)
    assert scores == pytest.approx({"f1": 2 / 3, "exact_match": 1.0})


# --- SQuAD v2.0 ---------------------------------------------------------------------------


def test_squad_v2_no_answer_questions():
    # no gold answer: the only answer is "", so an empty prediction is right (F1 1, EM 1)
    assert metrics.squad_v2([""], [[]]) == {"f1": 1.0, "exact_match": 1.0}
    assert metrics.squad_v2(["Paris"], [[]]) == {"f1": 0.0, "exact_match": 0.0}
    # "a" normalises to "": it counts as answering "no answer"
    assert metrics.squad_v2(["a"], [[]]) == {"f1": 1.0, "exact_match": 1.0}
    # a gold answer of punctuation only normalises to "" and is dropped: the question has no answer
    assert metrics.squad_v2([""], [["."]]) == {"f1": 1.0, "exact_match": 1.0}


def test_squad_v2_drops_gold_answers_that_normalise_to_nothing():
    # gold ["the", "Paris"] keeps only "Paris"; "" then matches nothing (v1.1 would give EM 1 via "the")
    assert metrics.squad_v2([""], [["the", "Paris"]]) == {"f1": 0.0, "exact_match": 0.0}
    assert metrics.squad_v1([""], [["the", "Paris"]]) == {"f1": 0.0, "exact_match": 1.0}
    assert metrics.squad_v2(["Paris"], [["the", "Paris"]]) == {"f1": 1.0, "exact_match": 1.0}


def test_squad_v2_f1_when_both_sides_are_empty_is_one():
    assert metrics.squad_v2_f1("", "") == 1.0
    assert metrics.squad_v2_f1("", "Paris") == 0.0
    assert metrics.squad_v2_f1("big red dog", "red dog") == pytest.approx(0.8)
    assert metrics.squad_v2_exact_match("The Dog", "dog") == 1.0


def test_squad_v2_averages_over_questions():
    predictions = ["", "Paris", "the"]
    answers = [[],            # no answer, predicted none: 1, 1
               ["Paris"],     # 1, 1
               ["Berlin"]]    # "the" -> no token vs ["berlin"]: 0, 0
    assert metrics.squad_v2(predictions, answers) == pytest.approx({"f1": 2 / 3, "exact_match": 2 / 3})


# --- MLQA (language-specific rules) ----------------------------------------------------------


@pytest.mark.parametrize("language, text, normalised", [
    ("en", "The Eiffel Tower", "eiffel tower"),
    ("es", "El Niño de la Ciudad", "niño de ciudad"),            # el, la
    ("es", "¿Unas casas, los perros?", "casas perros"),          # ¿ , ? are punctuation here
    ("de", "Der Hund des Mannes", "hund mannes"),                # der, des
    ("de", "einem Haus", "haus"),
    ("ar", "المدينة", "مدينة"),                                  # the prefix ال
    ("ar", "الكتاب، الجديد؟", "كتاب جديد"),                      # ، and ؟ are punctuation (Po)
    ("ar", "فالكتاب", "ف كتاب"),                                 # ال inside a word splits it
    ("ar", "مال", "م"),                                          # ... also at the end of a word
    ("vi", "Những con mèo của tôi", "con mèo tôi"),              # những, của
    ("vi", "Cái bàn là chiếc bàn", "bàn bàn"),                   # cái, là, chiếc
    ("hi", "एक किताब।", "एक किताब"),                              # no articles; the danda । is punctuation
    ("zh", "北京大学", "北 京 大 学"),                            # one token per CJK character
    ("zh", "《北京》大学", "北 京 大 学"),                        # 《 》 dropped as punctuation
    ("zh", "the iPhone 手机", "the iphone 手 机"),                # no articles for zh; Latin runs stay whole
    ("en", "«Paris»", "paris"),                                  # Unicode punctuation dropped
])
def test_mlqa_normalisation_per_language(language, text, normalised):
    assert metrics.mlqa_normalize(text, language) == normalised


def test_mixed_segmentation_splits_cjk_and_punctuation():
    assert metrics.mixed_segmentation("北京大学abc def") == ["北", "京", "大", "学", "abc", "def"]
    assert metrics.mixed_segmentation("你好，世界") == ["你", "好", "，", "世", "界"]
    assert metrics.mixed_segmentation("") == []


def test_mlqa_punctuation_is_unicode_punctuation_plus_ascii_symbols():
    for char in "«»。¿،؟।,.!":
        assert metrics.is_mlqa_punctuation(char), char
    for char in "$+<=>^`|~":      # ASCII symbols (category S*) that string.punctuation adds
        assert metrics.is_mlqa_punctuation(char), char
    for char in "a北€ ":          # letters, € (Sc, not ASCII) and space are not
        assert not metrics.is_mlqa_punctuation(char), char


def test_mlqa_f1_uses_the_language_rules():
    # zh: "北京大学" -> 4 tokens, "北京" -> 2; 2 shared: P = 1/2, R = 1, F1 = 2/3
    assert metrics.mlqa_f1("北京大学", "北京", "zh") == pytest.approx(2 / 3)
    # the SQuAD rules see one token each, different: 0
    assert metrics.squad_v1_f1("北京大学", "北京") == 0.0
    # ar: "فالكتاب" -> ف كتاب (2 tokens) vs كتاب: P = 1/2, R = 1, F1 = 2/3
    assert metrics.mlqa_f1("فالكتاب", "كتاب", "ar") == pytest.approx(2 / 3)
    assert metrics.mlqa_exact_match("الكتاب", "كتاب", "ar") == 1.0
    assert metrics.mlqa_exact_match("la casa", "casa", "es") == 1.0
    assert metrics.mlqa_exact_match("der Hund", "Hund", "de") == 1.0
    # both sides empty: F1 0, EM 1, as in SQuAD v1.1
    assert metrics.mlqa_f1("", "", "en") == 0.0
    assert metrics.mlqa_exact_match("", "", "en") == 1.0
    assert metrics.mlqa_f1("¿?", "«»", "es") == 0.0
    assert metrics.mlqa_exact_match("¿?", "«»", "es") == 1.0


def test_mlqa_scores_with_spanish_rules_differ_from_english_rules():
    predictions = ["la casa", "el perro grande"]
    answers = [["casa"], ["un perro"]]
    # es: "casa" == "casa": 1, 1; "perro grande" vs "perro": P = 1/2, R = 1, F1 = 2/3, EM 0
    assert metrics.mlqa(predictions, answers, "es") == pytest.approx({"f1": (1 + 2 / 3) / 2, "exact_match": 0.5})
    # English rules keep la/el/un: "la casa" vs "casa": F1 2/3; "el perro grande" vs "un perro": 1 of 3
    # and 1 of 2 tokens shared: P = 1/3, R = 1/2, F1 = 0.4; no exact match
    assert metrics.mlqa(predictions, answers, "en") == pytest.approx({"f1": (2 / 3 + 0.4) / 2, "exact_match": 0.0})


def test_mlqa_rejects_a_language_the_script_does_not_know():
    with pytest.raises(ValueError, match="fr"):
        metrics.mlqa(["a"], [["a"]], "fr")
    with pytest.raises(ValueError):
        metrics.mlqa_normalize("a", "EN")


# --- input checks -------------------------------------------------------------------------


@pytest.mark.parametrize("score", [
    metrics.squad_v1, metrics.squad_v2, lambda p, a: metrics.mlqa(p, a, "en"),
])
def test_qa_scores_reject_misaligned_or_empty_input(score):
    with pytest.raises(ValueError, match="one prediction per question"):
        score(["a", "b"], [["a"]])
    with pytest.raises(ValueError, match="one prediction per question"):
        score(["a"], [["a"], ["b"]])
    with pytest.raises(ValueError, match="empty"):
        score([], [])
    with pytest.raises(TypeError, match="list of gold answers"):
        score(["Paris"], ["Paris"])  # a str would be read as its characters


def test_questions_without_gold_answers_need_squad_v2():
    with pytest.raises(ValueError, match="no gold answer"):
        metrics.squad_v1(["a"], [[]])
    with pytest.raises(ValueError, match="no gold answer"):
        metrics.mlqa(["a"], [[]], "de")
