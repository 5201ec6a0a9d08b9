"""The header reader: title, byline, date, section and publication from the top of the first
page of a typeset article, whatever its layout.

Every line of the header region is given a kind from its own features, the same for any
outlet: what it says (a date, "By" or "Author:" and names, "Section:" or "News > X", a label
in two scripts, an address), how it is printed (width against the body's lines, case, script,
whether it is the outlet's name printed again in the running headers or in the domain), and
where it stands (above or below the byline and date, right above the body). The title is then
the run of plain text lines that sits against the byline and date or right above the body,
with labels (a section) and mastheads (the outlet's name and the tagline under it) told apart.

``read_header`` takes the article's lines (``articles.ingest.pages.Line``, furniture already
taken out) and the furniture lines (where the outlet's name is printed again), and gives a
``Header``: the fields, where the body starts, and the doubts worth an editor's look.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from articles.ingest import metadata
from articles.ingest.cleanup import (
    ends_sentence,
    is_banner_line,
    is_page_number,
    is_site_line,
    join_lines,
    script_counts,
    typical_line_width,
)
from articles.ingest.pages import Line

SITE, BANNER, MASTHEAD, BYLINE, DATE, SECTION, TEXT = (
    "site",
    "banner",
    "masthead",
    "byline",
    "date",
    "section",
    "text",
)
# The header is read within the first lines of the article; the body has started by then.
HEADER_LINES = 30
MAX_TITLE_LINES = 3
# A line at least this share of the column's width is a full line of text.
WIDE_SHARE = 0.7
# A label (a section's name, a masthead) is a few capitalised words.
MAX_LABEL_WORDS = 4
MAX_LABEL_CHARS = 32
# Words that join the capitalised words of a label or a name.
_JOINERS = frozenset({"&", "and", "of", "the", "de", "van", "der", "von", "al", "bin", "da", "la"})
_WEB_ADDRESS = re.compile(r"(?:https?://)?(?:www\.)?((?:[\w-]+\.)+[a-z]{2,})(?:/\S*)?", re.I)
_DATE_CUE = re.compile(
    r"^(?:published|date|dated|posted|updated|first published|last updated)\b\s*(?:on|at)?\s*:?\s*",
    re.IGNORECASE,
)
_COPYRIGHT_NAME = re.compile(
    r"^(?:©|\(c\)|copyright)\s*(?:©\s*)?(?:\d{4}\s*)?(?P<name>.+?)"
    r"(?:\s+(?:ltd|inc|llc|plc|gmbh|limited)\.?)?(?:[.,]?\s*all rights reserved.*)?$",
    re.IGNORECASE,
)
_BROWSER_TITLE = re.compile(r".+\s[-|–—]\s(?P<name>[^-|–—]{2,40})$")
_STAMP = re.compile(r"\d{1,2}:\d{2}|^\d+\s*/\s*\d+$|\bpage\s+\d+", re.IGNORECASE)


@dataclass
class Header:
    """What the header says, where the body starts (an index into the lines given), and what
    the reader was unsure of (reasons for review, in words)."""

    title: str = ""
    authors: list[str] = field(default_factory=list)
    published: dt.date | None = None
    section: str = ""
    publication: str = ""
    publication_url: str = ""
    body_start: int = 0
    doubts: list[str] = field(default_factory=list)


def letters(text: str) -> str:
    """The letters and digits of ``text``, lower-cased, a leading "the" dropped: how two
    spellings of one name ("The Kabul Times", "KABUL TIMES", "kabultimes.af") are compared."""
    text = re.sub(r"^the\s+", "", text.strip(), flags=re.IGNORECASE)
    return "".join(char for char in text.lower() if char.isalnum())


def display_case(text: str) -> str:
    """A name printed in capitals in its usual case: words of four letters or more
    capitalised, shorter ones (initials such as "BBC", "UK") kept; mixed case is kept as is."""
    if not text.isupper():
        return text
    return " ".join(word.capitalize() if len(word) > 3 else word for word in text.split())


def domains(texts: list[str]) -> list[str]:
    """The web domains named in ``texts`` (no "www.", lower-cased), e-mail domains aside, in
    order of appearance."""
    found = []
    for text in texts:
        for token in text.split():
            if "@" in token:
                continue
            match = _WEB_ADDRESS.fullmatch(token.strip("()[]<>,;"))
            if match and not match[1].replace(".", "").isdigit():
                found.append(match[1].lower().removeprefix("www."))
    return list(dict.fromkeys(found))


def _domain_label(domain: str) -> str:
    labels = domain.split(".")
    if len(labels) >= 3 and len(labels[-1]) == 2 and len(labels[-2]) <= 3:
        return letters(labels[-3])
    return letters(labels[-2] if len(labels) >= 2 else labels[0])


def _name_candidates(furniture: list[Line]) -> list[str]:
    """Outlet names that furniture lines may print: each column without numbers and stamps,
    a copyright holder, the site a browser's print header names after a dash."""
    names = []
    for line in furniture:
        for part in line.columns or (line.text,):
            part = part.strip()
            if not part or _STAMP.search(part) or "@" in part or domains([part]):
                continue
            if is_page_number(part) or is_site_line(part):
                continue
            copyright_line = _COPYRIGHT_NAME.match(part)
            if copyright_line:
                names.append(copyright_line["name"].strip(" .,"))
                continue
            browser = _BROWSER_TITLE.match(part)
            if browser:
                names.append(browser["name"].strip())
                continue
            if part.endswith(("…", "...")) or len(part.split()) > MAX_LABEL_WORDS + 1:
                continue
            names.append(part)
    return [name for name in names if letters(name)]


