"""The embedded benchmark: synthetic languages generated offline from shared logical forms.

This is the data of the ``smoke`` profile. It is a *scale analog* of XTREME / XTREME-R, never
evidence about a paper: it lets the whole pipeline (pretraining, English fine-tuning, zero-shot
evaluation, generalized setting, robustness, reports) run on a CPU in minutes.

World and logical forms
-----------------------
One small "world" is shared by every language: people (names), their jobs, cities and ages,
a taxonomy (dog -> animal, apple -> fruit, hammer -> tool, ...), adjectives with antonyms
(big/small, cheap/expensive, ...), needs and the actions that satisfy them (hungry -> eat
fruit, cold -> wear a garment, ...) and numeric facts (a bicycle has 2 wheels, a guitar costs
N coins). Sentences are logical forms (events, states, facts, questions) realised by a
per-language grammar. A test item is one logical form realised in every language, so test
sets are strictly parallel (row i is the same item).

Task items need word knowledge so that comparing premise and hypothesis tokens cannot solve
them (see notes-embedded-benchmark.md): the same one-word change is an entailment for a synonym
or hypernym, a contradiction for an antonym or a co-hyponym and neutral for a hyponym.
Anchors that real languages share (digits, person names in Latin-script languages, loanwords)
remain, as in real data.

The tagging tasks (``panx``, ``udpos``) tag every rendered word: a subclass of the realiser marks
each token with its part of speech (UPOS) and entity type (people PER, cities LOC) as it writes
it, so words and tags come from one pass and the other tasks' text is untouched. People there
sometimes carry a surname as well (two-word entities), which no other task uses.

The languages (``EMBEDDED_LANGUAGES``)
--------------------------------------
========  =========  ========  ==========  =====  =====  =========  ================================
code      name       family    script      order  adj    adposit.   morphology / negation / other
========  =========  ========  ==========  =====  =====  =========  ================================
``en``    English    Westic    Latin       SVO    pre    prep       real English words; -s plurals,
                                                                    do-support negation, articles
``vel``   Velan      Westic    Latin       SVO    post   prep       many cognates of English,
                                                                    articles, plural -s/-es, past
                                                                    suffix, particle ``non``
``dar``   Darvic     Steppic   Latin (ç,ş) SOV    pre    case sfx   vowel harmony, locative and
                                                                    definite-accusative suffixes,
                                                                    plural -lar/-ler (not after a
                                                                    numeral), negation suffix on the
                                                                    verb, questions in situ
``bor``   Borovan    Northic   Cyrillic    SVO    pre    prep       accusative -a -> -u, plural -y,
                                                                    past -(a)l, zero present copula,
                                                                    particle ``ne``
``thl``   Thelan     Southic   Greek       VSO    post   prep       definite article, past prefix
                                                                    e-, plural -(e)s, particle
                                                                    ``dhen``; low resource
``mav``   Mavaki     Islandic  Latin       SVO    post   prep       CV syllables, no inflection:
                                                                    plural particle ``nga``, tense
                                                                    particle ``ka``, negation
                                                                    ``kore``; low resource
========  =========  ========  ==========  =====  =====  =========  ================================

Vocabulary is generated per language from its own phonology (Cyrillic and Greek text is generated
in a romanisation and transliterated); a concept has 1-3 synonymous surface forms per language.
A share of nouns (Velan 50%, Darvic 35%, Borovan 30%, Thelan 25%, Mavaki 20%; adjectives half
that) are cognates of the English word, adapted to the language's spelling, and international
loanwords (taxi, piano, hotel, ...) are shared by nearly all. Names are transliterated in
non-Latin scripts, digits never change.

Pretraining text (``pretraining_corpus``) is monolingual and non-parallel: every language samples
its own documents about the shared world. As in web text, ``CODE_SWITCH_RATE`` (20%) of the nouns
and adjectives in non-English documents appear as the English word (Latin script, native
inflection); this and the anchors above are the only lexical bridges between the languages.
Task data never code-switches. The low-resource languages get a quarter of the pretraining text.

The languages themselves (vocabulary, grammar) are fixed by ``GENERATOR_VERSION``; the ``seed``
arguments only change which items and texts are sampled, so every seed speaks the same languages.

Public API (importable from ``repro.embedded``): ``EMBEDDED_LANGUAGES``, ``EMBEDDED_TASKS``,
``load_embedded_task``, ``pretraining_corpus``, ``parallel_corpus``, ``corpus_revision``,
``embedded_synonym_table``, ``task_revision``, ``realise`` (one logical form in one language),
``GENERATOR_VERSION``; the logical forms (``NP``, ``Event``, ``State``, ...), the label lists and
the world's names are exported too.

Modules
-------
``languages`` (the table above, seeds), ``world`` (concepts and facts), ``lexicon`` (words per
language), ``script`` (Cyrillic, Greek), ``logical_forms``, ``grammar`` (the realiser),
``tagging`` (UPOS and entity tags per word), ``sampling`` (random logical forms), ``items``
(one module per task family), ``tasks`` (the task table, ``load_embedded_task``), ``corpus``
(pretraining text, translation pairs, synonym table).
"""

from __future__ import annotations

from repro.embedded.corpus import (
    CODE_SWITCH_RATE,
    DEFAULT_CORPUS_DOCS,
    PARALLEL_RATE,
    corpus_revision,
    embedded_synonym_table,
    parallel_corpus,
    pretraining_corpus,
)
from repro.embedded.grammar import Tok, realise
from repro.embedded.items.nli import NLI_LABELS
from repro.embedded.items.paraphrase import DUPLICATE_LABELS, PARAPHRASE_LABELS
from repro.embedded.items.tagging import SURNAMES
from repro.embedded.languages import EMBEDDED_LANGUAGES, GENERATOR_VERSION, LANGUAGES, NON_ENGLISH, EmbeddedLanguage
from repro.embedded.logical_forms import NP, Complex, Event, Has, Lives, Question, State
from repro.embedded.tagging import NER_TAGS, UPOS_TAGS
from repro.embedded.tasks import EMBEDDED_TASKS, load_embedded_task, task_revision
from repro.embedded.world import CITIES, NAMES

__all__ = [
    "CITIES", "CODE_SWITCH_RATE", "Complex", "DEFAULT_CORPUS_DOCS", "DUPLICATE_LABELS", "EMBEDDED_LANGUAGES",
    "EMBEDDED_TASKS", "EmbeddedLanguage", "Event", "GENERATOR_VERSION", "Has", "LANGUAGES", "Lives", "NAMES",
    "NER_TAGS", "NLI_LABELS", "NON_ENGLISH", "NP", "PARALLEL_RATE", "PARAPHRASE_LABELS", "Question", "SURNAMES",
    "State", "Tok", "UPOS_TAGS", "corpus_revision", "embedded_synonym_table", "load_embedded_task",
    "parallel_corpus", "pretraining_corpus", "realise", "task_revision",
]
