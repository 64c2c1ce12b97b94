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

Public API: ``EMBEDDED_LANGUAGES``, ``EMBEDDED_TASKS``, ``load_embedded_task``,
``pretraining_corpus``, ``corpus_revision``, ``embedded_synonym_table``, ``task_revision``,
``realise`` (one logical form in one language), ``GENERATOR_VERSION``.
"""

from __future__ import annotations

import hashlib
import json
import random
from dataclasses import dataclass, replace
from functools import lru_cache

from repro.tasks.base import TaskData

# Bump whenever anything below changes the generated text (languages, templates, sizes, sampling).
GENERATOR_VERSION = "embedded-2"
_LEXICON_SEED = "embedded-lexicon-v1"  # fixes the languages; independent of the data seed


def _rng(*parts) -> random.Random:
    """A private generator derived from the caller's seed and a purpose (no global RNG)."""
    digest = hashlib.sha256("\x1f".join(map(str, parts)).encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


# --------------------------------------------------------------------------------------------
# Languages
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EmbeddedLanguage:
    code: str
    name: str
    family: str
    script: str
    word_order: str
    resource: str  # "high" | "low": low-resource languages get less pretraining text
    adjective_position: str  # "pre" | "post" the noun
    adposition: str  # "preposition" | "postposition" | "case suffix"
    negation: str
    morphology: str


EMBEDDED_LANGUAGES: dict[str, EmbeddedLanguage] = {
    "en": EmbeddedLanguage("en", "English", "Westic", "Latin", "SVO", "high", "pre", "preposition",
                           "do-support (did not)", "plural -s, past tense, articles"),
    "vel": EmbeddedLanguage("vel", "Velan", "Westic", "Latin", "SVO", "high", "post", "preposition",
                            "preverbal particle", "plural -s/-es, past suffix, articles, cognates"),
    "dar": EmbeddedLanguage("dar", "Darvic", "Steppic", "Latin", "SOV", "high", "pre", "case suffix",
                            "verb suffix", "vowel harmony, locative/accusative case, plural -lar"),
    "bor": EmbeddedLanguage("bor", "Borovan", "Northic", "Cyrillic", "SVO", "high", "pre", "preposition",
                            "preverbal particle", "accusative -u, plural -y, past -l, zero copula"),
    "thl": EmbeddedLanguage("thl", "Thelan", "Southic", "Greek", "VSO", "low", "post", "preposition",
                            "preverbal particle", "past prefix e-, plural -(e)s, definite article"),
    "mav": EmbeddedLanguage("mav", "Mavaki", "Islandic", "Latin", "SVO", "low", "post", "preposition",
                            "preverbal particle", "isolating: plural and tense particles"),
}
LANGUAGES: tuple[str, ...] = tuple(EMBEDDED_LANGUAGES)
NON_ENGLISH: tuple[str, ...] = tuple(c for c in LANGUAGES if c != "en")

# --------------------------------------------------------------------------------------------
# The shared world: concepts with their English forms ("|" separates synonyms, "*" = loanword)
# --------------------------------------------------------------------------------------------

_CATEGORIES: dict[str, list[str]] = {
    "animal": ["dog|hound", "cat", "horse", "cow", "bird", "sheep", "goat", "rabbit|bunny", "duck", "pig|hog"],
    "fruit": ["apple", "pear", "banana*", "plum", "cherry", "grape", "lemon", "peach"],
    "vegetable": ["carrot", "potato", "onion", "cabbage", "bean", "tomato*"],
    "vehicle": ["car|automobile", "bus", "truck|lorry", "bicycle|bike", "boat", "train", "taxi*|cab"],
    "tool": ["hammer", "chisel", "knife", "shovel|spade", "drill", "axe", "ladder"],
    "instrument": ["guitar*", "piano*", "drum", "violin|fiddle", "flute", "trumpet"],
    "drink": ["water", "milk", "juice", "tea", "coffee*", "lemonade"],
    "garment": ["coat|jacket", "hat", "scarf", "shirt", "sweater|jumper|pullover", "glove", "boot"],
}
_HYPERNYM_FORMS = {
    "animal": "animal|creature", "fruit": "fruit", "vegetable": "vegetable", "vehicle": "vehicle",
    "tool": "tool", "instrument": "instrument*", "drink": "drink|beverage", "garment": "garment",
}
_MASS_CATEGORIES = {"drink"}  # members take no article and no numeral
_PLACES = {  # English form -> English preposition
    "park": "in", "market|bazaar": "at", "school": "at", "garden": "in", "kitchen": "in",
    "station": "at", "hospital*": "at", "library": "in", "farm": "on", "beach|shore": "on",
    "forest|woods": "in", "shop|store": "in", "hotel*": "at", "restaurant*": "in",
}
_PROFESSIONS = ["teacher", "doctor*|physician", "farmer", "student", "baker", "driver", "nurse", "pilot*", "painter"]
_OTHER_NOUNS = ["leg", "wheel", "string", "coin", "year"]
NAMES = ["Anna", "Maria", "Peter", "John", "Ivan", "Lena", "Omar", "Sara", "Tom", "Nina",
         "Paul", "Eva", "Karl", "Mia", "Leo", "Rosa", "Hugo", "Zara", "Igor", "Ali"]
CITIES = ["Lindor", "Kasama", "Bremo", "Talvik", "Oruna", "Varnel", "Dunmar", "Ostrel"]

# adjective dimensions: members of one dimension exclude each other (antonyms / co-hyponyms)
_ADJ_FORMS = {
    "big": "big|large", "small": "small|little", "fast": "fast|quick", "slow": "slow",
    "cheap": "cheap", "expensive": "expensive|costly", "clean": "clean", "dirty": "dirty|filthy",
    "old": "old", "young": "young", "new": "new", "hot": "hot", "cold": "cold",
    "red": "red", "blue": "blue", "green": "green", "white": "white", "black": "black",
    "yellow": "yellow", "brown": "brown",
}
_DIMS = {
    "size": ["big", "small"], "speed": ["fast", "slow"], "price": ["cheap", "expensive"],
    "clean": ["clean", "dirty"], "age_a": ["old", "young"], "age_t": ["old", "new"],
    "temp": ["hot", "cold"], "colour_a": ["white", "black", "brown"],
    "colour_t": ["red", "blue", "green", "white", "black", "yellow"], "colour_f": ["red", "green", "yellow"],
}
_CAT_DIMS = {
    "animal": ["size", "speed", "clean", "age_a", "colour_a"],
    "fruit": ["size", "colour_f"], "vegetable": ["size"],
    "vehicle": ["size", "speed", "price", "clean", "age_t", "colour_t"],
    "tool": ["size", "price", "clean", "age_t", "colour_t"],
    "instrument": ["size", "price", "age_t", "colour_t"],
    "garment": ["size", "price", "clean", "age_t", "colour_t"],
    "drink": ["temp"],
}
# states of a person; needs are states that an action satisfies
_STATE_FORMS = {
    "hungry": "hungry|starving", "thirsty": "thirsty", "cold": "cold|freezing", "bored": "bored",
    "late": "late", "happy": "happy|glad|cheerful", "sad": "sad|unhappy", "tired": "tired|sleepy",
}
_NEEDS = {"hungry": ("eat", ("fruit", "vegetable")), "thirsty": ("drink", ("drink",)),
          "cold": ("wear", ("garment",)), "bored": ("play", ("instrument",)), "late": ("take", ("vehicle",))}
# verbs: English "base/past" forms, object categories
_THING_VERBS = {
    "see": ("see/saw|spot/spotted", ("animal", "fruit", "vegetable", "vehicle", "tool", "instrument", "garment")),
    "buy": ("buy/bought|purchase/purchased", ("fruit", "vegetable", "vehicle", "tool", "instrument", "garment", "drink")),
    "sell": ("sell/sold", ("animal", "fruit", "vegetable", "vehicle", "tool", "instrument", "garment")),
    "carry": ("carry/carried", ("fruit", "vegetable", "tool", "instrument", "garment")),
    "find": ("find/found|discover/discovered", ("animal", "tool", "instrument", "garment")),
    "eat": ("eat/ate", ("fruit", "vegetable")),
    "drink": ("drink/drank", ("drink",)),
    "wear": ("wear/wore", ("garment",)),
    "play": ("play/played", ("instrument",)),
    "take": ("take/took", ("vehicle",)),
    "feed": ("feed/fed", ("animal",)),
    "wash": ("wash/washed|rinse/rinsed", ("animal", "vehicle", "fruit", "vegetable", "garment")),
    "repair": ("repair/repaired|fix/fixed|mend/mended", ("vehicle", "tool", "instrument")),
    "cook": ("cook/cooked", ("vegetable",)),
    "ride": ("ride/rode", ("vehicle",)),
}
_PERSON_VERBS = {
    "help": "help/helped|assist/assisted", "call": "call/called|phone/phoned", "visit": "visit/visited",
    "follow": "follow/followed", "pay": "pay/paid", "thank": "thank/thanked", "invite": "invite/invited",
    "teach": "teach/taught",
}
_PRESENT_VERBS = {"have": "have/had", "cost": "cost/cost", "live": "live/lived"}
_TIMES = {"yesterday": "yesterday", "today": "today", "morning": "in the morning", "evening": "in the evening"}
# numeric facts shared by every language (the world's "encyclopedia")
_PARTS = {  # noun -> (part, count)
    "dog": ("leg", 4), "cat": ("leg", 4), "horse": ("leg", 4), "cow": ("leg", 4), "bird": ("leg", 2),
    "sheep": ("leg", 4), "goat": ("leg", 4), "rabbit": ("leg", 4), "duck": ("leg", 2), "pig": ("leg", 4),
    "car": ("wheel", 4), "bus": ("wheel", 6), "truck": ("wheel", 8), "bicycle": ("wheel", 2),
    "taxi": ("wheel", 4), "train": ("wheel", 9), "guitar": ("string", 6), "violin": ("string", 4),
}


def _split_forms(spec: str) -> tuple[list[str], bool]:
    loan = "*" in spec
    return [f.strip("*") for f in spec.split("|")], loan


@lru_cache(maxsize=1)
def _concepts() -> dict:
    """Every concept: key -> dict(pos, en forms, loan flag, category...). Keys carry the POS."""
    c: dict[str, dict] = {}

    def add(key, pos, spec, **extra):
        forms, loan = _split_forms(spec)
        c[key] = {"pos": pos, "en": forms, "loan": loan, **extra}

    for cat, members in _CATEGORIES.items():
        add("n:" + cat, "noun", _HYPERNYM_FORMS[cat], kind="hypernym", members=[])
        for spec in members:
            forms, _ = _split_forms(spec)
            add("n:" + forms[0], "noun", spec, kind="thing", category=cat, mass=cat in _MASS_CATEGORIES)
            c["n:" + cat]["members"].append("n:" + forms[0])
    for spec, prep in _PLACES.items():
        forms, _ = _split_forms(spec)
        add("n:" + forms[0], "noun", spec, kind="place", prep=prep)
    for spec in _PROFESSIONS:
        forms, _ = _split_forms(spec)
        add("n:" + forms[0], "noun", spec, kind="profession")
    for w in _OTHER_NOUNS:
        add("n:" + w, "noun", w, kind="other")
    for k, spec in _ADJ_FORMS.items():
        add("a:" + k, "adj", spec)
    for k, spec in _STATE_FORMS.items():
        add("s:" + k, "state", spec)
    for k, (spec, cats) in _THING_VERBS.items():
        add("v:" + k, "verb", spec, objects=cats)
    for k, spec in _PERSON_VERBS.items():
        add("v:" + k, "verb", spec, objects=("person",))
    for k, spec in _PRESENT_VERBS.items():
        add("v:" + k, "verb", spec, objects=())
    for k, spec in _TIMES.items():
        add("t:" + k, "time", spec)
    return c


def _places() -> list[str]:
    return [k for k, v in _concepts().items() if v.get("kind") == "place"]


def _professions() -> list[str]:
    return [k for k, v in _concepts().items() if v.get("kind") == "profession"]


@lru_cache(maxsize=1)
def _world() -> dict:
    """Facts about the world, identical in every language (fixed, not sampled per seed)."""
    r = _rng(_LEXICON_SEED, "world")
    people = {}
    profs, cities = _professions(), list(CITIES)
    for name in NAMES:
        people[name] = {"job": r.choice(profs), "city": r.choice(cities), "age": r.randint(19, 79)}
    prices = {k: r.randint(2, 99) for k, v in sorted(_concepts().items()) if v.get("kind") == "thing"}
    return {"people": people, "prices": prices}


# --------------------------------------------------------------------------------------------
# English morphology
# --------------------------------------------------------------------------------------------

_EN_IRREGULAR_PLURAL = {"sheep": "sheep", "knife": "knives", "scarf": "scarves", "potato": "potatoes",
                        "tomato": "tomatoes", "bus": "buses", "fruit": "fruits", "boot": "boots"}


def _en_plural(w: str) -> str:
    if w in _EN_IRREGULAR_PLURAL:
        return _EN_IRREGULAR_PLURAL[w]
    if w.endswith(("s", "x", "ch", "sh")):
        return w + "es"
    if w.endswith("y") and w[-2] not in "aeiou":
        return w[:-1] + "ies"
    return w + "s"


def _en_third(w: str) -> str:
    return {"have": "has"}.get(w) or (w + "es" if w.endswith(("s", "sh", "ch", "x")) else w + "s")


# --------------------------------------------------------------------------------------------
# Other languages: function words, phonology, morphology (all in a Latin romanisation;
# Cyrillic and Greek are produced at rendering time)
# --------------------------------------------------------------------------------------------

_FUNCTION = {
    "vel": dict(indef="un", defart="il", neg="non", cop_past="era", cop_pres="es", and_="e", but="ma",
                so="dunke", because="perke", where="dove", what="ke", who="ki", howmany="kuanti", loc="en"),
    "dar": dict(neg="ma", cop_past="idi", cop_pres="dir", neg_cop="değil", and_="ve", but="ama", so="böyle",
                because="çünkü", where="nerede", what="ne", who="kim", howmany="kaç"),
    "bor": dict(neg="ne", cop_past="byl", cop_pres=None, and_="i", but="no", so="potom", because="ibo",
                where="gde", what="chto", who="kto", howmany="skolko", loc="v"),
    "thl": dict(defart="to", neg="dhen", cop_past="itan", cop_pres="ine", and_="ke", but="ala", so="ara",
                because="epidi", where="pu", what="ti", who="pios", howmany="posa", loc="se"),
    "mav": dict(plural="nga", past="ka", neg="kore", cop_past="he", cop_pres="he", and_="me", but="engari",
                so="nora", because="hoki", where="hea", what="aha", who="wai", howmany="hia", loc="i"),
}
_PHONOLOGY = {
    "vel": dict(onsets="b c d f g l m n p r s t v br tr pr st gr ch".split(), vowels="a e i o u".split(),
                codas=["", "", "", "n", "r", "l", "s"], syllables=(2, 3), final_vowel=0.8),
    "dar": dict(onsets="b c ç d g k l m n p r s ş t y z".split() + [""], vowels="a e ı i o ö u ü".split(),
                codas=["", "r", "n", "l", "k", "t", "ş", "z"], syllables=(1, 3), final_vowel=0.3),
    "bor": dict(onsets="b v g d zh z k l m n p r s t kh ch sh st pr kr sl".split(), vowels="a e i o u y".split(),
                codas=["", "", "t", "k", "l", "n", "v", "sh"], syllables=(1, 3), final_vowel=0.4),
    "thl": dict(onsets="p t k m n l r s th ph kh d g v z ps ks st tr".split(), vowels="a e i o u".split(),
                codas=["", "", "", "s", "n"], syllables=(2, 3), final_vowel=0.7),
    "mav": dict(onsets="p t k m n h w r ng".split() + [""], vowels="a e i o u".split(), codas=[""],
                syllables=(2, 3), final_vowel=1.0),
}
# share of nouns borrowed from / cognate with English (adjectives: half of it); roughly the share of
# modern nouns an English speaker recognises in Spanish, Turkish, Russian, Greek, Indonesian
_COGNATE_RATE = {"vel": 0.5, "dar": 0.35, "bor": 0.3, "thl": 0.25, "mav": 0.2}
_LOAN_RATE = 0.9  # the international loanwords (taxi, piano, hotel, ...)
_BACK_VOWELS, _FRONT_VOWELS = set("aıou"), set("eiöü")


def _adapt_loan(lang: str, w: str) -> str:
    """An English word as borrowed by ``lang`` (spelling adapted to its letters)."""
    w = w.lower()
    if lang == "vel":
        w = w.replace("w", "v").replace("y", "i").replace("k", "c")
        return w if w[-1] in "aeiou" else w + "o"
    for a, b in (("th", "t"), ("ph", "f"), ("sh", "s"), ("ch", "k"), ("ck", "k"), ("qu", "kv"),
                 ("c", "k"), ("x", "ks"), ("q", "k"), ("w", "v"), ("y", "i"), ("j", "y")):
        w = w.replace(a, b)
    if lang == "thl":
        w = w.replace("b", "v").replace("f", "ph").replace("h", "")
        return w if w[-1] in "aeious" else w + "i"
    if lang == "bor":
        return w.replace("h", "kh")
    if lang == "mav":
        table = str.maketrans({"b": "p", "d": "t", "g": "k", "l": "r", "s": "h", "v": "w", "f": "p", "z": "h", "y": "i"})
        w = w.translate(table)
        out = []
        for i, ch in enumerate(w):
            out.append(ch)
            nxt = w[i + 1] if i + 1 < len(w) else ""
            if ch not in "aeiou" and nxt not in "aeiou":
                out.append("u")
        return "".join(out)
    return w


def _make_word(r: random.Random, ph: dict) -> str:
    n = r.randint(*ph["syllables"])
    parts = []
    for i in range(n):
        parts.append(r.choice(ph["onsets"]) + r.choice(ph["vowels"]))
        if i < n - 1 or r.random() > ph["final_vowel"]:
            parts.append(r.choice(ph["codas"]))
    return "".join(parts)


@lru_cache(maxsize=1)
def _lexicons() -> dict[str, dict[str, list[str]]]:
    """Surface forms (romanised stems) per language and concept; English holds its real words."""
    concepts = _concepts()
    lex: dict[str, dict[str, list[str]]] = {"en": {k: list(v["en"]) for k, v in concepts.items()}}
    for lang in NON_ENGLISH:
        r = _rng(_LEXICON_SEED, "lexicon", lang)
        ph = _PHONOLOGY[lang]
        used = {w for w in _FUNCTION[lang].values() if w} | {n.lower() for n in NAMES + CITIES}
        table: dict[str, list[str]] = {}
        for key in sorted(concepts):
            info = concepts[key]
            k = r.random()
            n_forms = 1 if k < 0.62 else (2 if k < 0.9 else 3)
            forms: list[str] = []
            rate = _COGNATE_RATE[lang] * (1.0 if info["pos"] == "noun" else 0.5)
            cognate = info["loan"] and r.random() < _LOAN_RATE or r.random() < rate
            if cognate and info["pos"] in ("noun", "adj") and " " not in info["en"][0]:
                # Velan keeps half of its borrowings in the English spelling (like "animal", "hotel")
                exact = lang == "vel" and r.random() < 0.5
                w = info["en"][0] if exact else _adapt_loan(lang, info["en"][0])
                if w not in used:
                    forms.append(w)
                    used.add(w)
            while len(forms) < n_forms:
                w = _make_word(r, ph)
                if len(w) >= 3 and w not in used:
                    forms.append(w)
                    used.add(w)
            table[key] = forms
        lex[lang] = table
    return lex


# --- scripts ---------------------------------------------------------------------------------

_CYRILLIC = {"zh": "ж", "kh": "х", "ts": "ц", "ch": "ч", "sh": "ш", "a": "а", "b": "б", "v": "в", "g": "г",
             "d": "д", "e": "е", "z": "з", "i": "и", "k": "к", "l": "л", "m": "м", "n": "н", "o": "о",
             "p": "п", "r": "р", "s": "с", "t": "т", "u": "у", "f": "ф", "y": "ы", "c": "к", "h": "х",
             "j": "й", "q": "к", "w": "в", "x": "кс"}
_GREEK = {"th": "θ", "ph": "φ", "kh": "χ", "ps": "ψ", "ks": "ξ", "ch": "χ", "a": "α", "b": "μπ", "g": "γ",
          "d": "δ", "e": "ε", "z": "ζ", "i": "ι", "k": "κ", "l": "λ", "m": "μ", "n": "ν", "x": "ξ", "o": "ο",
          "p": "π", "r": "ρ", "s": "σ", "t": "τ", "u": "υ", "f": "φ", "v": "β", "c": "κ", "h": "χ",
          "j": "ι", "q": "κ", "w": "ου", "y": "ι"}
_SCRIPT_TABLES = {"bor": _CYRILLIC, "thl": _GREEK}
_FOREIGN = "\x01"  # marks a code-switched English word: kept in Latin script when rendering


@lru_cache(maxsize=65536)
def _to_script(lang: str, token: str) -> str:
    if token.startswith(_FOREIGN):
        return token[1:]
    table = _SCRIPT_TABLES.get(lang)
    if table is None or not token or not token[0].isalpha():
        return token
    upper = token[0].isupper()
    w, out, i = token.lower(), [], 0
    while i < len(w):
        if w[i : i + 2] in table:
            out.append(table[w[i : i + 2]])
            i += 2
        else:
            out.append(table.get(w[i], w[i]))
            i += 1
    s = "".join(out)
    if lang == "thl" and s.endswith("σ"):
        s = s[:-1] + "ς"
    return s[0].upper() + s[1:] if upper else s


# --------------------------------------------------------------------------------------------
# Logical forms
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NP:
    noun: str  # concept key ("n:dog") or a person name ("@Anna")
    num: int | None = None  # None: singular (or mass); >= 2: that many
    adj: str | None = None
    definite: bool = False
    form: int = 0  # which synonym (index modulo the number of forms in a language)
    adj_form: int = 0


@dataclass(frozen=True)
class Event:
    subj: NP
    verb: str
    obj: tuple[NP, ...] = ()
    loc: str | None = None  # place concept or "@City"
    time: str | None = None
    neg: bool = False
    tense: str = "past"
    verb_form: int = 0
    loc_form: int = 0
    front_loc: bool = False


@dataclass(frozen=True)
class State:  # "Anna was hungry", "the dog was big", "Anna is a teacher", "a dog is an animal"
    subj: NP
    adj: str | None = None  # "s:hungry" or "a:big"
    pred: NP | None = None
    neg: bool = False
    tense: str = "past"
    form: int = 0


@dataclass(frozen=True)
class Has:  # "a dog has 4 legs", "an apple costs 7 coins", "Anna is 34 years old"
    subj: NP
    count: int
    part: str  # "n:leg", "n:coin" (with verb cost), "n:year" (age)


@dataclass(frozen=True)
class Lives:
    subj: NP
    city: str  # "@Lindor"


@dataclass(frozen=True)
class Complex:  # c1 , conj c2
    conj: str  # "so" | "because" | "but" | "and"
    c1: object
    c2: object


@dataclass(frozen=True)
class Question:
    target: str  # "where" | "what" | "howmany" | "who"
    clause: object  # Event / Has / Lives


def _name(n: str) -> NP:
    return NP("@" + n)


# --------------------------------------------------------------------------------------------
# Realisation: logical form -> tokens (text, tag); tags mark answer spans for QA
# --------------------------------------------------------------------------------------------

Tok = tuple  # (text, tag)
_PUNCT = {".", ",", "?"}


class _Realiser:
    def __init__(self, lang: str, code_switch: float = 0.0, rng: random.Random | None = None):
        self.lang = lang
        self.lex = _lexicons()[lang]
        self.fw = _FUNCTION.get(lang, {})
        self.meta = EMBEDDED_LANGUAGES[lang]
        self.c = _concepts()
        self.code_switch, self.rng = code_switch, rng

    # -- words ------------------------------------------------------------------------------
    def form(self, key: str, idx: int) -> str:
        if self.code_switch and self.c[key]["pos"] in ("noun", "adj") and self.rng.random() < self.code_switch:
            en = self.c[key]["en"]  # an English noun or adjective inside the text, as web text has
            return _FOREIGN + en[idx % len(en)]
        forms = self.lex[key]
        return forms[idx % len(forms)]

    def harmony(self, w: str, back: str, front: str) -> str:
        for ch in reversed(w):
            if ch in _BACK_VOWELS:
                return back
            if ch in _FRONT_VOWELS:
                return front
        return back

    def noun(self, key: str, idx: int, plural: bool, case: str | None = None) -> str:
        L = self.lang
        if key.startswith("@"):
            w = key[1:]
        else:
            w = self.form(key, idx)
        if L == "en":
            return _en_plural(w) if plural else w
        if plural and not key.startswith("@"):
            if L == "vel":
                w = w + ("s" if w[-1] in "aeiou" else "es")
            elif L == "dar":
                w = w + self.harmony(w, "lar", "ler")
            elif L == "bor":
                w = w[:-1] + "y" if w[-1] == "a" else (w + "y" if w[-1] not in "aeiouy" else w + "i")
            elif L == "thl":
                w = w + ("s" if w[-1] in "aeiou" else "es")
        if case == "acc":
            if L == "dar":
                suffix = self.harmony(w, "ı", "i")
                w = w + ("y" + suffix if w[-1] in "aeıioöuü" else suffix)
            elif L == "bor" and w.endswith("a"):
                w = w[:-1] + "u"
        elif case == "loc" and L == "dar":
            w = w + self.harmony(w, "da", "de")
        return w

    def np(self, np: NP, role: str = "subj", tag: str | None = None) -> list[Tok]:
        """role: subj | obj | pred | q (question phrase, no numeral)."""
        L, c = self.lang, self.c
        if np.noun.startswith("@"):
            case = "acc" if role == "obj" else None
            return [(self.noun(np.noun, 0, False, case), tag or "name")]
        info = c[np.noun]
        mass = info.get("mass", False)
        plural = np.num is not None and np.num >= 2
        head_tag = tag or "noun"
        adj = [(self.form(np.adj, np.adj_form), "adj")] if np.adj else []
        num = [(str(np.num), "num")] if plural and role != "q" and not np.definite else []
        if L == "en":
            head = [(self.noun(np.noun, np.form, plural), head_tag)]
            body = num + adj + head
            if np.definite:
                return [("the", None)] + body
            if plural or mass or role == "q":
                return body
            return [("an" if body[0][0][0] in "aeiou" else "a", None)] + body
        pl_suffix = plural and not (L == "dar" and num) and L != "mav"
        case = "acc" if role == "obj" and (L == "bor" or (L == "dar" and np.definite)) else None
        head = [(self.noun(np.noun, np.form, pl_suffix, case), head_tag)]
        if L == "mav" and plural:
            head = [(self.fw["plural"], None)] + head
        body = (adj + head) if self.meta.adjective_position == "pre" else (head + adj)
        body = num + body
        art = []
        if L == "vel" and not mass:
            art = [(self.fw["defart"] if np.definite else self.fw["indef"], None)] if (np.definite or not plural) else []
        elif L == "thl" and np.definite:
            art = [(self.fw["defart"], None)]
        return art + body

    def obj(self, nps: tuple[NP, ...], role: str = "obj") -> list[Tok]:
        out: list[Tok] = []
        for i, np in enumerate(nps):
            if i and i == len(nps) - 1:
                out.append(("and" if self.lang == "en" else self.fw["and_"], None))
            elif i:
                out.append((",", None))
            out += self.np(np, role, tag="obj" if len(nps) == 1 else f"obj{i}")
        return out

    def loc(self, key: str, idx: int) -> list[Tok]:
        L = self.lang
        city = key.startswith("@")
        if L == "en":
            if city:
                return [("in", None), (key[1:], "loc")]
            return [(self.c[key]["prep"], None), ("the", None), (self.form(key, idx), "loc")]
        if L == "dar":
            return [(self.noun(key, idx, False, "loc"), "loc")]
        art = []
        if not city and L == "vel":
            art = [(self.fw["defart"], None)]
        elif not city and L == "thl":
            art = [(self.fw["defart"], None)]
        return [(self.fw["loc"], None)] + art + [(self.noun(key, idx, False), "loc")]

    def time(self, key: str) -> list[Tok]:
        if self.lang == "en":
            return [(w, None) for w in self.form(key, 0).split()]
        return [(self.form(key, 0), None)]

    def verb(self, key: str, idx: int, tense: str, neg: bool, base_only: bool = False) -> list[Tok]:
        L = self.lang
        w = self.form(key, idx)
        if L == "en":
            base, past = w.split("/")
            if base_only:
                return [(base, "verb")]
            if neg:
                aux = "did" if tense == "past" else ("does" if tense == "present" else "did")
                return [(aux, None), ("not", None), (base, "verb")]
            return [(past if tense == "past" else _en_third(base), "verb")]
        if L == "dar":
            stem = w + (self.harmony(w, "ma", "me") if neg else "")
            if tense == "past":
                stem += self.harmony(stem, "dı", "di")
            else:
                stem += "r" if stem[-1] in "aeıioöuü" else self.harmony(stem, "ır", "ir")
            return [(stem, "verb")]
        out: list[Tok] = []
        if neg:
            out.append((self.fw["neg"], None))
        if L == "vel":
            out.append((w + "ò" if tense == "past" else w, "verb"))
        elif L == "bor":
            out.append((w + ("l" if w[-1] in "aeiouy" else "al") if tense == "past" else w, "verb"))
        elif L == "thl":
            out.append(("e" + w if tense == "past" else w, "verb"))
        else:  # mav
            if tense == "past":
                out.append((self.fw["past"], None))
            out.append((w, "verb"))
        return out

    # -- clauses ----------------------------------------------------------------------------
    def arrange(self, S, V, O, L_, T, front=False) -> list[Tok]:
        order = self.meta.word_order
        if front and L_:
            rest = self.arrange(S, V, O, [], T)
            return L_ + [(",", None)] + rest
        if order == "SVO":
            return S + V + O + L_ + T
        if order == "SOV":
            return S + T + L_ + O + V
        return V + S + O + L_ + T  # VSO

    def event(self, e: Event) -> list[Tok]:
        S = self.np(e.subj, "subj", tag="subj")
        V = self.verb(e.verb, e.verb_form, e.tense, e.neg)
        O = self.obj(e.obj) if e.obj else []
        L_ = self.loc(e.loc, e.loc_form) if e.loc else []
        T = self.time(e.time) if e.time else []
        return self.arrange(S, V, O, L_, T, e.front_loc)

    def copula(self, tense: str, neg: bool) -> list[Tok]:
        L = self.lang
        if L == "en":
            w = "was" if tense == "past" else "is"
            return [(w, None), ("not", None)] if neg else [(w, None)]
        if L == "dar":
            if neg:
                return [(self.fw["neg_cop"] + ("di" if tense == "past" else ""), None)]
            return [(self.fw["cop_past"] if tense == "past" else self.fw["cop_pres"], None)]
        cop = self.fw["cop_past"] if tense == "past" else self.fw["cop_pres"]
        out = [(self.fw["neg"], None)] if neg else []
        return out + ([(cop, None)] if cop else [])

    def state(self, s: State) -> list[Tok]:
        S = self.np(s.subj, "subj", tag="subj")
        if s.adj is not None:
            P = [(self.form(s.adj, s.form), "adj")]
        else:
            P = self.np(s.pred, "pred", tag="pred")
        C = self.copula(s.tense, s.neg)
        order = self.meta.word_order
        if order == "SOV":
            return S + P + C
        if order == "VSO":
            return C + S + P
        return S + C + P

    def has(self, h: Has) -> list[Tok]:
        L = self.lang
        S = self.np(h.subj, "subj", tag="subj")
        if L == "en" and h.part == "n:year":
            return S + [("is", None), (str(h.count), "num"), ("years", None), ("old", None)]
        verb = "v:cost" if h.part == "n:coin" else "v:have"
        V = self.verb(verb, 0, "present", False)
        O = self.np(NP(h.part, num=h.count), "pred")
        return self.arrange(S, V, O, [], [])

    def lives(self, x: Lives) -> list[Tok]:
        S = self.np(x.subj, "subj", tag="subj")
        V = self.verb("v:live", 0, "present", False)
        return self.arrange(S, V, [], self.loc(x.city, 0), [])

    def conj(self, name: str) -> str:
        return name if self.lang == "en" else self.fw[name + "_" if name == "and" else name]

    def clause(self, lf) -> list[Tok]:
        if isinstance(lf, Event):
            return self.event(lf)
        if isinstance(lf, State):
            return self.state(lf)
        if isinstance(lf, Has):
            return self.has(lf)
        if isinstance(lf, Lives):
            return self.lives(lf)
        if isinstance(lf, Complex):
            return self.clause(lf.c1) + [(",", None), (self.conj(lf.conj), None)] + self.clause(lf.c2)
        if isinstance(lf, Question):
            return self.question(lf)
        raise TypeError(type(lf))

    # -- questions --------------------------------------------------------------------------
    def question(self, q: Question) -> list[Tok]:
        L, e = self.lang, q.clause
        if L == "en":
            return self._question_en(q)
        wh_word = self.fw[q.target if q.target != "howmany" else "howmany"]
        if isinstance(e, Lives):
            S = self.np(e.subj, "subj")
            V = self.verb("v:live", 0, "present", False)
            if L == "dar":
                return self.arrange(S, V, [], [(wh_word, None)], []) + [("?", None)]
            return [(wh_word, None)] + self.arrange(S, V, [], [], []) + [("?", None)]
        if isinstance(e, Has):  # how many (years / legs / coins)
            S = self.np(e.subj, "subj")
            verb = "v:cost" if e.part == "n:coin" else "v:have"
            V = self.verb(verb, 0, "present", False)
            part = self.noun(e.part, 0, L != "dar")
            wh = [(wh_word, None), (part, None)]
            if L == "dar":
                return self.arrange(S, V, wh, [], []) + [("?", None)]
            return wh + self.arrange(S, V, [], [], []) + [("?", None)]
        S = self.np(e.subj, "subj")
        V = self.verb(e.verb, e.verb_form, e.tense, e.neg)
        O = self.obj(e.obj, "obj") if e.obj else []
        L_ = self.loc(e.loc, e.loc_form) if e.loc else []
        T = self.time(e.time) if e.time else []
        if q.target == "where":
            wh, L_ = [(wh_word, None)], []
        elif q.target == "who":
            wh, S = [(wh_word, None)], []
        elif q.target == "what":
            wh, O = [(wh_word, None)], []
        else:  # howmany: "how many <noun>"
            np = e.obj[0]
            wh = [(wh_word, None)] + self.np(replace(np, num=None if L == "dar" else 2, definite=False), "q")
            O = []
        if L == "dar":  # in situ
            slot = {"where": "L", "who": "S", "what": "O", "howmany": "O"}[q.target]
            parts = {"S": S, "O": O, "L": L_}
            parts[slot] = wh
            return self.arrange(parts["S"], V, parts["O"], parts["L"], T) + [("?", None)]
        return wh + self.arrange(S, V, O, L_, T) + [("?", None)]

    def _question_en(self, q: Question) -> list[Tok]:
        e = q.clause
        if isinstance(e, Lives):
            return [("where", None), ("does", None)] + self.np(e.subj) + [("live", None), ("?", None)]
        if isinstance(e, Has):
            S = self.np(e.subj)
            if e.part == "n:year":
                return [("how", None), ("old", None), ("is", None)] + S + [("?", None)]
            if e.part == "n:coin":
                return [("how", None), ("many", None), ("coins", None), ("does", None)] + S + [("cost", None), ("?", None)]
            return [("how", None), ("many", None), (_en_plural(self.form(e.part, 0)), None), ("does", None)] + S + [
                ("have", None), ("?", None)]
        aux = [("did", None)] + ([("not", None)] if e.neg else [])
        S = self.np(e.subj)
        Vb = self.verb(e.verb, e.verb_form, e.tense, False, base_only=True)
        O = self.obj(e.obj) if e.obj else []
        L_ = self.loc(e.loc, e.loc_form) if e.loc else []
        T = self.time(e.time) if e.time else []
        if q.target == "who":
            return [("who", None)] + self.verb(e.verb, e.verb_form, e.tense, e.neg) + O + L_ + T + [("?", None)]
        if q.target == "where":
            return [("where", None)] + aux + S + Vb + O + T + [("?", None)]
        if q.target == "what":
            return [("what", None)] + aux + S + Vb + L_ + T + [("?", None)]
        np = e.obj[0]
        phrase = self.np(replace(np, num=2, definite=False), "q")
        return [("how", None), ("many", None)] + phrase + aux + S + Vb + L_ + T + [("?", None)]


@lru_cache(maxsize=None)
def _realiser(lang: str) -> _Realiser:
    return _Realiser(lang)


def _render(lang: str, toks: list[Tok], *, end: str | None = ".", capitalize: bool = True):
    """Tokens -> (text, [(start, end, tag)]) in the language's script."""
    if end and (not toks or toks[-1][0] not in _PUNCT):
        toks = toks + [(end, None)]
    pieces, spans, pos = [], [], 0
    for i, (text, tag) in enumerate(toks):
        text = _to_script(lang, text)
        if i == 0 and capitalize and text[:1].isalpha():
            text = text[0].upper() + text[1:]
        if i and text not in _PUNCT:
            pieces.append(" ")
            pos += 1
        spans.append((pos, pos + len(text), tag))
        pieces.append(text)
        pos += len(text)
    return "".join(pieces), spans


def realise(lf, lang: str, **kw) -> str:
    """The sentence for one logical form in one language."""
    return _render(lang, _realiser(lang).clause(lf), **kw)[0]


# --------------------------------------------------------------------------------------------
# Word tags (panx, udpos): the realiser's tokens with a part of speech and an entity type
# --------------------------------------------------------------------------------------------

# the UD inventory in google/xtreme's order (INTJ, PRON, SYM and X never occur in these sentences)
UPOS_TAGS = ["ADJ", "ADP", "ADV", "AUX", "CCONJ", "DET", "INTJ", "NOUN", "NUM", "PART", "PRON", "PROPN", "PUNCT",
             "SCONJ", "SYM", "VERB", "X"]
# the world has people and cities, no organisations; city names are one word, so I-LOC never occurs
NER_TAGS = ["O", "B-PER", "I-PER", "B-LOC", "I-LOC"]


class _Word(tuple):
    """A realiser token ``(text, tag)`` that also carries its UPOS tag and entity type.

    It is still the 2-tuple every realiser method and ``_render`` read, so marking a sentence
    cannot change its text.
    """

    def __new__(cls, tok, pos: str, entity: str | None = None, inside: bool = False):
        word = super().__new__(cls, tok)
        word.pos, word.entity, word.inside = pos, entity, inside  # inside: continues the entity before it
        return word


def _mark(toks: list, rule) -> list:
    """Mark the tokens not marked yet (those the calling method added itself): ``rule(text, tag, k)``,
    k counting those tokens, gives the UPOS tag or a (UPOS tag, entity type) pair."""
    out, k = [], 0
    for tok in toks:
        if not isinstance(tok, _Word):
            pos = rule(tok[0], tok[1], k)
            tok = _Word(tok, *((pos,) if isinstance(pos, str) else pos))
            k += 1
        out.append(tok)
    return out


class _TaggingRealiser(_Realiser):
    """The realiser with every token marked. Each method wraps its parent's output and marks only
    the tokens it added, so the text is the plain realiser's (but for two-word names, which only
    the tagging tasks use). Declarative clauses only (questions are not tagged)."""

    def np(self, np: NP, role: str = "subj", tag: str | None = None) -> list[Tok]:
        if np.noun.startswith("@"):  # "@Anna" or "@Anna Berg": a case ending goes on the last word
            *first, last = np.noun[1:].split(" ")
            toks = [(w, tag or "name") for w in first] + super().np(replace(np, noun="@" + last), role, tag)
            return [_Word(t, "PROPN", "PER", inside=i > 0) for i, t in enumerate(toks)]
        plural_particle = self.fw.get("plural")  # Mavaki "nga"

        def rule(text, t, k):
            if t in ("adj", "num"):
                return "ADJ" if t == "adj" else "NUM"
            if t:
                return "NOUN"  # the head, whatever role tag it carries
            return "PART" if text == plural_particle else "DET"

        return _mark(super().np(np, role, tag), rule)

    def obj(self, nps: tuple[NP, ...], role: str = "obj") -> list[Tok]:
        return _mark(super().obj(nps, role), lambda text, t, k: "PUNCT" if text == "," else "CCONJ")

    def loc(self, key: str, idx: int) -> list[Tok]:
        city = key.startswith("@")

        def rule(text, t, k):
            if t == "loc":
                return ("PROPN", "LOC") if city else "NOUN"
            return "ADP" if k == 0 else "DET"  # "in the park", "en il parko"

        return _mark(super().loc(key, idx), rule)

    def time(self, key: str) -> list[Tok]:
        toks = super().time(key)
        if len(toks) == 1:  # "yesterday", "today"; one word for "in the morning" outside English
            return _mark(toks, lambda *_: "ADV")
        return _mark(toks, lambda text, t, k: ("ADP", "DET", "NOUN")[k])  # "in the morning"

    def verb(self, key: str, idx: int, tense: str, neg: bool, base_only: bool = False) -> list[Tok]:
        # besides the verb: "did"/"does" (AUX), "not" and the negation and tense particles (PART)
        return _mark(super().verb(key, idx, tense, neg, base_only),
                     lambda text, t, k: "VERB" if t == "verb" else ("AUX" if text in ("did", "does") else "PART"))

    def arrange(self, S, V, O, L_, T, front=False) -> list[Tok]:
        return _mark(super().arrange(S, V, O, L_, T, front), lambda *_: "PUNCT")  # comma after a fronted place

    def copula(self, tense: str, neg: bool) -> list[Tok]:
        negation = {"not", self.fw.get("neg")}
        return _mark(super().copula(tense, neg), lambda text, t, k: "PART" if text in negation else "AUX")

    def state(self, s: State) -> list[Tok]:
        return _mark(super().state(s), lambda *_: "ADJ")  # the predicate adjective ("hungry", "big")

    def has(self, h: Has) -> list[Tok]:
        english_age = {"is": "AUX", "years": "NOUN", "old": "ADJ"}  # "Anna is 34 years old"
        return _mark(super().has(h), lambda text, t, k: "NUM" if t == "num" else english_age[text])

    def clause(self, lf) -> list[Tok]:
        if isinstance(lf, Question):
            raise NotImplementedError("word tags are defined for declarative clauses only")
        conj = "SCONJ" if isinstance(lf, Complex) and lf.conj == "because" else "CCONJ"
        return _mark(super().clause(lf), lambda text, t, k: "PUNCT" if text == "," else conj)


@lru_cache(maxsize=16)
def _tagging_realiser(lang: str) -> _TaggingRealiser:
    return _TaggingRealiser(lang)


def _tagged_words(lf, lang: str) -> list[tuple[str, str, str]]:
    """(word, UPOS tag, IOB2 entity tag) for every word of ``realise(lf, lang)``, in order."""
    toks = _tagging_realiser(lang).clause(lf)
    text, spans = _render(lang, toks)
    words = []
    for i, (start, end, _) in enumerate(spans):
        tok = toks[i] if i < len(toks) else None  # past the tokens: the full stop _render adds
        if " " in text[start:end]:
            raise ValueError(f"a token holds a space: {text[start:end]!r}")
        entity = "O" if tok is None or tok.entity is None else ("I-" if tok.inside else "B-") + tok.entity
        words.append((text[start:end], "PUNCT" if tok is None else tok.pos, entity))
    return words


# --------------------------------------------------------------------------------------------
# Sampling logical forms
# --------------------------------------------------------------------------------------------


def _members(cat: str) -> list[str]:
    return _concepts()["n:" + cat]["members"]


def _category(noun: str) -> str | None:
    return _concepts().get(noun, {}).get("category")


def _n_forms_en(key: str) -> int:
    return len(_concepts()[key]["en"])


def _adj_for(r: random.Random, cat: str) -> str:
    dim = r.choice(_CAT_DIMS[cat])
    return "a:" + r.choice(_DIMS[dim])


def _antonym(r: random.Random, cat: str, adj: str) -> str:
    dims = [d for d in _CAT_DIMS[cat] if adj[2:] in _DIMS[d]]
    dim = r.choice(dims)
    return "a:" + r.choice([a for a in _DIMS[dim] if a != adj[2:]])


def _rand_np(r: random.Random, noun: str, *, p_num=0.6, p_adj=0.5) -> NP:
    info = _concepts()[noun]
    cat = info.get("category") or noun[2:]
    mass = info.get("mass", False)
    num = r.randint(2, 9) if (not mass and r.random() < p_num) else None
    adj = _adj_for(r, cat) if r.random() < p_adj else None
    return NP(noun, num=num, adj=adj, form=r.randrange(3), adj_form=r.randrange(3))


def _rand_event(r: random.Random, *, subj: str | None = None, verb: str | None = None, cat: str | None = None,
                p_loc=0.6, p_time=0.3, p_num=0.6, p_adj=0.5) -> Event:
    if verb is None:
        verb = "v:" + r.choice(sorted(_THING_VERBS)) if cat is None else "v:" + r.choice(
            [v for v, (_, cats) in sorted(_THING_VERBS.items()) if cat in cats])
    cats = _concepts()[verb]["objects"]
    cat = cat if cat in cats else r.choice(cats)
    noun = r.choice(_members(cat))
    return Event(
        subj=_name(subj or r.choice(NAMES)), verb=verb, obj=(_rand_np(r, noun, p_num=p_num, p_adj=p_adj),),
        loc=r.choice(_places()) if r.random() < p_loc else None,
        time="t:" + r.choice(sorted(_TIMES)) if r.random() < p_time else None,
        verb_form=r.randrange(3), loc_form=r.randrange(3))


def _rand_person_event(r: random.Random, p_loc=0.5) -> Event:
    a, b = r.sample(NAMES, 2)
    return Event(subj=_name(a), verb="v:" + r.choice(sorted(_PERSON_VERBS)), obj=(_name(b),),
                 loc=r.choice(_places()) if r.random() < p_loc else None,
                 time="t:" + r.choice(sorted(_TIMES)) if r.random() < 0.25 else None,
                 verb_form=r.randrange(3), loc_form=r.randrange(3))


def _other_form(r: random.Random, key: str, idx: int) -> int | None:
    """A form index that gives a different English word, or None when English has one form."""
    n = _n_forms_en(key)
    if n < 2:
        return None
    return (idx % n + r.randrange(1, n)) % n


def _synonym_variant(r: random.Random, e: Event) -> Event | None:
    """The same event with one or two words replaced by English synonyms (None if impossible)."""
    options = []
    if _other_form(r, e.verb, e.verb_form) is not None:
        options.append("verb")
    np = e.obj[0] if e.obj else None
    if np is not None and not np.noun.startswith("@") and _other_form(r, np.noun, np.form) is not None:
        options.append("noun")
    if np is not None and np.adj and _other_form(r, np.adj, np.adj_form) is not None:
        options.append("adj")
    if e.loc and not e.loc.startswith("@") and _other_form(r, e.loc, e.loc_form) is not None:
        options.append("loc")
    if not options:
        return None
    for slot in r.sample(options, min(len(options), r.choice([1, 1, 2]))):
        if slot == "verb":
            e = replace(e, verb_form=_other_form(r, e.verb, e.verb_form))
        elif slot == "loc":
            e = replace(e, loc_form=_other_form(r, e.loc, e.loc_form))
        elif slot == "noun":
            e = replace(e, obj=(replace(e.obj[0], form=_other_form(r, e.obj[0].noun, e.obj[0].form)),) + e.obj[1:])
        else:
            e = replace(e, obj=(replace(e.obj[0], adj_form=_other_form(r, e.obj[0].adj, e.obj[0].adj_form)),) + e.obj[1:])
    return e


# --------------------------------------------------------------------------------------------
# NLI items (xnli, mnli)
# --------------------------------------------------------------------------------------------

NLI_LABELS = ["entailment", "neutral", "contradiction"]
_ENT, _NEU, _CON = 0, 1, 2
_NLI_TYPES = {
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


def _with_obj(e: Event, **kw) -> Event:
    return replace(e, obj=(replace(e.obj[0], **kw),) + e.obj[1:])


def _nli_pair(r: random.Random, label: int, kind: str) -> tuple[object, object]:
    """(premise, hypothesis) logical forms for one item of the given label and type."""
    e = _rand_event(r)
    np = e.obj[0]
    cat = _category(np.noun)
    if kind == "hypernym":
        h = _with_obj(e, noun="n:" + cat, form=r.randrange(3), adj=np.adj if r.random() < 0.5 else None,
                      num=np.num)
        return e, _drop_mods(r, h)
    if kind == "synonym":
        h = _synonym_variant(r, e)
        if h is None:
            return _nli_pair(r, label, "hypernym")
        return e, _drop_mods(r, h, 0.2)
    if kind == "drop":
        if not (e.loc or e.time or np.adj):
            e = replace(e, loc=r.choice(_places()))
        h = e
        choices = [s for s, v in (("loc", e.loc), ("time", e.time), ("adj", np.adj)) if v]
        for slot in r.sample(choices, r.randint(1, len(choices))):
            h = replace(h, loc=None, front_loc=False) if slot == "loc" else (
                replace(h, time=None) if slot == "time" else _with_obj(h, adj=None))
        return e, h
    if kind == "add":
        h = e
        choices = [s for s, v in (("loc", e.loc), ("time", e.time), ("adj", np.adj)) if not v]
        if not choices:
            e = replace(e, time=None)
            choices = ["time"]
        slot = r.choice(choices)
        if slot == "loc":
            h = replace(h, loc=r.choice(_places()))
        elif slot == "time":
            h = replace(h, time="t:" + r.choice(sorted(_TIMES)))
        else:
            h = _with_obj(h, adj=_adj_for(r, cat))
        return e, h
    if kind == "hyponym":
        p = _with_obj(e, noun="n:" + cat, adj=None)
        return p, _drop_mods(r, _with_obj(e, adj=None))
    if kind == "name":
        other = r.choice([n for n in NAMES if "@" + n != e.subj.noun])
        return e, _drop_mods(r, replace(e, subj=_name(other)))
    if kind == "verb":
        verbs = [v for v, (_, cats) in sorted(_THING_VERBS.items()) if cat in cats and "v:" + v != e.verb]
        if not verbs:
            return _nli_pair(r, label, "name")
        return e, _drop_mods(r, replace(e, verb="v:" + r.choice(verbs), verb_form=r.randrange(3)))
    if kind == "negation":
        return e, _drop_mods(r, replace(e, neg=True), 0.4)
    if kind == "antonym":
        if np.adj is None:
            e = _with_obj(e, adj=_adj_for(r, cat))
        return e, _drop_mods(r, _with_obj(e, adj=_antonym(r, cat, e.obj[0].adj)))
    if kind == "cohyponym":
        other = r.choice([m for m in _members(cat) if m != np.noun])
        return e, _drop_mods(r, _with_obj(e, noun=other, form=r.randrange(3)))
    if kind == "number":
        if _concepts()[np.noun].get("mass"):
            return _nli_pair(r, label, "cohyponym")
        if np.num is None:
            e = _with_obj(e, num=r.randint(2, 9))
        n = r.choice([k for k in range(2, 10) if k != e.obj[0].num])
        return e, _drop_mods(r, _with_obj(e, num=n))
    raise ValueError(kind)


def _mnli_pair(r: random.Random, label: int) -> tuple[object, object]:
    """MNLI analog: same label space, other premises (needs, states, facts, two clauses)."""
    kind = r.random()
    if kind < 0.35:  # a need and the action it caused
        name = r.choice(NAMES)
        need = r.choice(sorted(_NEEDS))
        verb, cats = _NEEDS[need]
        act = _rand_event(r, subj=name, verb="v:" + verb, cat=r.choice(cats), p_time=0.0)
        st = State(_name(name), adj="s:" + need, form=r.randrange(3))
        prem = Complex("so", st, act) if r.random() < 0.5 else Complex("because", act, st)
        if label == _ENT:
            if r.random() < 0.4:
                return prem, st
            return prem, _with_obj(act, noun="n:" + _category(act.obj[0].noun), adj=None, form=r.randrange(3))
        if label == _CON:
            if r.random() < 0.5:
                return prem, replace(st, neg=True)
            other = r.choice([m for m in _members(_category(act.obj[0].noun)) if m != act.obj[0].noun])
            return prem, _with_obj(act, noun=other)
        other_state = r.choice([s for s in sorted(_STATE_FORMS) if s not in (need, "cold", "happy", "sad")])
        if r.random() < 0.5:
            return prem, State(_name(name), adj="s:" + other_state, form=r.randrange(3))
        return prem, replace(act, subj=_name(r.choice([n for n in NAMES if n != name])))
    if kind < 0.55:  # person events (help, call, ...)
        e = _rand_person_event(r, p_loc=0.7)
        if label == _ENT:
            h = _synonym_variant(r, e)
            if h is None or r.random() < 0.4:
                if not (e.loc or e.time):
                    e = replace(e, loc=r.choice(_places()))
                h = replace(e, loc=None, time=None, front_loc=False)
            return e, h
        if label == _CON:
            return e, _drop_mods(r, replace(e, neg=True))
        if r.random() < 0.5:  # role reversal: the other direction is not implied
            return e, replace(e, subj=e.obj[0], obj=(e.subj,), loc=None, time=None, front_loc=False)
        if not e.loc:
            return e, replace(e, loc=r.choice(_places()))
        return e, replace(e, verb="v:" + r.choice([v for v in sorted(_PERSON_VERBS) if "v:" + v != e.verb]))
    if kind < 0.7:  # two facts, hypothesis about one of them
        p, h = _nli_pair(r, label, r.choice(_NLI_TYPES[label]))
        # the other clause is about someone else, so it cannot change the label
        others = [n for n in NAMES if "@" + n not in (p.subj.noun, h.subj.noun)]
        e1, e2 = _rand_event(r, subj=r.choice(others)), _rand_event(r, subj=r.choice(others))
        if label == _NEU:
            return Complex("and", e1, p), h
        return Complex("but" if r.random() < 0.3 else "and", p, e2), h
    return _nli_pair(r, label, r.choice(_NLI_TYPES[label]))


# --------------------------------------------------------------------------------------------
# Paraphrase items (pawsx, qqp)
# --------------------------------------------------------------------------------------------

PARAPHRASE_LABELS = ["not_paraphrase", "paraphrase"]
DUPLICATE_LABELS = ["not_duplicate", "duplicate"]


def _coordinated_event(r: random.Random) -> Event:
    e = _rand_event(r, p_num=0.0, p_adj=0.0)
    cat = _category(e.obj[0].noun)
    n1, n2 = r.sample([m for m in _members(cat)], 2)
    dims = _CAT_DIMS[cat]
    dim = r.choice(dims)
    a1, a2 = r.sample(_DIMS[dim], 2)
    return replace(e, obj=(NP(n1, adj="a:" + a1, form=r.randrange(3)), NP(n2, adj="a:" + a2, form=r.randrange(3))))


def _paws_pair(r: random.Random, label: int) -> tuple[Event, Event]:
    structure = r.random()
    if structure < 0.35:
        e = _rand_person_event(r, p_loc=0.6)
    elif structure < 0.6:
        e = _coordinated_event(r)
    else:
        e = _rand_event(r, p_loc=0.7)
    if label == 1:
        h = e
        if e.loc and r.random() < 0.6:
            h = replace(h, front_loc=not h.front_loc)
        h2 = _synonym_variant(r, h)
        if h2 is not None and (h == e or r.random() < 0.5):
            h = h2
        if h == e:  # nothing to vary: move the time adverb in front instead
            h = replace(e, loc=e.loc or r.choice(_places()))
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
        cat = _category(np.noun)
        if r.random() < 0.5:
            if np.adj is None:
                e = _with_obj(e, adj=_adj_for(r, cat))
            h = _with_obj(e, adj=_antonym(r, cat, e.obj[0].adj))
        else:
            h = _with_obj(e, noun=r.choice([m for m in _members(cat) if m != np.noun]))
    if e.loc and r.random() < 0.4:
        h = replace(h, front_loc=not h.front_loc)
    return e, h


def _qqp_pair(r: random.Random, label: int) -> tuple[Question, Question]:
    while True:
        e = _rand_event(r, p_time=0.15, p_loc=0.8)
        targets = ["what", "who"] + (["where"] if e.loc else [])
        if not _concepts()[e.obj[0].noun].get("mass"):
            targets.append("howmany")
        target = r.choice(targets)
        q = Question(target, e)
        if label == 1:
            e2 = _synonym_variant(r, e)
            q2 = Question(target, e2) if e2 is not None else None
        else:
            kinds = ["target", "verb"] + (["subj"] if target != "who" else []) + (
                ["obj"] if target != "what" else []) + (["loc"] if e.loc and target != "where" else [])
            kind = r.choice(kinds)
            if kind == "target":
                q2 = Question(r.choice([t for t in targets if t != target]), e)
            elif kind == "subj":
                q2 = Question(target, replace(e, subj=_name(r.choice([n for n in NAMES if "@" + n != e.subj.noun]))))
            elif kind == "obj":
                cat = _category(e.obj[0].noun)
                q2 = Question(target, _with_obj(e, noun=r.choice([m for m in _members(cat) if m != e.obj[0].noun])))
            elif kind == "loc":
                q2 = Question(target, replace(e, loc=r.choice([p for p in _places() if p != e.loc])))
            else:
                verbs = [v for v, (_, cats) in sorted(_THING_VERBS.items())
                         if _category(e.obj[0].noun) in cats and "v:" + v != e.verb]
                if not verbs:
                    continue
                q2 = Question(target, replace(e, verb="v:" + r.choice(verbs), verb_form=r.randrange(3)))
        # the English questions must differ (a change hidden by the question would mislabel)
        if q2 is not None and realise(q, "en") != realise(q2, "en"):
            return q, q2


# --------------------------------------------------------------------------------------------
# QA items (squad, tydiqa)
# --------------------------------------------------------------------------------------------


def _qa_item(r: random.Random, n_facts: int, extra_facts: bool) -> tuple[list, Question, int, str]:
    """(context facts, question, index of the answering fact, answer tag)."""
    while True:
        subjects = r.sample(NAMES, r.choice([1, 1, 2]))
        shared_verb = "v:" + r.choice(["buy", "see", "sell", "carry", "wash", "find"])
        facts, used_places, used_nums, used_nouns = [], set(), set(), set()
        for _ in range(n_facts):
            verb = shared_verb if r.random() < 0.7 else None
            e = _rand_event(r, subj=r.choice(subjects), verb=verb, p_loc=1.0, p_time=0.0, p_num=1.0, p_adj=0.3)
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
            qnp = NP("n:" + _category(np.noun), num=np.num, form=r.randrange(3), definite=True)
        elif ref < 0.7:
            alt = _other_form(r, np.noun, np.form)
            qnp = replace(np, form=alt if alt is not None else np.form, adj=None, definite=True)
        else:
            qnp = replace(np, adj=None, definite=True)
        q_event = replace(target_fact, obj=(replace(qnp, definite=True, num=2 if (np.num or 0) >= 2 else None),),
                          verb_form=r.randrange(3), loc_form=r.randrange(3))
        if qtype == "howmany":  # the object alone (often by its hypernym) must pick the fact
            q_event = replace(q_event, loc=None)

        def matches(f: Event) -> bool:
            if f.subj != q_event.subj or f.verb != q_event.verb:
                return False
            if qtype == "what":
                return f.loc == q_event.loc
            if q_event.loc is not None and f.loc != q_event.loc:
                return False
            noun = q_event.obj[0].noun
            return f.obj[0].noun == noun or _category(f.obj[0].noun) == noun[2:]

        if sum(matches(f) for f in facts) != 1:
            continue
        context = list(facts)
        tag = {"howmany": "num", "where": "loc", "what": "obj"}[qtype]
        if extra_facts:  # squad analog: facts about the people as well, and questions about them
            name = subjects[0]
            person = _world()["people"][name]
            people_facts = [State(_name(name), pred=NP(person["job"])), Lives(_name(name), "@" + person["city"]),
                            Has(_name(name), person["age"], "n:year")]
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


def _qa_rows(items, lang: str, prefix: str) -> dict[str, list]:
    rz = _realiser(lang)
    rows = {"id": [], "question": [], "context": [], "answers": []}
    for i, (facts, q, t, tag) in enumerate(items):
        parts, start = [], None
        pos = 0
        for j, f in enumerate(facts):
            text, spans = _render(lang, rz.clause(f))
            if j == t:
                s, e_, _ = next(sp for sp in spans if sp[2] == tag)
                start, answer = pos + s, text[s:e_]
            parts.append(text)
            pos += len(text) + 1
        context = " ".join(parts)
        assert context[start : start + len(answer)] == answer
        rows["id"].append(f"{prefix}-{i}")
        rows["question"].append(realise(q, lang))
        rows["context"].append(context)
        rows["answers"].append({"text": [answer], "answer_start": [start]})
    return rows


# --------------------------------------------------------------------------------------------
# Multiple choice items (hellaswag, copa)
# --------------------------------------------------------------------------------------------


def _need_action(r: random.Random, name: str, need: str, definite_obj: NP | None = None) -> Event:
    verb, cats = _NEEDS[need]
    if definite_obj is not None:
        return Event(_name(name), "v:" + verb, (definite_obj,), verb_form=r.randrange(3))
    return _rand_event(r, subj=name, verb="v:" + verb, cat=r.choice(cats), p_loc=0.0, p_time=0.0, p_adj=0.3)


def _need_and_action(r: random.Random, person: NP, name: str) -> Complex:
    """"Anna was hungry, so she ate ..." or "Anna ate ... because she was hungry"."""
    need = r.choice(sorted(_NEEDS))
    st = State(person, adj="s:" + need, form=r.randrange(3))
    act = _need_action(r, name, need)
    return Complex("so", st, act) if r.random() < 0.5 else Complex("because", act, st)


def _copa_item(r: random.Random):
    name = r.choice(NAMES)
    need, other = r.sample(sorted(_NEEDS), 2)
    label = r.randrange(2)
    if r.random() < 0.5:  # effect: "X was hungry, so ..."
        premise = State(_name(name), adj="s:" + need, form=r.randrange(3))
        choices = [_need_action(r, name, need), _need_action(r, name, other)]
        conj = "so"
    else:  # cause: "X ate 3 apples because ..."
        premise = _need_action(r, name, need)
        choices = [State(_name(name), adj="s:" + need, form=r.randrange(3)),
                   State(_name(name), adj="s:" + other, form=r.randrange(3))]
        conj = "because"
    if label == 1:
        choices = choices[::-1]
    return premise, conj, choices, label


def _hellaswag_item(r: random.Random):
    name = r.choice(NAMES)
    needs = r.sample(sorted(_NEEDS), 4)
    objs = []
    for need in needs:
        cat = r.choice(_NEEDS[need][1])
        objs.append(_rand_np(r, r.choice(_members(cat)), p_num=0.4, p_adj=0.3))
    order = list(range(4))
    r.shuffle(order)
    # "buy" takes every need's object category, so the context does not give the answer away
    found = Event(_name(name), "v:buy", tuple(objs[i] for i in order), loc=r.choice(_places()),
                  verb_form=r.randrange(3), loc_form=r.randrange(3))
    state = State(_name(name), adj="s:" + needs[0], form=r.randrange(3))
    context = [state, found] if r.random() < 0.7 else [found, state]
    endings = [_need_action(r, name, need, replace(o, definite=True, adj=None)) for need, o in zip(needs, objs)]
    label_order = list(range(4))
    r.shuffle(label_order)
    return context, [endings[i] for i in label_order], label_order.index(0)


# --------------------------------------------------------------------------------------------
# Retrieval sentences (tatoeba, bucc)
# --------------------------------------------------------------------------------------------


def _retrieval_lf(r: random.Random):
    k = r.random()
    if k < 0.55:
        return _rand_event(r)
    if k < 0.7:
        return _rand_person_event(r)
    if k < 0.8:
        name = r.choice(NAMES)
        need = r.choice(sorted(_NEEDS))
        return Complex("so", State(_name(name), adj="s:" + need, form=r.randrange(3)), _need_action(r, name, need))
    if k < 0.9:
        noun = r.choice(sorted(_PARTS))
        part, n = _PARTS[noun]
        return Has(NP("n:" + noun, form=r.randrange(3)), n, "n:" + part)
    name = r.choice(NAMES)
    return State(_name(name), adj="s:" + r.choice(sorted(_STATE_FORMS)), neg=r.random() < 0.3, form=r.randrange(3))


# --------------------------------------------------------------------------------------------
# Tagging sentences (panx, udpos)
# --------------------------------------------------------------------------------------------

SURNAMES = ["Berg", "Lind", "Novak", "Moreau", "Costa", "Weber", "Silva", "Dahl"]


def _maybe_surname(r: random.Random, np: NP) -> NP:
    """A person is sometimes named with a surname as well: two-word entities (B-PER I-PER)."""
    return replace(np, noun=f"{np.noun} {r.choice(SURNAMES)}") if r.random() < 0.3 else np


def _tagging_lf(r: random.Random):
    """One declarative sentence about people, things, places and cities."""
    name, city = r.choice(NAMES), "@" + r.choice(CITIES)
    person = _maybe_surname(r, _name(name))
    k = r.random()
    if k < 0.3:
        e = _rand_event(r, subj=name, p_time=0.2)
        return replace(e, subj=person, loc=city if r.random() < 0.4 else e.loc)
    if k < 0.5:
        e = _rand_person_event(r)
        return replace(e, subj=_maybe_surname(r, e.subj), obj=(_maybe_surname(r, e.obj[0]),),
                       loc=city if r.random() < 0.4 else e.loc)
    if k < 0.62:
        return Lives(person, city)
    if k < 0.72:
        job = _world()["people"][name]["job"]
        return State(person, pred=NP(job, form=r.randrange(3)), tense="present")
    if k < 0.84:
        return _need_and_action(r, person, name)
    if k < 0.92:
        return Has(person, _world()["people"][name]["age"], "n:year")
    return State(person, adj="s:" + r.choice(sorted(_STATE_FORMS)), neg=r.random() < 0.3, form=r.randrange(3))


# --------------------------------------------------------------------------------------------
# Tasks
# --------------------------------------------------------------------------------------------

EMBEDDED_TASKS: dict[str, dict] = {
    "xnli": {"kind": "pair_classification", "role": "target", "analog_of": "XNLI",
             "description": "3-way NLI on one-clause events; hypernym, synonym, antonym, co-hyponym, "
                           "negation and number changes decide the label"},
    "pawsx": {"kind": "pair_classification", "role": "target", "analog_of": "PAWS-X",
              "description": "paraphrase or not: role and adjective swaps with the same words vs "
                             "synonym and fronting paraphrases"},
    "mnli": {"kind": "pair_classification", "role": "intermediate", "analog_of": "MNLI",
             "description": "English NLI with other premises (needs and actions, two clauses, person "
                            "events); same labels as xnli, larger"},
    "qqp": {"kind": "pair_classification", "role": "intermediate", "analog_of": "QQP",
            "description": "duplicate questions: synonyms vs another slot, object, person or verb"},
    "squad": {"kind": "qa", "role": "intermediate", "analog_of": "SQuAD",
              "description": "extractive QA over 3-5 facts incl. job, city and age facts"},
    "tydiqa": {"kind": "qa", "role": "target", "analog_of": "TyDiQA-GoldP",
               "description": "extractive QA over 2-4 event facts; questions name the object by a "
                              "hypernym or synonym; answers an object, place or number"},
    "hellaswag": {"kind": "multiple_choice", "role": "intermediate", "analog_of": "HellaSwag",
                  "description": "4 endings; the one that satisfies the stated need is right"},
    "copa": {"kind": "multiple_choice", "role": "target", "analog_of": "XCOPA",
             "description": "2 choices: the cause or effect that fits a need and its action"},
    "tatoeba": {"kind": "retrieval", "role": "target", "analog_of": "Tatoeba",
                "description": "find the English translation of each sentence"},
    "bucc": {"kind": "retrieval", "role": "target", "analog_of": "BUCC",
             "description": "like tatoeba, more sentences"},
    "panx": {"kind": "token_classification", "role": "target", "analog_of": "PAN-X (WikiANN NER)",
             "description": "named entities in IOB2 tags: people (PER, with or without a surname) and cities "
                            "(LOC); names are transliterated and take case endings"},
    "udpos": {"kind": "token_classification", "role": "target", "analog_of": "UDPOS (Universal Dependencies)",
              "description": "a UPOS tag per word from its source in the grammar: content words, articles, "
                             "adpositions, auxiliaries, particles, conjunctions, punctuation"},
}
_SIZES = {  # train (per language), dev (English), test (per language)
    "xnli": (3000, 300, 300), "pawsx": (3000, 300, 300), "mnli": (6000, 300, 300), "qqp": (4000, 300, 300),
    "squad": (3000, 300, 300), "tydiqa": (2000, 300, 300), "hellaswag": (3000, 300, 300),
    "copa": (1000, 200, 300), "tatoeba": (0, 0, 300), "bucc": (0, 0, 1000),
    "panx": (2000, 300, 300), "udpos": (2000, 300, 300),  # tagging: English train only
}
_TARGETS_EN_ONLY_TEST = {"mnli", "qqp", "squad", "hellaswag"}


@lru_cache(maxsize=1)
def _lexicon_fingerprint() -> str:
    """Hash of the languages' vocabularies, grammars and world: a change there changes every revision
    even if GENERATOR_VERSION was not bumped (template changes still need the bump)."""
    payload = json.dumps({"lex": _lexicons(), "world": _world(), "fw": _FUNCTION,
                          "langs": {c: vars(m) for c, m in EMBEDDED_LANGUAGES.items()}}, sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


def task_revision(name: str, seed: int = 0) -> str:
    """Content hash of what ``load_embedded_task(name, seed)`` returns (no generation needed)."""
    payload = json.dumps({"v": GENERATOR_VERSION, "lexicon": _lexicon_fingerprint(), "task": name, "seed": seed,
                          "sizes": _SIZES[name], "languages": list(LANGUAGES)}, sort_keys=True)
    return "embedded-" + hashlib.sha256(payload.encode()).hexdigest()[:16]


def _balanced_labels(r: random.Random, n: int, k: int) -> list[int]:
    labels = [i % k for i in range(n)]
    r.shuffle(labels)
    return labels


def _pair_items(name: str, r: random.Random, n: int) -> list[tuple[object, object, int]]:
    k = 3 if name in ("xnli", "mnli") else 2
    items = []
    for label in _balanced_labels(r, n, k):
        if name == "xnli":
            p, h = _nli_pair(r, label, r.choice(_NLI_TYPES[label]))
        elif name == "mnli":
            p, h = _mnli_pair(r, label)
        elif name == "pawsx":
            p, h = _paws_pair(r, label)
        else:
            p, h = _qqp_pair(r, label)
        items.append((p, h, label))
    return items


def _split_items(name: str, seed: int, split: str, n: int) -> list:
    r = _rng(seed, GENERATOR_VERSION, name, split)
    kind = EMBEDDED_TASKS[name]["kind"]
    if kind == "pair_classification":
        return _pair_items(name, r, n)
    if kind == "qa":
        lo, hi = (3, 5) if name == "squad" else (2, 4)
        return [_qa_item(r, r.randint(lo, hi), name == "squad") for _ in range(n)]
    if name == "copa":
        return [_copa_item(r) for _ in range(n)]
    if name == "hellaswag":
        return [_hellaswag_item(r) for _ in range(n)]
    if kind == "token_classification":
        return [_tagging_lf(r) for _ in range(n)]
    seen, items = set(), []
    while len(items) < n:  # retrieval: distinct English sentences
        lf = _retrieval_lf(r)
        en = realise(lf, "en")
        if en not in seen:
            seen.add(en)
            items.append(lf)
    return items


def _rows(name: str, items: list, lang: str, prefix: str) -> dict[str, list]:
    kind = EMBEDDED_TASKS[name]["kind"]
    if kind == "pair_classification":
        return {"sentence1": [realise(p, lang) for p, _, _ in items],
                "sentence2": [realise(h, lang) for _, h, _ in items],
                "label": [lab for _, _, lab in items]}
    if kind == "qa":
        return _qa_rows(items, lang, prefix)
    if kind == "retrieval":
        return {"source_sentence": [realise(lf, lang) for lf in items],
                "target_sentence": [realise(lf, "en") for lf in items]}
    if kind == "token_classification":
        ner = name == "panx"
        index = {tag: i for i, tag in enumerate(NER_TAGS if ner else UPOS_TAGS)}
        words = [_tagged_words(lf, lang) for lf in items]
        return {"tokens": [[w for w, _, _ in sentence] for sentence in words],
                "tags": [[index[entity if ner else pos] for _, pos, entity in sentence] for sentence in words]}
    rz, ctx, ends, labels = _realiser(lang), [], [], []
    if name == "copa":
        for premise, conj, choices, label in items:
            toks = rz.clause(premise) + [(",", None), (rz.conj(conj), None)]
            ctx.append(_render(lang, toks, end=None)[0])
            ends.append([realise(c, lang, capitalize=False) for c in choices])
            labels.append(label)
    else:
        for context, endings, label in items:
            ctx.append(" ".join(realise(c, lang) for c in context))
            ends.append([realise(e, lang) for e in endings])
            labels.append(label)
    return {"context": ctx, "endings": ends, "label": labels}


@lru_cache(maxsize=16)
def _generate(name: str, seed: int) -> dict:
    n_train, n_dev, n_test = _SIZES[name]
    out: dict = {"train": {}, "dev": None, "test": {}}
    if n_train:
        items = _split_items(name, seed, "train", n_train)
        # tagging tasks train on English only (no translated training sets: nothing reads them)
        train_langs = ("en",) if EMBEDDED_TASKS[name]["kind"] == "token_classification" else LANGUAGES
        out["train"] = {lang: _rows(name, items, lang, f"{name}-train") for lang in train_langs}
    if n_dev:
        out["dev"] = _rows(name, _split_items(name, seed, "dev", n_dev), "en", f"{name}-dev")
    test_items = _split_items(name, seed, "test", n_test)
    if EMBEDDED_TASKS[name]["kind"] == "retrieval":
        langs = NON_ENGLISH
    elif name in _TARGETS_EN_ONLY_TEST:
        langs = ("en",)
    else:
        langs = LANGUAGES
    out["test"] = {lang: _rows(name, test_items, lang, f"{name}-test") for lang in langs}
    return out


def load_embedded_task(name: str, seed: int = 0) -> TaskData:
    """One embedded task in the common schema (see repro.tasks.base).

    ``train``: English plus a translated training set per language (same items, row-aligned;
    English only for the tagging tasks); ``dev``: English; ``test``: parallel sets for every
    language (target tasks), English only for the intermediate tasks, non-English sources with
    English targets for retrieval.
    """
    from datasets import Dataset

    if name not in EMBEDDED_TASKS:
        raise KeyError(f"unknown embedded task {name!r}; known: {', '.join(EMBEDDED_TASKS)}")
    data = _generate(name, seed)
    spec = EMBEDDED_TASKS[name]
    kind = spec["kind"]
    labels = None
    if name in ("xnli", "mnli"):
        labels = list(NLI_LABELS)
    elif name == "pawsx":
        labels = list(PARAPHRASE_LABELS)
    elif name == "qqp":
        labels = list(DUPLICATE_LABELS)
    elif name == "panx":
        labels = list(NER_TAGS)
    elif name == "udpos":
        labels = list(UPOS_TAGS)
    return TaskData(
        name=name, kind=kind,
        train={lang: Dataset.from_dict(rows) for lang, rows in data["train"].items()},
        dev=Dataset.from_dict(data["dev"]) if data["dev"] is not None else None,
        test={lang: Dataset.from_dict(rows) for lang, rows in data["test"].items()},
        label_names=labels,
        parallel=True,
        revision=task_revision(name, seed),
        metadata={"source": "embedded", "seed": seed, "generator_version": GENERATOR_VERSION,
                  "analog_of": spec["analog_of"], "role": spec["role"], "description": spec["description"],
                  "languages": {c: vars(m) for c, m in EMBEDDED_LANGUAGES.items()}},
    )


# --------------------------------------------------------------------------------------------
# Pretraining text and the synonym table
# --------------------------------------------------------------------------------------------

DEFAULT_CORPUS_DOCS = 12000  # documents per high-resource language; low-resource get a quarter
CODE_SWITCH_RATE = 0.2  # share of nouns/adjectives written as the English word in non-English text
# English-translation sentence pairs per language, as a share of its documents (XLM's TLM data): a
# scale substitute for the alignment XLM-R learns from terabytes of text, which a 3-minute build cannot
PARALLEL_RATE = 0.3


def _documents(meta: EmbeddedLanguage, docs: int) -> int:
    """Documents a language gets: low-resource languages a quarter."""
    return docs if meta.resource == "high" else max(1, docs // 4)


def _document(r: random.Random) -> list:
    """A short monolingual 'document': facts and events mostly about one person."""
    name = r.choice(NAMES)
    person = _world()["people"][name]
    prices = _world()["prices"]
    lfs = []
    for _ in range(r.randint(2, 4)):
        k = r.random()
        if k < 0.08:
            lfs.append(State(_name(name), pred=NP(person["job"], form=r.randrange(3)), tense="present"))
        elif k < 0.14:
            lfs.append(Lives(_name(name), "@" + person["city"]))
        elif k < 0.19:
            lfs.append(Has(_name(name), person["age"], "n:year"))
        elif k < 0.42:
            lfs.append(_rand_event(r, subj=name if r.random() < 0.7 else None))
        elif k < 0.5:
            lfs.append(_rand_person_event(r))
        elif k < 0.62:
            lfs.append(_need_and_action(r, _name(name), name))
        elif k < 0.72:  # taxonomy
            cat = r.choice(sorted(_CATEGORIES))
            noun = r.choice(_members(cat))
            lfs.append(State(NP(noun, form=r.randrange(3)), pred=NP("n:" + cat, form=r.randrange(3)),
                             tense="present"))
        elif k < 0.8:  # contrast with antonyms
            cat = r.choice(sorted(_CATEGORIES))
            n1, n2 = r.sample(_members(cat), 2)
            dim = r.choice(_CAT_DIMS[cat])
            a1, a2 = r.sample(_DIMS[dim], 2)
            lfs.append(Complex("but", State(NP(n1, definite=True, form=r.randrange(3)), adj="a:" + a1,
                                            form=r.randrange(3)),
                               State(NP(n2, definite=True, form=r.randrange(3)), adj="a:" + a2, form=r.randrange(3))))
        elif k < 0.88:  # numeric facts
            noun = r.choice(sorted(_PARTS))
            part, n = _PARTS[noun]
            lfs.append(Has(NP("n:" + noun, form=r.randrange(3)), n, "n:" + part))
        elif k < 0.94:
            noun = r.choice(sorted(prices))
            lfs.append(Has(NP(noun, form=r.randrange(3)), prices[noun], "n:coin"))
        else:
            state = r.choice(sorted(_STATE_FORMS))
            lfs.append(State(_name(name), adj="s:" + state, neg=r.random() < 0.3, form=r.randrange(3)))
    return lfs


def pretraining_corpus(seed: int = 0, *, docs: int = DEFAULT_CORPUS_DOCS,
                       code_switch: float = CODE_SWITCH_RATE) -> dict[str, list[str]]:
    """Non-parallel monolingual text per language (one short document per line).

    Every language samples its own documents (no sentence is a translation of another's);
    low-resource languages get ``docs // 4`` documents, the others ``docs``. In the non-English
    text a fraction ``code_switch`` of nouns and adjectives appear as the English word (in Latin
    script, with the language's own inflection), as in web text; task data never code-switches.
    """
    out: dict[str, list[str]] = {}
    for lang, meta in EMBEDDED_LANGUAGES.items():
        r = _rng(seed, GENERATOR_VERSION, "corpus", lang)
        rz = _Realiser(lang, code_switch if lang != "en" else 0.0, _rng(seed, GENERATOR_VERSION, "switch", lang))
        out[lang] = [" ".join(_render(lang, rz.clause(lf))[0] for lf in _document(r))
                     for _ in range(_documents(meta, docs))]
    return out


def parallel_corpus(seed: int = 0, *, docs: int = DEFAULT_CORPUS_DOCS,
                    rate: float = PARALLEL_RATE) -> dict[str, list[tuple[str, str]]]:
    """English-translation sentence pairs per non-English language, for translation language modelling.

    ``rate`` times a language's document count of pairs, each one sentence of a fresh document
    rendered in English and in the language (no code-switching). Sampled with their own seeds, so
    the monolingual corpus is the same whatever the rate.
    """
    out: dict[str, list[tuple[str, str]]] = {}
    for lang, meta in EMBEDDED_LANGUAGES.items():
        if lang == "en":
            continue
        r = _rng(seed, GENERATOR_VERSION, "parallel", lang)
        pairs = []
        for _ in range(round(rate * _documents(meta, docs))):
            lf = r.choice(_document(r))
            pairs.append((realise(lf, "en"), realise(lf, lang)))
        out[lang] = pairs
    return out


def corpus_revision(seed: int = 0, docs: int = DEFAULT_CORPUS_DOCS, code_switch: float = CODE_SWITCH_RATE) -> str:
    payload = json.dumps({"v": GENERATOR_VERSION, "lexicon": _lexicon_fingerprint(), "seed": seed, "docs": docs,
                          "code_switch": code_switch, "languages": list(LANGUAGES)}, sort_keys=True)
    return "corpus-" + hashlib.sha256(payload.encode()).hexdigest()[:16]


def embedded_synonym_table() -> dict[str, list[str]]:
    """English word -> its synonyms in the embedded world (format of counterfitted_neighbors.json).

    Every English single-word form is a key (inflected forms too: plurals, past tenses), with the
    other forms of the same concept and inflection as neighbours ([] when it has none).
    """
    table: dict[str, list[str]] = {}

    def add(group: list[str]):
        group = [w for w in dict.fromkeys(group) if " " not in w]
        for w in group:
            neigh = table.setdefault(w, [])
            for other in group:
                if other != w and other not in neigh:
                    neigh.append(other)

    for key, info in sorted(_concepts().items()):
        forms = info["en"]
        if info["pos"] == "noun":
            add(forms)
            add([_en_plural(f) for f in forms])
        elif info["pos"] == "verb":
            add([f.split("/")[0] for f in forms])
            add([f.split("/")[1] for f in forms])
        else:
            add(forms)
    return table
