"""The world every embedded language talks about: concepts with their English forms, and the facts.

People, jobs, cities and ages, a taxonomy (dog -> animal), adjectives grouped in dimensions whose
members exclude each other, needs and the actions that satisfy them, numeric facts (legs, wheels,
strings, prices). In the tables "|" separates English synonyms and "*" marks an international loanword.
"""

from __future__ import annotations

from functools import lru_cache

from repro.embedded.languages import LEXICON_SEED, derived_rng

CATEGORIES: dict[str, list[str]] = {
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
DIMS = {
    "size": ["big", "small"], "speed": ["fast", "slow"], "price": ["cheap", "expensive"],
    "clean": ["clean", "dirty"], "age_a": ["old", "young"], "age_t": ["old", "new"],
    "temp": ["hot", "cold"], "colour_a": ["white", "black", "brown"],
    "colour_t": ["red", "blue", "green", "white", "black", "yellow"], "colour_f": ["red", "green", "yellow"],
}
CAT_DIMS = {
    "animal": ["size", "speed", "clean", "age_a", "colour_a"],
    "fruit": ["size", "colour_f"], "vegetable": ["size"],
    "vehicle": ["size", "speed", "price", "clean", "age_t", "colour_t"],
    "tool": ["size", "price", "clean", "age_t", "colour_t"],
    "instrument": ["size", "price", "age_t", "colour_t"],
    "garment": ["size", "price", "clean", "age_t", "colour_t"],
    "drink": ["temp"],
}
# states of a person; needs are states that an action satisfies
STATE_FORMS = {
    "hungry": "hungry|starving", "thirsty": "thirsty", "cold": "cold|freezing", "bored": "bored",
    "late": "late", "happy": "happy|glad|cheerful", "sad": "sad|unhappy", "tired": "tired|sleepy",
}
NEEDS = {"hungry": ("eat", ("fruit", "vegetable")), "thirsty": ("drink", ("drink",)),
         "cold": ("wear", ("garment",)), "bored": ("play", ("instrument",)), "late": ("take", ("vehicle",))}
# verbs: English "base/past" forms, object categories
THING_VERBS = {
    "see": ("see/saw|spot/spotted", ("animal", "fruit", "vegetable", "vehicle", "tool", "instrument", "garment")),
    "buy": ("buy/bought|purchase/purchased",
            ("fruit", "vegetable", "vehicle", "tool", "instrument", "garment", "drink")),
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
PERSON_VERBS = {
    "help": "help/helped|assist/assisted", "call": "call/called|phone/phoned", "visit": "visit/visited",
    "follow": "follow/followed", "pay": "pay/paid", "thank": "thank/thanked", "invite": "invite/invited",
    "teach": "teach/taught",
}
_PRESENT_VERBS = {"have": "have/had", "cost": "cost/cost", "live": "live/lived"}
TIMES = {"yesterday": "yesterday", "today": "today", "morning": "in the morning", "evening": "in the evening"}
# numeric facts shared by every language (the world's "encyclopedia")
PARTS = {  # noun -> (part, count)
    "dog": ("leg", 4), "cat": ("leg", 4), "horse": ("leg", 4), "cow": ("leg", 4), "bird": ("leg", 2),
    "sheep": ("leg", 4), "goat": ("leg", 4), "rabbit": ("leg", 4), "duck": ("leg", 2), "pig": ("leg", 4),
    "car": ("wheel", 4), "bus": ("wheel", 6), "truck": ("wheel", 8), "bicycle": ("wheel", 2),
    "taxi": ("wheel", 4), "train": ("wheel", 9), "guitar": ("string", 6), "violin": ("string", 4),
}


def _split_forms(spec: str) -> tuple[list[str], bool]:
    loan = "*" in spec
    return [f.strip("*") for f in spec.split("|")], loan


@lru_cache(maxsize=1)
def concepts() -> dict:
    """Every concept: key -> dict(pos, en forms, loan flag, category...). Keys carry the POS."""
    c: dict[str, dict] = {}

    def add(key, pos, spec, **extra):
        forms, loan = _split_forms(spec)
        c[key] = {"pos": pos, "en": forms, "loan": loan, **extra}

    for cat, members in CATEGORIES.items():
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
    for k, spec in STATE_FORMS.items():
        add("s:" + k, "state", spec)
    for k, (spec, cats) in THING_VERBS.items():
        add("v:" + k, "verb", spec, objects=cats)
    for k, spec in PERSON_VERBS.items():
        add("v:" + k, "verb", spec, objects=("person",))
    for k, spec in _PRESENT_VERBS.items():
        add("v:" + k, "verb", spec, objects=())
    for k, spec in TIMES.items():
        add("t:" + k, "time", spec)
    return c


def places() -> list[str]:
    """The place concepts ("n:park", ...), in the order of the table."""
    return [k for k, v in concepts().items() if v.get("kind") == "place"]


def _professions() -> list[str]:
    return [k for k, v in concepts().items() if v.get("kind") == "profession"]


@lru_cache(maxsize=1)
def world_facts() -> dict:
    """Facts about the world, identical in every language (fixed, not sampled per seed)."""
    r = derived_rng(LEXICON_SEED, "world")
    people = {}
    profs, cities = _professions(), list(CITIES)
    for name in NAMES:
        people[name] = {"job": r.choice(profs), "city": r.choice(cities), "age": r.randint(19, 79)}
    prices = {k: r.randint(2, 99) for k, v in sorted(concepts().items()) if v.get("kind") == "thing"}
    return {"people": people, "prices": prices}


def category_members(cat: str) -> list[str]:
    """The concepts of a category ("animal" -> ["n:dog", "n:cat", ...]), in the order of the table."""
    return concepts()["n:" + cat]["members"]


def category_of(noun: str) -> str | None:
    """The category of a thing ("n:dog" -> "animal"); None for other nouns."""
    return concepts().get(noun, {}).get("category")


def thing_category(noun: str) -> str:
    """The category of a thing ("n:dog" -> "animal"), for nouns that must be things (event objects)."""
    cat = category_of(noun)
    if cat is None:
        raise ValueError(f"{noun!r} is not a thing; expected a member of a category such as 'n:dog'")
    return cat
