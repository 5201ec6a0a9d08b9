"""What one piece of a header says: a date, the names of a byline, a section label, the
publication a domain belongs to. Pure functions of strings; the
header reader (``articles.ingest.header``) decides which line is which.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from articles.ingest.jalali import jalali_to_gregorian
from articles.language import word_script

# A date line holds the date and little else ("Thursday, 5 September 2019").
MAX_DATE_LINE_WORDS = 6
# A bilingual section label is a few words in each script.
MAX_SECTION_WORDS = 5


@dataclass(frozen=True)
class Publication:
    """A publication as the archive names it, found from the site's domain."""

    name: str
    homepage: str
    language: str = ""  # the language it mostly publishes in, ISO 639-1


# Sites whose dumps we import, by domain without "www.".
KNOWN_PUBLICATIONS = {
    "afgazad.com": Publication("Afghanistan Azad", "https://www.afgazad.com", "fa"),
    "wsws.org": Publication("World Socialist Web Site", "https://www.wsws.org", "en"),
}

# Second-level labels under a country code ("bbc.co.uk"): the name is the label before them.
_SECOND_LEVEL_LABELS = frozenset({"ac", "co", "com", "edu", "gov", "net", "org"})

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>\d{4})"
# Each pattern names its groups day, month and year; numeric months stay digits.
_DATE_PATTERNS = (
    re.compile(r"\b(?P<year>\d{4})[-/.](?P<month>\d{1,2})[-/.](?P<day>\d{1,2})\b"),
    re.compile(r"\b(?P<day>\d{1,2})[./-](?P<month>\d{1,2})[./-](?P<year>\d{4})\b"),
    re.compile(rf"\b{_MONTH}\s+{_DAY},?\s+{_YEAR}\b", re.IGNORECASE),
    re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}\b", re.IGNORECASE),
)

# Solar Hijri (Jalali) months as Persian sources write them ("۱۴ شهریور ۱۳۹۸").
_JALALI_MONTHS = {
    name: number
    for number, name in enumerate(
        (
            "فروردین",
            "اردیبهشت",
            "خرداد",
            "تیر",
            "مرداد",
            "شهریور",
            "مهر",
            "آبان",
            "آذر",
            "دی",
            "بهمن",
            "اسفند",
        ),
        start=1,
    )
}
_JALALI_PATTERN = re.compile(
    r"(?P<day>\d{1,2})\s+(?P<month>" + "|".join(_JALALI_MONTHS) + r")\s+(?P<year>1[34]\d\d)"
)
# Persian and Arabic-Indic digits, read as the digits they are.
_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")
# Years this low in a modern news date are Solar Hijri years (1300 SH = 1921).
_JALALI_YEARS = range(1300, 1500)

_BYLINE = re.compile(r"by\s+(?P<names>[^\W\d_].*)", re.IGNORECASE)
_AUTHOR_SEPARATORS = re.compile(r"\s*,\s*(?:and\s+)?|\s+and\s+|\s*&\s*", re.IGNORECASE)
# A byline names a few people; a line starting "By" with more words is a sentence.
MAX_BYLINE_WORDS = 12
_SECTION_PREFIX = re.compile(r"(?:section|category|rubric)\s*:\s*(?P<name>.+)", re.IGNORECASE)


