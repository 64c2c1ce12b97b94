"""Writing systems: Borovan in Cyrillic, Thelan in Greek, transliterated from their romanisation."""

from __future__ import annotations

from functools import lru_cache

_CYRILLIC = {"zh": "ж", "kh": "х", "ts": "ц", "ch": "ч", "sh": "ш", "a": "а", "b": "б", "v": "в", "g": "г",
             "d": "д", "e": "е", "z": "з", "i": "и", "k": "к", "l": "л", "m": "м", "n": "н", "o": "о",
             "p": "п", "r": "р", "s": "с", "t": "т", "u": "у", "f": "ф", "y": "ы", "c": "к", "h": "х",
             "j": "й", "q": "к", "w": "в", "x": "кс"}
_GREEK = {"th": "θ", "ph": "φ", "kh": "χ", "ps": "ψ", "ks": "ξ", "ch": "χ", "a": "α", "b": "μπ", "g": "γ",
          "d": "δ", "e": "ε", "z": "ζ", "i": "ι", "k": "κ", "l": "λ", "m": "μ", "n": "ν", "x": "ξ", "o": "ο",
          "p": "π", "r": "ρ", "s": "σ", "t": "τ", "u": "υ", "f": "φ", "v": "β", "c": "κ", "h": "χ",
          "j": "ι", "q": "κ", "w": "ου", "y": "ι"}
_SCRIPT_TABLES = {"bor": _CYRILLIC, "thl": _GREEK}
FOREIGN_MARK = "\x01"  # marks a code-switched English word: kept in Latin script when rendering


@lru_cache(maxsize=65536)
def to_script(lang: str, token: str) -> str:
    """A romanised token in the script of ``lang`` (unchanged for Latin-script languages and code-switched words)."""
    if token.startswith(FOREIGN_MARK):
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
