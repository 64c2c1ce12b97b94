"""seqeval-compatible chunks and scores, worked out by hand from seqeval's rules.

seqeval (default mode, ``get_entities``) reads a tag's first character as its prefix and the rest
as its type (1.2.2: ``tag[1:].split("-", 1)[-1] or "_"``; 0.0.12: ``tag.split("-")[-1]``), walks
the tags plus a final ``O`` (sentences joined with an ``O`` after each), and at every word:
ends the open chunk when the previous prefix is E or S, on the prefix pairs B->B, B->S, B->O,
I->B, I->S, I->O, or when the previous prefix is not O or "." and the type changes; starts a
chunk when the prefix is B or S, on E->E, E->I, S->E, S->I, O->E, O->I, or when the prefix is
not O or "." and the type changes. Scores are micro counts over exact (type, start, end) matches.
"""

from __future__ import annotations

import pytest

from repro import metrics

# --- chunks -------------------------------------------------------------------------------


def test_iob2_chunks():
    # seqeval's own docstring example
    assert metrics.get_entities(["B-PER", "I-PER", "O", "B-LOC"]) == [("PER", 0, 1), ("LOC", 3, 3)]
    # O -> I starts a chunk (conlleval): the I-PER run is one entity
    assert metrics.get_entities(["O", "I-PER", "I-PER", "O"]) == [("PER", 1, 2)]
    # the type changes inside: PER ends, LOC starts
    assert metrics.get_entities(["B-PER", "I-LOC"]) == [("PER", 0, 0), ("LOC", 1, 1)]
    # B -> B ends the first chunk
    assert metrics.get_entities(["B-PER", "B-PER"]) == [("PER", 0, 0), ("PER", 1, 1)]


def test_upos_tags_are_read_as_chunks():
    # NOUN: prefix N, type OUN; identical neighbours share prefix and type, so they merge;
    # the type changes at VERB and at ADJ (type DJ); the final O (type "_") ends ADJ
    tags = ["NOUN", "NOUN", "VERB", "ADJ", "ADJ"]
    assert metrics.get_entities(tags) == [("OUN", 0, 1), ("ERB", 2, 2), ("DJ", 3, 4)]
    # seqeval 0.0.12 keeps the whole tag as the type: same boundaries, other names
    assert metrics.get_entities(tags, seqeval_version="0.0.12") == [("NOUN", 0, 1), ("VERB", 2, 2), ("ADJ", 3, 4)]


def test_single_and_inside_prefixes_among_upos_tags():
    # SCONJ is prefix S (single): the previous S ends a chunk and S starts one, so no merging
    assert metrics.get_entities(["SCONJ", "SCONJ"]) == [("CONJ", 0, 0), ("CONJ", 1, 1)]
    # INTJ is prefix I: O -> I starts, I -> I continues, I -> O (final) ends
    assert metrics.get_entities(["INTJ", "INTJ"]) == [("NTJ", 0, 1)]


def test_cconj_then_sconj_differs_between_seqeval_versions():
    # 1.2.2: both have type CONJ, so C -> S does not end the CCONJ chunk, S restarts it at 1,
    # and only (CONJ, 1, 1) is ever closed: the CCONJ word is lost
    assert metrics.get_entities(["CCONJ", "SCONJ"]) == [("CONJ", 1, 1)]
    # 0.0.12: types CCONJ and SCONJ differ: two chunks
    assert metrics.get_entities(["CCONJ", "SCONJ"], seqeval_version="0.0.12") == [("CCONJ", 0, 0), ("SCONJ", 1, 1)]


def test_sentences_are_joined_with_an_o_which_does_not_end_an_x_chunk_in_1_2_2():
    sentences = [["NOUN", "X"], ["X", "NOUN"]]
    # joined: NOUN X O X NOUN O (+ final O). 1.2.2: X and O both have type "_": X -> O ends
    # nothing, O -> X starts nothing, so one X chunk runs from 1 across the separator to 3
    assert metrics.get_entities(sentences) == [("OUN", 0, 0), ("_", 1, 3), ("OUN", 4, 4)]
    # 0.0.12: X has type X and O type O: two one-word X chunks
    assert metrics.get_entities(sentences, seqeval_version="0.0.12") == [
        ("NOUN", 0, 0), ("X", 1, 1), ("X", 3, 3), ("NOUN", 4, 4)]