def parse_date(text: str) -> dt.date | None:
    """The first calendar date written in ``text``, or None.

    Understands "05.09.2019", "05/09/2019" and "05-09-2019" (always day first, as the
    European and Afghan sources write them), ISO "2019-09-05", "September 5, 2019",
    "Sept. 5 2019" and "5 September 2019" / "5th of September, 2019". Persian sources'
    Solar Hijri dates ("1398/06/14", "۱۴ شهریور ۱۳۹۸", in Persian or Latin digits) are
    converted to the Gregorian calendar. Impossible dates ("31.02.2019") are skipped.
    """
    text = text.translate(_DIGITS)
    found: list[tuple[int, dt.date]] = []
    for pattern in (*_DATE_PATTERNS, _JALALI_PATTERN):
        for match in pattern.finditer(text):
            month = match["month"]
            if month.isdigit():
                month_number = int(month)
            else:
                month_number = _MONTHS.get(month.lower()) or _JALALI_MONTHS[month]
            year, day = int(match["year"]), int(match["day"])
            try:
                if year in _JALALI_YEARS:
                    date = jalali_to_gregorian(year, month_number, day)
                else:
                    date = dt.date(year, month_number, day)
            except ValueError:
                continue
            found.append((match.start(), date))
    return min(found)[1] if found else None


def parse_authors(byline: str) -> list[str]:
    """The names in a byline: "By X", "By X and Y", "By X, Y and Z" (also "X, Y, and Z",
    "X & Y"). Expects one stripped line; returns [] if it is not a byline. Text from the first
    digit on (a date printed on the same line) is ignored."""
    match = _BYLINE.fullmatch(byline.strip())
    if not match:
        return []
    names = re.split(r"\d", match["names"], maxsplit=1)[0]
    authors = (name.strip(" .,;:-–—") for name in _AUTHOR_SEPARATORS.split(names))
    return [name for name in authors if name]


def split_names(names: str) -> list[str]:
    """The names in a list of names: "A, B and C", "A & B", "A, B, and C"."""
    return [name.strip() for name in _AUTHOR_SEPARATORS.split(names) if name.strip()]


def is_byline(line: str) -> bool:
    """Whether a stripped line is a byline: "By" and a few capitalised names."""
    authors = parse_authors(line)
    return (
        bool(authors)
        and len(line.split()) <= MAX_BYLINE_WORDS
        and all(not author[0].islower() for author in authors)
    )


def section_label(line: str, script: str) -> str:
    """The section a label line names, or "" if the line is not a section label.

    Expects one stripped header line and the article's main script. Recognises "Section: X"
    and bilingual labels of a few words in each script, such as
    "European Languages زبانهای اروپائی" in an English article, whose main-script part is the
    section ("European Languages").
    """
    prefixed = _SECTION_PREFIX.fullmatch(line)
    if prefixed:
        return prefixed["name"].strip()
    words = line.split()
    scripts = [word_script(word) for word in words]
    own = [word for word, word_of in zip(words, scripts, strict=True) if word_of == script]
    # Words of one letter are pieces a PDF's right-to-left text breaks into, not words.
    foreign = [
        s for word, s in zip(words, scripts, strict=True) if s not in ("", script) and len(word) > 1
    ]
    if own and foreign and len(own) <= MAX_SECTION_WORDS and len(foreign) <= MAX_SECTION_WORDS:
        return " ".join(own)
    return ""


def publication_from_domain(domain: str) -> Publication:
    """The publication a domain belongs to: from ``KNOWN_PUBLICATIONS``, else named after the
    domain ("www.kabul-times.com" → "Kabul Times", homepage "https://www.kabul-times.com",
    no default language)."""
    domain = domain.lower().strip()
    bare = domain.removeprefix("www.")
    if bare in KNOWN_PUBLICATIONS:
        return KNOWN_PUBLICATIONS[bare]
    labels = bare.split(".")
    if len(labels) >= 3 and labels[-2] in _SECOND_LEVEL_LABELS and len(labels[-1]) == 2:
        name_label = labels[-3]
    else:
        name_label = labels[-2] if len(labels) >= 2 else labels[0]
    words = [word for word in re.split(r"[-_]+", name_label) if word]
    # A lone short label is usually initials ("bbc"); anything else reads as words.
    if len(words) == 1 and len(words[0]) <= 3:
        name = words[0].upper()
    else:
        name = " ".join(word.capitalize() for word in words)
    return Publication(name=name, homepage=f"https://{domain}")
