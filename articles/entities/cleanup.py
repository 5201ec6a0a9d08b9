"""What a recogniser's span may be: a name, trimmed to its words, never a number.

``clean(text, start, end, kind)`` takes one span a recogniser found and returns the spans
of names in it (usually one, sometimes none or two), each as ``(start, end, kind)``:

- punctuation, brackets and list dashes around the name go ("- Elon Musk", "<Camco Inc>",
  "Trump]."), as do a leading "the", a trailing possessive "'s" and, for people,
  organisations and places, a score after the name ("Bochum 2") or a clock time before it
  ("01:45 Heysham"), and for other names (events) a year before it ("2026 Masters");
- what is left must have a letter and must not be an amount ("107bn", "$5m", "4,161.0");
  in Arabic script a number before words is a quantity ("۳ نفر", three people; "14 رشته",
  14 fields), never a name, where Latin "3 Series" keeps its number;
- a one-word name that is a function word of its language ("التي", which; "قام", did;
  "the"; see ``is_function_word``) is none;
- a span running over a paragraph break, a whole line, a bracket, a spaced dash or the end
  of a sentence is two names ("Trump].Zelensky", 'BBC."We', "SOCCER - JAPAN"), and
  so is a person's name glued to the next ("Brooke RollinsRollins", "Marty MakaryTrump"),
  as text scraped without paragraph separators has them; "McDonald", "DeSantis" stay whole;
- a single word for a group of people ("Americans", "Republicans", "Irish") is of the kind
  "group", not a person, organisation or place.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

from articles.language import NAME_PARTICLES
from articles.search.analysis import normalise_persian_arabic

_ARABIC_SCRIPT = re.compile(r"[\u0600-\u06ff\u0750-\u077f]")
# Quotation marks, brackets, dashes, bullets and the like around a name; an Arabic-script
# word's last vowel mark ("سابقاً") is part of it.
_EDGE_PUNCTUATION = re.compile(r"^[^\w$\u00a3\u20ac]+|[^\w.\u064b-\u065f\u0670]+$")
_LEADING_ARTICLE = re.compile(r"^(?:the|The|THE)\s+(?=\S)")
_POSSESSIVE = re.compile(r"['\u2019][sS]$")
# Clock times or numbers before a name: "01:45 Heysham", "2 Leeds", "36 5363 System Unit".
_LEADING_NUMBER = re.compile(r"^(?:\d[\d.,:]*\s+)+(?=[^\W\d_])")
# A score after a team's name: a number up to 20 without a leading zero ("Schalke 04" and
# "Hannover 96" are names); or a year or date after a dateline's place ("Milan 1996-08-30").
_TRAILING_SCORE = re.compile(r"\s+(?:1?\d|20|\d{4}(?:[-/.]\d{1,2}){0,2})$")
# An amount and what it counts: "440bn rupees", "$5m deal".
_AMOUNT_PHRASE = re.compile(
    r"^[$\u00a3\u20ac\u00a5]?\d[\d.,]*\s?(?:bn|m|mn|tn|k|billion|million|trillion)\b",
    re.IGNORECASE,
)
# A year before an event's name: "2026 Masters" is the Masters (of 2026), as "2022 World Cup".
_LEADING_YEAR = re.compile(r"^(?:1[89]|20)\d\d\s+(?=[^\W\d_])")
# A number and a unit: a quantity or a duration, not a name ("60 Minutes", "3 Days",
# "12 Percent" in a headline's capitals).
_QUANTITY = re.compile(
    r"^[$\u00a3\u20ac\u00a5]?\d[\d.,]*\s+(?:seconds?|minutes?|hours?|days?|weeks?|months?|"
    r"years?|decades?|centuries|per\s?cent|percent|points?|pounds|dollars|euros|yen|yuan|"
    r"rupees|francs|marks|roubles|rubles|pesos|dinars|riyals|rials|tomans|miles?|"
    r"kilomet(?:re|er)s?|km|tonnes?|tons?|barrels?|shares?)$",
    re.IGNORECASE,
)
_TRAILING_NUMBER = re.compile(r"\s+\d[\d.,/-]*$")
_LEADING_LOWER = re.compile(r"^([a-z]+)\s+(?=[A-Z])")
# Amounts, numbers, times, temperatures: "107bn", "4,161.0", "$5m", "63.7", "1990s", "3pm",
# "10 \u00b0C".
_AMOUNT = re.compile(
    r"^[$\u00a3\u20ac\u00a5]?\s?\d[\d.,:/-]*\s?"
    r"(?:bn|m|mn|k|tn|pc|%|s|am|pm|st|nd|rd|th|billion|million|thousand|\u00b0\s?[cfk]?)?\.?$",
    re.IGNORECASE,
)
# Where one name ends and the next begins inside a span: a paragraph break, a bracket, a
# bar or slash, a colon or semicolon (with what surrounds them).
_SEPARATOR = re.compile(
    r"\s*(?:\n\s*\n|[\[\](){}<>|/;:\u2022]+[.,]*|(?<=\s)[-\u2013\u2014](?=\s)"
    # the end of one sentence glued to the next: 'BBC."We', 'AfD.An', "mean?\"I'm"
    r"|[.!?]+[\"\u201d\u2019']+|(?<=[a-z]{2}|[A-Z]{2})[.!?]+(?=[A-Z][a-z]))\s*"
)
# A lower-case letter followed by a capital inside one word: the seam of two glued names.
_SEAM = re.compile(r"(?<=[a-z\u00df-\u00ff])(?=[A-Z][a-z]|[A-Z]{2})")
# Beginnings after which a capital inside a surname is part of it (McDonald, DeSantis).
_NAME_PREFIXES = frozenset(
    [
        "mc",
        "mac",
        "de",
        "di",
        "da",
        "du",
        "la",
        "le",
        "van",
        "von",
        "fitz",
        "del",
        "della",
        "al",
        "el",
        "ben",
        "bin",
        "abu",
        "st",
    ]
)
# One word for a group of people: members of a nation, party or movement.
_GROUP_WORD = re.compile(r"^[A-Z][a-z]+$")
_PEOPLE_SUFFIXES = ("ians", "eans", "cans", "ists", "ites", "crats")
_ADJECTIVE_SUFFIXES = ("ese", "ish")

KINDS_WITH_NAMES = ("person", "organisation", "place")
# Blessings abbreviated in brackets after a name in Persian and Arabic: "امام خمینی(ره)",
# "امام علی (ع)", "پیامبر (ص)"; the bracket cuts them off, and they are no name.
_HONORIFICS = frozenset(["ره", "ع", "ص", "س", "عج", "رض", "قده"])
_BLESSING = re.compile(r"\s*[(\[]\s*(?:" + "|".join(_HONORIFICS) + r")\s*[)\]]$")


def clean(text: str, start: int, end: int, kind: str) -> list[tuple[int, int, str]]:
    """The names in ``text[start:end]``, a span a recogniser gave ``kind``, as
    ``(start, end, kind)`` triples in order (see the module's description)."""
    result = []
    for part_start, part_end in _pieces(text, start, end, kind):
        part_start, part_end = _trim(text, part_start, part_end, kind)
        name = text[part_start:part_end]
        if not is_name(name) or normalise_persian_arabic(name) in _HONORIFICS:
            continue
        result.append((part_start, part_end, group_kind(name, kind)))
    return result


def is_name(name: str) -> bool:
    """Whether ``name`` can name an entity: it has a letter, is more than one character and
    is not an amount, number, quantity or time; in Arabic script it does not begin with a
    number (Persian, Arabic or Latin digits): "۳ نفر", "14 رشته" count, they name nothing."""
    return (
        len(name) > 1
        and any(c.isalpha() for c in name)
        and _AMOUNT.match(name) is None
        and _AMOUNT_PHRASE.match(name) is None
        and _QUANTITY.match(name) is None
        and name[:1].isalnum()
        and not (name[:1].isdigit() and _ARABIC_SCRIPT.search(name))
    )


# Function words spaCy's lists lack, for the languages of the archive's Arabic-script text.
# Arabic: verbs that open a news report's sentence ("قام", did; "أكد", stressed; "أضاف",
# added) and the phrases that introduce who was there ("بحضور", in the presence of;
# "برئاسة", headed by), which the rules after a title or before a name took for people in
# the Kurdistan corpus; spaCy's list has "قال" and "كان" but none of these. Sorani Kurdish
# (written in Arabic script, language "ckb" or "ku") has no list in spaCy at all: its
# prepositions, conjunctions and pronouns.
_MORE_FUNCTION_WORDS = {
    "ar": "قام قامت أكد أكدت أضاف أضافت أوضح أوضحت ذكر ذكرت أعرب أعربت أشار أشارت افتتح "
    "استقبل رحب حضر ضم بحضور برئاسة رفقة منهم بينهم",
    "ckb": "لە بۆ بە و کە ئەو ئەم ئەوە ئەمە لەگەڵ لەسەر لەناو لەلایەن دوای پێش هەروەها هەر "
    "من تۆ ئێمە ئەوان بوو دەکات کرد",
}
# Words of spaCy's lists that are names as well: "علي" is the given name Ali (the
# preposition "on" is written "على"); "May" and "Will" are an English surname and given name.
_NAMES_TOO = {"ar": {"علي"}, "en": {"may", "will"}}


@cache
def _function_words(language: str) -> frozenset[str]:
    """The function words of ``language`` ("en", "fa", "ar" or "ckb"), folded as
    ``_fold`` folds a name; spaCy's stop-word lists (imported here, on first use: the
    package takes a second to import) and ``_MORE_FUNCTION_WORDS``."""
    if language == "en":
        from spacy.lang.en.stop_words import STOP_WORDS
    elif language == "fa":
        from spacy.lang.fa.stop_words import STOP_WORDS
    elif language == "ar":
        from spacy.lang.ar.stop_words import STOP_WORDS
    else:
        STOP_WORDS = set()  # noqa: N806
    words = set(STOP_WORDS) | set(_MORE_FUNCTION_WORDS.get(language, "").split())
    return frozenset(_fold(w, language) for w in words - _NAMES_TOO.get(language, set()))


def _fold(word: str, language: str) -> str:
    # Persian text is often typed with Arabic letters ("كيف" for "کیف", Kyiv): folded. In
    # Arabic "على" (on) and "علي" (Ali) differ by those letters only: kept as written.
    if language == "fa":
        return normalise_persian_arabic(word)
    return word.casefold()


def function_word_language(name: str, language: str = "") -> str:
    """Whose function words ``name`` is compared with (see ``is_function_word``): the
    language given, "ckb" for any Kurdish; when none is given, "fa" for Arabic script (the
    archive's main language in that script) and "en" for any other."""
    language = language.split("-")[0].lower()
    if language in ("ku", "ckb"):
        return "ckb"
    if language:
        return language
    return "fa" if _ARABIC_SCRIPT.search(name) else "en"


def surnames_in(names: Iterable[tuple[str, str]]) -> frozenset[str]:
    """The last words of the fuller names of people among ``(name, kind)`` pairs, as
    ``is_function_word`` compares them: a text naming "حسین کامل" shows that "کامل"
    (complete) is a surname there."""
    return frozenset(
        _surname_key(name.split()[-1])
        for name, kind in names
        if kind == "person" and len(name.split()) > 1
    )


def _surname_key(word: str) -> str:
    return normalise_persian_arabic(word).casefold()


def is_function_word(
    name: str,
    language: str = "",
    surnames: frozenset[str] = frozenset(),
    *,
    opens_sentence: bool = False,
) -> bool:
    """Whether ``name`` is one word that is a function word (a stop word) of ``language``,
    so no name: "the", "which" ("التي"), "did" ("قام"), "way" ("راه"). Arabic words may
    carry the conjunction "و" (and): "وقال", and said. A word among ``surnames`` (the
    text's own: ``surnames_in``) is that person's name. In English, where names are
    written with a capital, a capitalised word is a function word only where it
    ``opens_sentence`` ("Now, it's…"), not inside one ("retailers like Next"), and words
    in capitals are acronyms ("WHO", "US"). Languages without a list have none."""
    if len(name.split()) != 1 or _surname_key(name) in surnames:
        return False
    language = function_word_language(name, language)
    if language == "en" and not name.islower() and (name.isupper() or not opens_sentence):
        return False
    words = _function_words(language)
    folded = _fold(name, language)
    if folded in words:
        return True
    return language == "ar" and folded.startswith("و") and folded[1:] in words


# What may stand between the end of a sentence and the next one's first word.
_SENTENCE_END = re.compile(r"(?:^|[.!?:;\n])[\s\"'\u2018\u2019\u201c\u201d(\[-]*$")


def opens_sentence(text: str, start: int) -> bool:
    """Whether the word at ``text[start]`` is the first of a sentence, a line or the text."""
    return _SENTENCE_END.search(text, max(0, start - 20), start) is not None


def group_kind(name: str, kind: str) -> str:
    """ "group" for a one-word name of a group of people ("Republicans", "Irish") given one of
    the name kinds, else ``kind``."""
    if kind not in KINDS_WITH_NAMES or " " in name or len(name) < 5:
        return kind
    if not _GROUP_WORD.match(name):
        return kind
    lower = name.lower()
    if lower.endswith(_PEOPLE_SUFFIXES):
        return "group"
    if lower.endswith(_ADJECTIVE_SUFFIXES) and kind != "person":
        return "group"
    return kind


def _pieces(text: str, start: int, end: int, kind: str) -> list[tuple[int, int]]:
    cuts = [start]
    for match in _SEPARATOR.finditer(text, start, end):
        if match.start() > cuts[-1]:
            cuts += [match.start(), match.end()]
    cuts.append(end)
    pieces = [(a, b) for a, b in zip(cuts[::2], cuts[1::2], strict=True) if a < b]
    pieces = [piece for a, b in pieces for piece in _lines(text, a, b, start)]
    if kind != "person":
        return pieces
    glued = []
    for a, b in pieces:
        if not any(c.isspace() for c in text[a:b].strip()):
            # One word is one name: "SanDisk", "ChemLawn" read as people stay whole; the
            # glued names are a full name run into the next ("Ada LovelaceBabbage").
            glued.append((a, b))
            continue
        seams = [m.start() for m in _SEAM.finditer(text, a, b) if not _prefix_of_name(text, a, m)]
        for seam in seams:
            glued.append((a, seam))
            a = seam
        glued.append((a, b))
    return glued


def _lines(text: str, start: int, end: int, span_start: int) -> list[tuple[int, int]]:
    """``text[start:end]``, part of a span beginning at ``span_start``, cut at each line
    break after a line the span covers whole: a headline or a dateline is not the start of
    a name that goes on in the next line (a name broken over two lines in running text
    starts within its first line, and stays whole)."""
    pieces = []
    while (newline := text.find("\n", start, end)) != -1:
        if span_start > text.rfind("\n", 0, start) + 1:
            break
        pieces.append((start, newline))
        start = newline + 1
    pieces.append((start, end))
    return pieces


def _prefix_of_name(text: str, start: int, seam: re.Match) -> bool:
    """Whether the letters before ``seam`` in its word are a name prefix such as "Mc"."""
    word_start = seam.start()
    while word_start > start and text[word_start - 1].isalpha():
        word_start -= 1
    prefix = text[word_start : seam.start()]
    return prefix.lower() in _NAME_PREFIXES or len(prefix) <= 2


def _trim(text: str, start: int, end: int, kind: str) -> tuple[int, int]:
    previous = None
    while previous != (start, end) and start < end:
        previous = (start, end)
        name = text[start:end]
        if match := _EDGE_PUNCTUATION.search(name):
            if match.start() == 0:
                start += match.end()
            else:
                end = start + match.start()
            continue
        if match := _LEADING_ARTICLE.match(name):
            start += match.end()
            continue
        if (match := _POSSESSIVE.search(name)) and match.start() > 0:
            end = start + match.start()
            continue
        if kind == "person":
            # No number ends a person's name ("T. Moody 6-82"), no lower-case word but a
            # particle begins one ("st Kaluwitharana", a scorecard's "stumped").
            if match := _TRAILING_NUMBER.search(name):
                end = start + match.start()
                continue
            if (match := _LEADING_LOWER.match(name)) and match.group(1) not in NAME_PARTICLES:
                start += match.end()
                continue
        if kind == "other" and (match := _LEADING_YEAR.match(name)):
            start += match.end()
            continue
        if kind in KINDS_WITH_NAMES:
            if _QUANTITY.match(name):
                break  # "90 Minutes" is a duration, not "Minutes"
            if match := _TRAILING_SCORE.search(name):
                end = start + match.start()
        # In Arabic script the number stays, and ``is_name`` refuses the quantity. A group
        # is named by its word alone ("45.678 European" in a results table).
        if (
            kind in (*KINDS_WITH_NAMES, "group")
            and (match := _LEADING_NUMBER.match(name))
            and not _ARABIC_SCRIPT.search(name)
        ):
            start += match.end()
            continue
    return start, end


# A keyword made of everyday words only is a topic ("اقتصاد", "بازار سرمایه", "economy").
_TOPIC_ZIPF = 4.5


def source_entity(
    name: str, kind: str, language: str = "", surnames: frozenset[str] = frozenset()
) -> tuple[str, str] | None:
    """What a source's own tag (a reader's ``EntityRef``) names, as ``(name, kind)``, or None
    for a tag that names nothing: punctuation around it goes ("؛ ارشاد"), and it must pass
    ``is_name`` and be no function word of ``language`` (the article's; by default told by
    the script) but one of ``surnames`` (``is_function_word``). A keyword of kind "other",
    which sites use for topics as much as for names, must also be a name: in Arabic script
    one the Persian rules find whole (then of their kind: "خبرگزاری فارس" an organisation)
    or not made of everyday words only ("اقتصاد", economy, is a topic), and not a headline
    (ending with a verb); in other scripts one with a capital letter."""
    name = " ".join(_EDGE_PUNCTUATION.sub("", _BLESSING.sub("", name.strip())).split())
    if not is_name(name) or is_function_word(name, language, surnames):
        return None
    if kind != "other":
        return name, kind
    if _ARABIC_SCRIPT.search(name) is None:
        return (name, kind) if any(c.isupper() for c in name) else None
    # Here, not at the top: the Persian reader imports the package, which imports this.
    from articles.entities import persian

    words = normalise_persian_arabic(name).split()
    if words[-1] in persian.LIGHT_VERBS:
        return None  # a headline as a keyword: "… افتتاح شد" (``is_name``: "۸ پروژه …")
    spans = persian.find(name)
    if len(spans) == 1 and (spans[0].start, spans[0].end) == (0, len(name)):
        return name, spans[0].kind
    from wordfreq import zipf_frequency  # on first use: 1.4 s to import

    if all(zipf_frequency(word, "fa") >= _TOPIC_ZIPF for word in name.split()):
        return None
    return name, kind