def test_a_chunk_whose_end_is_never_signalled_is_dropped():
    # ".PER" has prefix "." (neither starts nor ends), and "." -> O does not end: B-PER is never closed
    assert metrics.get_entities(["B-PER", ".PER", "O"]) == []


# --- entity scores ------------------------------------------------------------------------


def test_entity_scores_on_seqeval_docstring_example():
    gold = [["O", "O", "O", "B-MISC", "I-MISC", "I-MISC", "O"], ["B-PER", "I-PER", "O"]]
    pred = [["O", "O", "B-MISC", "I-MISC", "I-MISC", "I-MISC", "O"], ["B-PER", "I-PER", "O"]]
    # MISC boundaries differ, PER matches: 1 of 2 predicted, 1 of 2 gold
    assert metrics.entity_scores(pred, gold) == {"f1": 0.5, "precision": 0.5, "recall": 0.5}


def test_upos_chunk_f1_differs_from_word_accuracy():
    gold = [["DET", "NOUN", "NOUN", "VERB"]]
    pred = [["DET", "NOUN", "ADJ", "VERB"]]
    # gold chunks: DET(0), NOUN(1-2), VERB(3); predicted: DET(0), NOUN(1), ADJ(2), VERB(3)
    # right: DET and VERB. P = 2/4, R = 2/3, F1 = 2 * (1/2) * (2/3) / (7/6) = 4/7
    scores = metrics.entity_scores(pred, gold)
    assert scores == pytest.approx({"f1": 4 / 7, "precision": 0.5, "recall": 2 / 3})
    assert metrics.tag_accuracy(pred, gold) == 0.75  # 3 of 4 words


def test_entity_scores_depend_on_the_seqeval_version_for_upos():
    gold, pred = [["SCONJ", "SCONJ"]], [["CCONJ", "SCONJ"]]
    # 1.2.2: gold (CONJ,0,0) (CONJ,1,1); predicted (CONJ,1,1): P = 1, R = 1/2, F1 = 2/3
    assert metrics.entity_scores(pred, gold) == pytest.approx({"f1": 2 / 3, "precision": 1.0, "recall": 0.5})
    # 0.0.12: gold (SCONJ,0,0) (SCONJ,1,1); predicted (CCONJ,0,0) (SCONJ,1,1): P = R = F1 = 1/2
    assert metrics.entity_scores(pred, gold, seqeval_version="0.0.12") == pytest.approx(
        {"f1": 0.5, "precision": 0.5, "recall": 0.5})


def test_no_chunks_score_zero():
    assert metrics.entity_scores([["O", "O"]], [["B-PER", "O"]]) == {"f1": 0.0, "precision": 0.0, "recall": 0.0}
    assert metrics.entity_scores([["B-PER", "O"]], [["O", "O"]]) == {"f1": 0.0, "precision": 0.0, "recall": 0.0}
    # nothing to find and nothing found: seqeval's default zero_division gives 0, not 1
    assert metrics.entity_scores([["O"]], [["O"]]) == {"f1": 0.0, "precision": 0.0, "recall": 0.0}


def test_tag_accuracy_counts_words_over_all_sentences():
    # 2 of 3 words right (the sentences' lengths weigh, not the sentences)
    assert metrics.tag_accuracy([["A", "X"], ["C"]], [["A", "B"], ["C"]]) == pytest.approx(2 / 3)


# --- input checks -------------------------------------------------------------------------


@pytest.mark.parametrize("score", [metrics.entity_scores, metrics.tag_accuracy])
def test_tagging_scores_reject_misaligned_or_empty_input(score):
    with pytest.raises(ValueError, match="one predicted sentence per gold sentence"):
        score([["O"]], [["O"], ["O"]])
    with pytest.raises(ValueError, match="sentence 1: expected one predicted tag per word"):
        score([["O"], ["O"]], [["O"], ["O", "O"]])
    with pytest.raises(ValueError, match="empty"):
        score([], [])
    with pytest.raises(ValueError, match="without words"):
        score([[]], [[]])


def test_get_entities_rejects_bad_tags_and_versions():
    with pytest.raises(ValueError, match="non-empty"):
        metrics.get_entities(["B-PER", ""])
    with pytest.raises(ValueError, match="seqeval_version"):
        metrics.get_entities(["O"], seqeval_version="2.0")
    with pytest.raises(TypeError):
        metrics.get_entities("B-PER")
    with pytest.raises(TypeError, match="mix"):
        metrics.get_entities(["O", ["O"]])
