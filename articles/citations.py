"""Citations of an article: plain text for the page, BibTeX and RIS for reference managers.

The builders are pure: they take a ``Citation`` (what is cited, where it lives, when it was
retrieved) and return text. ``citation_for`` is the one place that reads an ``Article``.

Names are split into family and given names by a simple rule, because bylines carry a
name as written and nothing more:

- a name with a comma is taken as already "Family, Given";
- a name in a script other than Latin (Persian, Arabic…), a single word, or a byline like
  "Staff and agencies" is kept as written, since the Latin "last word is the surname"
  rule does not hold for it;
- otherwise the last word is the family name, together with any lower-case particles
  just before it ("van", "de", "al", "bin"…): "Ludwig van Beethoven" → "van Beethoven,
  Ludwig"; hyphenated particles stay with their word ("Bashar al-Assad" → "al-Assad,
  Bashar"). Suffixes such as "Jr." are not treated specially.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.utils.translation import get_language_info

from articles.language import NAME_PARTICLES, script_counts

if TYPE_CHECKING:
    from articles.models import Article

ARCHIVE_NAME = "NewsArchive"

# English month names, fixed here so that a citation does not depend on the server's locale.
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
BIBTEX_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


@dataclass(frozen=True)
class Name:
    family: str
    given: str = ""

    @property
    def as_written(self) -> bool:
        """A name not split into parts (see the module's docstring)."""
        return not self.given

    def inverted(self) -> str:
        """'Family, Given', or the name as written."""
        return f"{self.family}, {self.given}" if self.given else self.family

    def natural(self) -> str:
        """'Given Family', or the name as written."""
        return f"{self.given} {self.family}" if self.given else self.family


def split_name(name: str) -> Name:
    """Family and given names of a byline name, by the rule in the module's docstring."""
    name = " ".join(name.split())
    if "," in name:
        family, _, given = name.partition(",")
        return Name(family.strip(), given.strip())
    words = name.split(" ")
    if len(words) < 2 or "and" in words or not _is_latin(name):
        return Name(name)
    start = len(words) - 1
    while start > 1 and words[start - 1] in NAME_PARTICLES:
        start -= 1
    return Name(" ".join(words[start:]), " ".join(words[:start]))


def _is_latin(text: str) -> bool:
    return set(script_counts(text)) <= {"LATIN"}


@dataclass(frozen=True)
class Citation:
    title: str
    url: str  # the article's permalink, absolute
    retrieved: dt.date
    authors: list[str] = field(default_factory=list)  # names as written, in byline order
    publication: str = ""
    section: str = ""
    published_on: dt.date | None = None
    language: str = ""  # ISO 639 code
    summary: str = ""


def citation_for(article: Article, url: str, retrieved: dt.date) -> Citation:
    """What a citation of ``article`` needs; ``url`` is its absolute permalink."""
    return Citation(
        title=article.title,
        url=url,
        retrieved=retrieved,
        authors=[author.name for author in article.ordered_authors()],
        publication=article.publication.name if article.publication is not None else "",
        section=article.section.name if article.section is not None else "",
        published_on=article.published_on,
        language=article.language,
        summary=article.summary,
    )


def long_date(date: dt.date) -> str:
    return f"{date.day} {MONTHS[date.month - 1]} {date.year}"


# Plain text ------------------------------------------------------------------------------


def plain_text(citation: Citation) -> str:
    """A citation to read and copy, in the manner of Chicago's notes-bibliography style:

    Atesci, Ulas, and Nancy Thomas. “Title.” Publication, 5 September 2019. <url>.
    Retrieved from NewsArchive.
    """
    parts = []
    names = [split_name(author) for author in citation.authors]
    if names:
        listed = [names[0].inverted(), *(name.natural() for name in names[1:])]
        if len(listed) == 1:
            authors = listed[0]
        elif len(listed) == 2:
            authors = f"{listed[0]}, and {listed[1]}"
        else:
            authors = f"{', '.join(listed[:-1])}, and {listed[-1]}"
        parts.append(_sentence(_isolated(authors)))
    title = _one_line(citation.title)
    ending = "" if title.endswith(("?", "!", ".")) else "."
    parts.append(f"“{_isolated(title)}{ending}”")
    where = ", ".join(
        part
        for part in (
            _isolated(_one_line(citation.publication)),
            long_date(citation.published_on) if citation.published_on else "",
        )
        if part
    )
    if where:
        parts.append(_sentence(where))
    parts.append(f"{citation.url}.")
    parts.append(f"Retrieved from {ARCHIVE_NAME}.")
    return " ".join(parts)


def _isolated(text: str) -> str:
    """Right-to-left text (a Persian title, an Arabic name) between Unicode isolates, so
    that the Latin punctuation and words around it keep their order when displayed."""
    if any(unicodedata.bidirectional(char) in ("R", "AL") for char in text):
        return f"\u2068{text}\u2069"
    return text


def _sentence(text: str) -> str:
    return text if text.endswith((".", "?", "!")) else f"{text}."


def _one_line(text: str) -> str:
    return " ".join(text.split())


# BibTeX ----------------------------------------------------------------------------------

_BIBTEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "$": r"\$",
    "&": r"\&",
    "%": r"\%",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_BIBTEX_SPECIAL_RE = re.compile("|".join(re.escape(char) for char in _BIBTEX_SPECIAL))


def bibtex_escape(text: str) -> str:
    """``text`` safe inside a braced BibTeX field: TeX's special characters escaped, one line."""
    return _BIBTEX_SPECIAL_RE.sub(lambda m: _BIBTEX_SPECIAL[m.group()], _one_line(text))


def bibtex_name(name: str) -> str:
    """'Family, Given' for BibTeX; a name kept as written is braced, so that BibTeX
    neither splits it nor reads an 'and' inside it as a second author."""
    parts = split_name(name)
    if parts.as_written:
        return "{" + bibtex_escape(parts.family) + "}"
    return f"{bibtex_escape(parts.family)}, {bibtex_escape(parts.given)}"


def bibtex_key(citation: Citation) -> str:
    """A readable key: first author's family name, year, first word of the title
    (ASCII letters and digits only), e.g. 'atesci2019russia'."""
    family = split_name(citation.authors[0]).family if citation.authors else ""
    words = [_ascii_word(word) for word in citation.title.split()]
    first_word = next((word for word in words if word), "")
    year = str(citation.published_on.year) if citation.published_on else ""
    return (_ascii_word(family) or "newsarchive") + year + first_word


def _ascii_word(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", folded.lower())


def bibtex_url(url: str) -> str:
    r"""``url`` (ASCII, percent-encoded) for a BibTeX ``url`` field: ``%`` and ``#`` escaped.

    Unescaped, a ``%`` starts a comment for every client that decodes LaTeX (bibtexparser
    cut a Persian article's address at its first ``%D8``), and for LaTeX itself once classic
    BibTeX copies the field into the ``.bbl``; the url package prints ``\%`` and ``\#`` as
    ``%`` and ``#``. A URI holds no braces or backslashes, so nothing else needs escaping."""
    return url.replace("%", r"\%").replace("#", r"\#")


def bibtex(citation: Citation) -> str:
    """A BibTeX entry: ``@article`` in the publication as ``journal``, or ``@misc``
    when the publication is unknown. The title is double-braced so that styles keep
    its capitals; ``url`` as ``bibtex_url`` escapes it."""
    fields: list[tuple[str, str]] = []
    if citation.authors:
        names = " and ".join(bibtex_name(author) for author in citation.authors)
        fields.append(("author", "{" + names + "}"))
    fields.append(("title", "{{" + bibtex_escape(citation.title) + "}}"))
    if citation.publication:
        fields.append(("journal", "{" + bibtex_escape(citation.publication) + "}"))
    date = citation.published_on
    if date:
        fields.append(("year", "{" + str(date.year) + "}"))
        fields.append(("month", BIBTEX_MONTHS[date.month - 1]))
        fields.append(("day", "{" + str(date.day) + "}"))
    fields.append(("url", "{" + bibtex_url(citation.url) + "}"))
    fields.append(("urldate", "{" + citation.retrieved.isoformat() + "}"))
    fields.append(("note", "{Retrieved from " + ARCHIVE_NAME + "}"))
    kind = "article" if citation.publication else "misc"
    lines = [f"@{kind}{{{bibtex_key(citation)},"]
    lines += [f"  {name} = {value}," for name, value in fields]
    lines.append("}")
    return "\n".join(lines) + "\n"


# RIS -------------------------------------------------------------------------------------


def ris(citation: Citation) -> str:
    """A RIS record of type NEWS (one ``TAG  - value`` per line, CRLF line ends, values
    on one line as the format requires)."""
    lines = [("TY", "NEWS")]
    lines += [("AU", split_name(author).inverted()) for author in citation.authors]
    lines.append(("TI", citation.title))
    if citation.publication:
        lines.append(("T2", citation.publication))
    if citation.section:
        lines.append(("SE", citation.section))
    if citation.published_on:
        date = citation.published_on
        lines.append(("PY", str(date.year)))
        lines.append(("DA", f"{date:%Y/%m/%d}/"))
    if citation.summary:
        lines.append(("AB", citation.summary))
    lines.append(("UR", citation.url))
    lines.append(("Y2", f"{citation.retrieved:%Y/%m/%d}/"))
    if citation.language:
        lines.append(("LA", language_name(citation.language)))
    lines.append(("DB", ARCHIVE_NAME))
    lines.append(("ER", ""))
    return "".join(f"{tag}  - {_ris_value(value)}\r\n" for tag, value in lines)


def _ris_value(text: str) -> str:
    # A line break would start what a reader takes for a new tag; control characters
    # have no business in a record.
    return _one_line("".join(" " if unicodedata.category(c) == "Cc" else c for c in text))


def language_name(code: str) -> str:
    """'English' for 'en', 'Persian' for 'fa'; an unknown code as given."""
    try:
        return get_language_info(code)["name"]
    except KeyError:
        return code