def choose_publication(furniture: list[Line], header_lines: list[str]) -> tuple[str, str]:
    """The outlet's name and homepage, from what the pages print: a name in the running
    headers or footers, or a masthead line, that matches the domain the pages name; else the
    name the furniture repeats most; else a name made from the domain (see
    ``metadata.publication_from_domain``). ("", "") when nothing names it."""
    site_domains = domains([line.text for line in furniture] + header_lines)
    labels = [_domain_label(domain) for domain in site_domains]
    candidates = _name_candidates(furniture) + [
        line for line in header_lines if _is_label(line) or line.isupper()
    ]

    def matches_domain(name: str) -> bool:
        name_letters = letters(name)
        return any(
            label
            and (
                label == name_letters
                or (len(label) >= 3 and label in name_letters)
                or (len(name_letters) >= 4 and name_letters in label)
            )
            for label in labels
        )

    domain = site_domains[0] if site_domains else ""
    known = metadata.KNOWN_PUBLICATIONS.get(domain)
    if known:
        return known.name, known.homepage
    homepage = f"https://{'www.' if domain.count('.') == 1 else ''}{domain}" if domain else ""
    matching = [name for name in candidates if matches_domain(name)]
    if matching:
        return _best_spelling(matching, candidates), homepage
    if domain:
        return metadata.publication_from_domain(domain).name, homepage
    repeated = [
        name for name in candidates if sum(letters(c) == letters(name) for c in candidates) >= 2
    ]
    if repeated:
        return _best_spelling(repeated, candidates), ""
    return "", ""


def _best_spelling(names: list[str], candidates: list[str]) -> str:
    """Of several spellings of the outlet, the one most often printed, shortest first, in mixed
    case when it is printed so."""

    def support(name: str) -> int:
        own = letters(name)
        return sum(own in letters(candidate) for candidate in candidates)

    best = max(names, key=lambda name: (support(name), -len(name)))
    spellings = [name for name in candidates if letters(name) == letters(best)]
    mixed = [name for name in spellings if not name.isupper()]
    return display_case((mixed or spellings or [best])[0])


def _is_label(text: str) -> bool:
    """A few capitalised words and nothing else: a section's name, a masthead."""
    words = text.split()
    if not words or len(words) > MAX_LABEL_WORDS or len(text) > MAX_LABEL_CHARS:
        return False
    if re.search(r"[\d.,;:!?\"“”'‘’()]", text):
        return False
    return all(word[0].isupper() or word.lower() in _JOINERS for word in words)


def _is_outlet(text: str, outlets: list[str]) -> bool:
    own = letters(text)
    if len(own) < 2:
        return False
    return any(own in letters(outlet) or letters(outlet) in own for outlet in outlets if outlet)


