"""Facts about written language that importing, entity finding, search and citations share:
which language and which script a text is in, and the small words that belong to names.

Pure functions of strings, no Django: every layer may import this module, and it imports
nothing of the archive's.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from functools import lru_cache

from langdetect import DetectorFactory, detect
from langdetect.lang_detect_exception import LangDetectException

# Lower-case words that belong to a name ("de Silva", "van Gogh", "al Assad", "bin Salman",
# "Ludwig van Beethoven"): a name may begin with one, a capitalised name may hold one, and
# before a family name it is part of the family name.
NAME_PARTICLES = frozenset(
    {
        "abu",
        "al",
        "ben",
        "bin",
        "da",
        "das",
        "de",
        "del",
        "della",
        "den",
        "der",
        "des",
        "di",
        "dos",
        "du",
        "el",
        "ibn",
        "la",
        "le",
        "ten",
        "ter",
        "van",
        "von",
    }
)


def detect_language(text: str) -> str:
    """The ISO 639-1 code of the language ``text`` is written in, "" if it cannot be told.

    Uses langdetect with a fixed seed, so the same text always gets the same answer. Expects
    running text of at least a sentence; very short strings are unreliable.
    """
    # langdetect is random by default; the fixed seed makes imports repeatable.
    DetectorFactory.seed = 0
    try:
        code = detect(text)
    except LangDetectException:
        return ""
    # langdetect says "zh-cn"/"zh-tw"; the archive stores the ISO 639-1 part.
    return code.split("-", 1)[0]


@lru_cache(maxsize=4096)
def script_of(char: str) -> str:
    """The script of one character as Unicode names it ("LATIN", "ARABIC", "CYRILLIC", ...).

    Returns "" for anything that is not a letter (digits, punctuation, spaces).
    """
    if not char.isalpha():
        return ""
    name = unicodedata.name(char, "")
    return name.split(" ", 1)[0]


def script_counts(text: str) -> Counter[str]:
    """How many letters of each script ``text`` has."""
    if text.isascii():  # most lines of most dumps: no need to name each letter's script
        letters = sum(map(str.isalpha, text))
        return Counter({"LATIN": letters}) if letters else Counter()
    return Counter(script for script in map(script_of, text) if script)


def main_script(text: str) -> str:
    """The script most letters of ``text`` are written in, or "" if it has no letters."""
    counts = script_counts(text)
    return counts.most_common(1)[0][0] if counts else ""


@lru_cache(maxsize=16384)
def word_script(word: str) -> str:
    """The script most letters of one word are in ("" for a number or punctuation)."""
    return main_script(word)
