"""Reader for the Hamshahri2 sample (``shared/corpus/hamshahri2_sample_fa``), in Persian.

One tar.xz, ``HamshahriData.tar.xz``, holding ``HamshahriData/HamshahriCorpus/<year>/
HAM2-YYMMDD-NNN.ham``: plain UTF-8 text, the headline on line 1, then one paragraph per line.
There is no date, section or author field: ``YYMMDD`` in the file name is the Jalali date
13YY/MM/DD, and the rest is read from the text as the paper printed it.

What is made of each file:

- ``title`` and ``kicker``: line 1 is the headline, unless it is an over-line (see
  ``split_headline``); then it is the kicker and line 2 the headline;
- ``body``: the remaining lines, one paragraph each; the early files (winter 1381) that are
  hard-wrapped at about 80 columns are re-joined into paragraphs (see ``rejoin_wrapped``);
- ``section`` and ``authors``: from the desk credit that opens about a quarter of the stories
  ("گروه اقتصادي- …", "گروه ورزشي _ علي شاكري: …"), which names the paper's desk and
  sometimes the reporter; the credit is taken out of the body (see ``desk_credit``). Bylines
  printed on a line of their own are not told apart from subheadings and stay in the body;
- ``published``: the Jalali date in the file name, converted to Gregorian.

The text is left as written (Arabic yeh and kaf, no ZWNJ: search normalises them), except
that no-break spaces, which stand in for half-spaces and word gaps alike, become spaces, and
control characters are dropped (the 180 left-to-right marks stay: they steer display only).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

from articles.ingest.cleanup import ends_sentence, normalise_text, typical_line_width
from articles.ingest.files import archive_files, usable
from articles.ingest.jalali import jalali_to_gregorian
from articles.ingest.record import ArticleRecord, skip

logger = logging.getLogger(__name__)

FILE_NAME = "HamshahriData.tar.xz"
PUBLICATION = "Hamshahri"
PUBLICATION_URL = "https://www.hamshahrionline.ir"

_ARTICLE_NAME = re.compile(r"^HAM2-(?P<yy>\d{2})(?P<mm>\d{2})(?P<dd>\d{2})-\d+\.ham$")
# C0 and C1 controls other than the line feed (the text has a stray DEL).
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")

# A one-word rubric above the headline ("نگاه", "يادداشت", "تئاتر") is told from a one-word
# headline by what follows: a line no longer than this that does not end a sentence.
MAX_HEADLINE_WORDS = 12

# The paper's desks as its credits name them, with the English section names we use.
# Spaces inside a name are optional in the credits ("ادب وهنر", "علمي فرهنگي").
DESKS = {
    "اجتماعي": "Society",
    "اقتصادي": "Economy",
    "انديشه": "Ideas",
    "انفورماتيك": "Computing",
    "ادب و هنر": "Literature and Art",
    "بورس": "Stock Market",
    "بين الملل": "International",
    "حوادث": "Incidents",
    "دانش": "Science",
    "دانش و انفورماتيك": "Computing",
    "دانش و فن آوري": "Science and Technology",
    "دانش و فناوري": "Science and Technology",
    "سلامت": "Health",
    "سياسي": "Politics",
    "سياسي خارجي": "Foreign Policy",
    "شهرستانها": "Provinces",
    "شهري": "City",
    "علمي فرهنگي": "Science and Culture",
    "علمي و فرهنگي": "Science and Culture",
    "ورزشي": "Sport",
}
_DESK_KEYS = {re.sub(r"\s", "", name): label for name, label in DESKS.items()}
# "گروه <desk>[ _ <reporter>|، <reporter>]" then a dash, tatweel or colon. Longer desk names
# come first so that "سياسي خارجي" is not read as "سياسي".
_DESK_CREDIT = re.compile(
    r"^گروه\s+(?P<desk>"
    + "|".join(
        r"\s*".join(map(re.escape, name.split())) for name in sorted(DESKS, key=len, reverse=True)
    )
    + r")(?:\s*[_،]\s*(?P<reporter>[^\d\-–ـ:_،.]{3,40}?))?\s*[-–ـ:]\s*"
)
# A reporter's name in a credit is a few words.
MAX_REPORTER_WORDS = 4
# How many paragraphs into the body a desk credit may sit (after a subheading or a byline).
DESK_CREDIT_PARAGRAPHS = 3


def read(path: Path, limit: int | None = None) -> Iterator[ArticleRecord]:
    """Yield one ``ArticleRecord`` per ``.ham`` file in the tarball of the corpus folder ``path``.

    Files are read in archive order without unpacking the archive. Files that are not UTF-8
    or have no headline or no body are skipped with a warning; ``limit`` caps the number of
    records yielded.
    """
    files = archive_files(Path(path) / FILE_NAME, wanted=lambda name: name.endswith(".ham"))
    records = (parse_article(data, PurePosixPath(name).name) for name, data in files)
    return usable(records, limit)


def parse_article(data: bytes, file_name: str) -> ArticleRecord | None:
    """Turn one ``.ham`` file's bytes into a record; ``None`` (with a warning) if unusable.

    ``file_name`` is the file's own name (``HAM2-831012-017.ham``): it names the record and
    carries the date.
    """
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        skip(logger, file_name, f"not UTF-8 ({error})")
        return None
    lines = _CONTROL.sub("", normalise_text(text)).split("\n")
    kicker, title, rest = split_headline(lines)
    paragraphs = rejoin_wrapped(rest)
    section, authors, paragraphs = desk_credit(paragraphs)
    body = "\n\n".join(paragraphs)
    if not title or not body:
        skip(logger, file_name, "no headline or no body")
        return None
    return ArticleRecord(
        title=title,
        body=body,
        raw_text=text,
        authors=authors,
        published=date_from_name(file_name),
        publication=PUBLICATION,
        publication_url=PUBLICATION_URL,
        section=section,
        language="fa",
        kicker=kicker,
        source_name=file_name,
    )


def date_from_name(file_name: str) -> dt.date | None:
    """``HAM2-831012-017.ham`` → 2005-01-01 (Jalali 1383/10/12); ``None`` with a warning for
    names without a date or dates that do not exist."""
    match = _ARTICLE_NAME.match(file_name)
    if match is None:
        logger.warning("%s: no date in the file name", file_name)
        return None
    try:
        return jalali_to_gregorian(1300 + int(match["yy"]), int(match["mm"]), int(match["dd"]))
    except ValueError:
        logger.warning("%s: the date in the file name does not exist", file_name)
        return None


def split_headline(lines: list[str]) -> tuple[str, str, list[str]]:
    """Split the lines of a file into ``(kicker, headline, remaining lines)``.

    Line 1 is the headline unless it is an over-line: a line ending in a colon (the speaker
    of a quoted headline, "معاون سازمان ميراث فرهنگي و گردشگري:"), or a single word (a
    column's rubric: "نگاه", "يادداشت") followed by a headline-length line that does not end
    a sentence. Either needs a body below the headline: a file of two lines ("توضيح:" and a
    paragraph) is headline and body. Blank lines before the headline are ignored.
    """
    text_lines = [line for line in lines if line.strip()]
    if not text_lines:
        return "", "", []
    first = text_lines[0]
    start = lines.index(first)
    if len(text_lines) >= 3:  # an over-line needs a headline and a body below it
        second = text_lines[1]
        rubric = (
            len(first.split()) == 1
            and len(second.split()) <= MAX_HEADLINE_WORDS
            and not ends_sentence(second)
        )
        if first.endswith(":") or rubric:
            return first, second, lines[lines.index(second, start + 1) + 1 :]
    return "", first, lines[start + 1 :]


def rejoin_wrapped(lines: list[str]) -> list[str]:
    """The paragraphs of the body lines: one per line, or re-joined if the file is hard-wrapped.

    A hard-wrapped file (the paper's early electronic edition) has lines of at most about 85
    characters, most of them near that width and not ending a sentence. In one, a paragraph
    ends at a blank line, after a line that ends a sentence (or a colon) well short of the
    width, and after any line shorter than half the width (a byline or a subheading, as
    wrapped text only runs short at a paragraph's end); lines are joined with a space
    (Persian is not hyphenated).
    """
    text_lines = [line for line in lines if line]
    if not _is_hard_wrapped(text_lines):
        return text_lines
    width = typical_line_width(text_lines)
    paragraphs: list[str] = []
    current: list[str] = []
    for line in lines:
        if line:
            current.append(line)
        short = len(line) < width / 2 or (_ends_paragraph(line) and len(line) < width - 10)
        if current and (not line or short):
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    return paragraphs


def _ends_paragraph(line: str) -> bool:
    return ends_sentence(line) or line.endswith(":")


def _is_hard_wrapped(lines: list[str]) -> bool:
    if len(lines) < 3:
        return False
    width = typical_line_width(lines)
    if not 60 <= width <= 100:
        return False
    full = [line for line in lines if len(line) >= width - 20]
    running_on = [line for line in full if not _ends_paragraph(line)]
    return len(full) >= 0.4 * len(lines) and len(running_on) >= 0.6 * len(full)


def desk_credit(paragraphs: list[str]) -> tuple[str, list[str], list[str]]:
    """Find the desk credit opening one of the first paragraphs: ``(section, authors,
    paragraphs without the credit)``.

    "گروه شهري- نايب رئيس …" gives ``("City", [], ["نايب رئيس …", …])``; "گروه ورزشي _ علي
    شاكري: …" also gives the reporter. Desks not in ``DESKS`` are not taken for a credit
    ("گروه علم و دين مركز …" is a sentence about some other group); then the section is
    ``""`` and the paragraphs are unchanged.
    """
    for index, paragraph in enumerate(paragraphs[:DESK_CREDIT_PARAGRAPHS]):
        match = _DESK_CREDIT.match(paragraph)
        if match is None:
            continue
        section = _DESK_KEYS[re.sub(r"\s", "", match["desk"])]
        reporter = (match["reporter"] or "").strip()
        authors = [reporter] if reporter and len(reporter.split()) <= MAX_REPORTER_WORDS else []
        rest = paragraph[match.end() :].strip()
        remaining = paragraphs[:index] + ([rest] if rest else []) + paragraphs[index + 1 :]
        return section, authors, remaining
    return "", [], paragraphs