def read_header(lines: list[Line], furniture: list[Line], script: str) -> Header:
    """Read the header region at the top of ``lines`` (the article's lines, furniture out).

    ``furniture`` are the lines taken out as page furniture: they may name the outlet.
    ``script`` is the article's main script (a line mostly in another is a banner).
    """
    filled = [(index, line) for index, line in enumerate(lines) if line][:HEADER_LINES]
    width = typical_line_width(line.text for line in lines)
    publication, homepage = choose_publication(furniture, [line.text for _, line in filled[:8]])
    outlets = (
        [publication, *_name_candidates(furniture)] if publication else _name_candidates(furniture)
    )
    header = Header(publication=publication, publication_url=homepage)

    kinds: list[str] = []
    readings: list[object] = []
    for _, line in filled:
        kind, reading = _classify(line.text, script, publication, outlets)
        kinds.append(kind)
        readings.append(reading)

    def wide(position: int) -> bool:
        return len(filled[position][1].text) >= WIDE_SHARE * width

    # The body starts at the first full line of text followed by more text.
    body = len(filled)
    for position in range(len(filled)):
        if kinds[position] == TEXT and wide(position):
            following = kinds[position + 1] if position + 1 < len(filled) else TEXT
            if following == TEXT:
                body = position
                break
    if body == len(filled) and filled:
        header.doubts.append("body: its first line could not be told from the header")

    # Runs of plain text lines above the body: title, labels, taglines.
    runs: list[list[int]] = []
    for position in range(body):
        if kinds[position] != TEXT:
            continue
        if runs and runs[-1][-1] == position - 1:
            runs[-1].append(position)
        else:
            runs.append([position])
    # The line right under a masthead, with more text below it, is the masthead's tagline.
    for run in runs:
        if (
            len(run) > 1
            and run[0] > 0
            and kinds[run[0] - 1] == MASTHEAD
            and not _is_label(filled[run[0]][1].text)
        ):
            kinds[run.pop(0)] = MASTHEAD
    # A label line heading a run of more text is the section's name.
    labels = []
    for run in runs:
        if len(run) > 1 and _is_label(filled[run[0]][1].text):
            labels.append(run.pop(0))
    runs = [run for run in runs if run]

    def good_title(run: list[int]) -> bool:
        if len(run) > MAX_TITLE_LINES:
            return False
        if len(run) == 1 and _is_label(filled[run[0]][1].text) and body < len(filled):
            # A lone short label is a section unless nothing else can be the title.
            return False
        return not any(ends_sentence(filled[p][1].text) for p in run[:-1])

    title_run = next((run for run in reversed(runs) if good_title(run)), None)
    has_metadata = any(kind != TEXT for kind in kinds[:body])
    if title_run is None and body < len(filled) and has_metadata:
        # No title above the body: a title as wide as a body line is its first line.
        title_run = [body]
        while (
            len(title_run) < MAX_TITLE_LINES
            and title_run[-1] + 1 < len(filled)
            and kinds[title_run[-1] + 1] == TEXT
            and not wide(title_run[-1] + 1)
            and not ends_sentence(filled[title_run[-1]][1].text)
            and title_run[-1] + 2 < len(filled)
            and kinds[title_run[-1] + 2] == TEXT
        ):
            title_run.append(title_run[-1] + 1)
        body = title_run[-1] + 1
    if title_run is None and body < len(filled):
        # Text from the first line on, with no byline, date or label: no title was printed.
        header.doubts.append("title: none printed apart from the text")
    elif title_run is None:
        runs_left = [run for run in runs if run]
        title_run = runs_left[-1][:MAX_TITLE_LINES] if runs_left else []
        if title_run:
            header.doubts.append("title: no line stood out as the title")
    for run in runs:
        if run is not title_run and len(run) == 1 and _is_label(filled[run[0]][1].text):
            labels.append(run[0])

    # The body starts below the title and the byline, date and labels right under it.
    if title_run:
        start = title_run[-1] + 1
        while start < min(body, len(filled)) and (kinds[start] != TEXT or start in labels):
            start += 1
    else:
        start = max((p + 1 for p in range(body) if kinds[p] != TEXT), default=0)
    header.body_start = (
        filled[start][0] if start < len(filled) else (filled[-1][0] + 1 if filled else 0)
    )

    header.title = join_lines(filled[p][1].text for p in title_run) if title_run else ""
    header_positions = range(min(start, len(filled)))
    for position in header_positions:
        kind, reading = kinds[position], readings[position]
        if kind == BYLINE and not header.authors:
            authors, date = reading
            header.authors = authors
            header.published = header.published or date
        elif kind == DATE and header.published is None:
            header.published = reading
        elif kind == SECTION and not header.section:
            header.section = reading
    if not header.section:
        before_title = [p for p in labels if not title_run or p < title_run[0]]
        chosen = before_title[-1] if before_title else (labels[0] if labels else None)
        if chosen is not None:
            header.section = display_case(filled[chosen][1].text)
    return header


def _classify(text: str, script: str, publication: str, outlets: list[str]) -> tuple[str, object]:
    """The kind of one header line and what it says (names and date, a date, a section)."""
    if is_site_line(text) or is_page_number(text):
        return SITE, None
    section = metadata.section_label(text, script)
    counts = script_counts(text)
    foreign = sum(n for s, n in counts.items() if s != script)
    if is_banner_line(text, script) or (foreign and not counts[script] and not section):
        return BANNER, None
    if (
        publication
        and letters(text)
        and (
            letters(text) == letters(publication)
            or (
                len(text.split()) <= MAX_LABEL_WORDS
                and _is_outlet(text, [publication])
                and letters(text) in letters(publication)
            )
        )
    ):
        return MASTHEAD, None
    byline = parse_byline(text, outlets)
    if byline:
        return BYLINE, byline
    date = _date_line(text)
    if date:
        return DATE, date
    if section:
        return SECTION, display_case(section)
    crumbs = re.split(r"\s+[>»›]\s+", text)
    if len(crumbs) > 1 and all(_is_label(crumb) for crumb in crumbs):
        return SECTION, display_case(crumbs[-1])
    return TEXT, None


def _date_line(text: str) -> dt.date | None:
    """The date of a line that is a date and little else ("Published: 5 September 2019")."""
    rest = _DATE_CUE.sub("", text)
    if len(rest.split()) > metadata.MAX_DATE_LINE_WORDS:
        return None
    return metadata.parse_date(rest)


_BYLINE_CUE = re.compile(
    r"^(?:(?:written|posted|reported|reporting|words|story)\s+by|by|authors?|writers?|"
    r"reporters?)\b\s*:?\s*",
    re.IGNORECASE,
)
_NAME_TOKEN = re.compile(r"[^\W\d_][\w'’.-]*")
# A place or a role after a name: "A in Washington", "A, political editor".
_NAME_TAIL = re.compile(r"\s+(?:in|at|from|for|reporting)\s+.*$")
MAX_NAME_WORDS = 5


def parse_byline(text: str, outlets: list[str]) -> tuple[list[str], dt.date | None] | None:
    """Names (and a date printed with them) from a byline, or None if ``text`` is not one.

    Reads "By A", "BY A", "Author: A", "Written by A and B", "By A, B and C", and bylines that
    name the outlet ("A, Outlet", "A | Outlet", "By A, Outlet", "A | Outlet | date") or a date
    ("By A | 21 April 1987"). ``outlets`` are the outlet's names as the document prints them:
    such a part is not a name, and a line without "By" is a byline only when it names one.
    Names printed in capitals come back in their usual case.
    """
    text = text.strip()
    cue = _BYLINE_CUE.match(text)
    rest = text[cue.end() :] if cue else text
    if not rest:
        return None
    date = None
    named_outlet = False
    parts = []
    for segment in re.split(r"\s+[|·•]\s+|\s+[–—-]\s+", rest):
        segment = segment.strip(" ,;")
        segment_date = _date_line(segment) if re.search(r"\d", segment) else None
        if segment_date:
            date = date or segment_date
            continue
        if _is_outlet(segment, outlets):
            named_outlet = True
            continue
        parts.append(segment)
    if not parts or (not cue and not named_outlet):
        return None
    names = []
    for part in parts:
        for name in metadata.split_names(part):
            name = _NAME_TAIL.sub("", name).strip(" .,;:-–—")
            if not name:
                continue
            if _is_outlet(name, outlets):
                named_outlet = True
                continue
            if not _is_name(name):
                if not cue:
                    return None
                continue  # a role ("chief economist") beside the names
            names.append(display_case(name) if name.isupper() else name)
    if not names:
        return None
    if len(text.split()) > metadata.MAX_BYLINE_WORDS + 4:
        return None
    return names, date


def _is_name(text: str) -> bool:
    words = text.split()
    if not 1 <= len(words) <= MAX_NAME_WORDS:
        return False
    if not all(_NAME_TOKEN.fullmatch(word) for word in words):
        return False
    capitalised = [word for word in words if word.lower() not in _JOINERS]
    return bool(capitalised) and all(word[0].isupper() for word in capitalised)
