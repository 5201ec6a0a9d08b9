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
from functools import lru_cache

from articles.ingest import metadata
from articles.ingest.cleanup import (
    ends_sentence,
    is_banner_line,
    is_double_spaced,
    is_page_number,
    is_site_line,
    join_lines,
    typical_line_width,
)
from articles.ingest.pages import Line, is_short_name
from articles.language import NAME_PARTICLES, script_counts

SITE, BANNER, MASTHEAD, BYLINE, DATE, SECTION, CAPTION, TEXT = (
    "site",
    "banner",
    "masthead",
    "byline",
    "date",
    "section",
    "caption",
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
_JOINERS = frozenset({"&", "and", "of", "the"}) | NAME_PARTICLES
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


@lru_cache(maxsize=4096)
def letters(text: str) -> str:
    """The letters and digits of ``text``, lower-cased, a leading "the" dropped: how two
    spellings of one name ("The Kabul Times", "KABUL TIMES", "kabultimes.af") are compared."""
    text = re.sub(r"^the\s+", "", text.strip(), flags=re.IGNORECASE)
    return "".join(char for char in text.lower() if char.isalnum())


def display_case(text: str) -> str:
    """A name printed in capitals in its usual case: words of four letters or more
    capitalised, short joining words ("THE", "OF") too, other short ones (initials such as
    "KTV", "UK") kept; mixed case is kept as is."""
    if not text.isupper():
        return text
    words = []
    for position, word in enumerate(text.split()):
        if word.lower() in _JOINERS:
            word = word.capitalize() if position == 0 else word.lower()
        elif len(word) > 3:
            word = word.capitalize()
        words.append(word)
    return " ".join(words)


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


def choose_publication(
    furniture: list[Line], top: list[Line], width: int = 0, body_indent: int = 0
) -> tuple[str, str]:
    """The outlet's name and homepage, from what the pages print.

    ``top`` are the first lines of the first page. Candidates are the names the furniture
    prints (running heads, copyright holders, a browser's title suffix) and the masthead: a
    short name at the top of the page, centred or repeated in the furniture. A candidate that
    matches the domain the pages name wins; without one, the domain itself names the outlet
    (``KNOWN_PUBLICATIONS`` aside); without a domain, the name the furniture repeats or the
    masthead does. ("", "") when nothing names it.
    """
    # Addresses on furniture and on lines of addresses only: one in a sentence or a title
    # ("Why example.org failed") is not the site's.
    site_domains = domains(
        [line.text for line in furniture] + [line.text for line in top if is_site_line(line.text)]
    )
    labels = [_domain_label(domain) for domain in site_domains]
    printed = _name_candidates(furniture)
    mastheads = [
        line.text
        for position, line in enumerate(top[:3])
        if is_short_name(line.text)
        and (
            any(letters(line.text) == letters(name) for name in printed)
            or (width and line.indent >= body_indent + 0.2 * width and position == 0)
        )
    ]
    top_names = [line.text for line in top if is_short_name(line.text) or line.text.isupper()]
    candidates = printed + mastheads

    def matches_domain(name: str) -> bool:
        name_letters = letters(name)
        return any(
            label
            and (
                label == name_letters
                or (len(label) >= 3 and label in name_letters)
                or (len(name_letters) >= max(4, len(label) / 2) and label.startswith(name_letters))
            )
            for label in labels
        )

    domain = site_domains[0] if site_domains else ""
    known = metadata.KNOWN_PUBLICATIONS.get(domain)
    if known:
        return known.name, known.homepage
    homepage = f"https://{'www.' if domain.count('.') == 1 else ''}{domain}" if domain else ""
    matching = [name for name in candidates + top_names if matches_domain(name)]
    if matching:
        exact = [name for name in matching if letters(name) in labels]
        return _best_spelling(exact or matching, candidates + top_names), homepage
    if domain:
        # No printed name matches the site: the site's own address names it best
        # ("harbourpost.example"), where a name guessed from it could split it wrongly.
        return domain, homepage
    # A name the furniture prints twice, or prints once and the header again (a masthead, a
    # byline's "…, Outlet").
    repeated = [
        name
        for name in printed
        if sum(letters(name) in letters(c) for c in printed) >= 2
        or any(letters(name) in letters(line.text) for line in top)
    ]
    if mastheads or repeated:
        return _best_spelling(mastheads or repeated, candidates), ""
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


def _name_of(publication: str) -> str:
    """The letters of a publication's name; of its site's name when an address names it."""
    found = domains([publication])
    return _domain_label(found[0]) if found else letters(publication)


def _is_outlet(text: str, outlets: list[str]) -> bool:
    """Whether ``text`` names one of ``outlets``, maybe shortened ("Courier" for "Courier News
    Service") or with a word added ("KTV News" for "KTV")."""
    own = letters(text)
    if len(own) < 2:
        return False
    for outlet in outlets:
        theirs = letters(outlet)
        if theirs and (own in theirs or (theirs in own and len(text.split()) <= MAX_LABEL_WORDS)):
            return True
    return False


def read_header(lines: list[Line], furniture: list[Line], script: str) -> Header:
    """Read the header region at the top of ``lines`` (the article's lines, furniture out).

    ``furniture`` are the lines taken out as page furniture: they may name the outlet.
    ``script`` is the article's main script (a line mostly in another is a banner).

    Each of the first ``HEADER_LINES`` non-blank lines gets a kind (``_classify``). The body
    starts at the first full-width text line that runs on into more text. The title is the
    best-scoring candidate (``_title_score``) among the runs of plain text lines above the
    body, and the body's first line itself when it stands right under the byline or date
    and reads as a heading rather than a paragraph's first line.
    """
    filled = [(index, line) for index, line in enumerate(lines) if line][:HEADER_LINES]
    # Blank lines part runs of text, unless the layout puts one after every line.
    spaced = is_double_spaced([line.text for line in lines[: filled[-1][0] + 1]] if filled else [])
    parted = {
        position
        for position in range(1, len(filled))
        if not spaced and filled[position][0] > filled[position - 1][0] + 1
    }
    width = typical_line_width(line.text for line in lines)
    body_indent = _usual_indent(lines)
    publication, homepage = choose_publication(
        furniture, [line for _, line in filled[:8]], width, body_indent
    )
    # The outlet as a byline may name it: its chosen name, or its site's name ("ktv" for a
    # byline's "…, KTV News" where only ktv.example named the outlet).
    outlets = (
        [publication, *(_domain_label(d) for d in domains([publication]))] if publication else []
    )
    header = Header(publication=publication, publication_url=homepage)
    if not filled:
        return header
    # Lines are classified down to a few lines past the body's first: no further is needed.
    texts = [line.text for _, line in filled]
    kinds: list[str] = []
    readings: list[object] = []
    for position, text in enumerate(texts):
        kind, reading = _classify(text, script, publication, outlets)
        kinds.append(kind)
        readings.append(reading)
        if position >= 3 and _starts_body(kinds, texts, position - 3, width):
            break
    filled, texts = filled[: len(kinds)], texts[: len(kinds)]

    def wide(position: int) -> bool:
        return len(texts[position]) >= WIDE_SHARE * width

    # The body starts at the first full line of text that runs on into more text.
    body = len(filled)
    for position in range(len(filled)):
        if _starts_body(kinds, texts, position, width):
            body = position
            break
    if body == len(filled):
        header.doubts.append("body: its first line could not be told from the header")

    # Runs of plain text lines above the body: title, labels (sections), taglines.
    runs: list[list[int]] = []
    for position in range(body):
        if kinds[position] == TEXT:
            if runs and runs[-1][-1] == position - 1:
                runs[-1].append(position)
            else:
                runs.append([position])
    explicit_section = SECTION in kinds[:body]
    candidates: list[list[int]] = []
    for run in runs:
        # A blank line may part a heading from a paragraph, or only the lines of one heading.
        # So may a sentence's end: "Is the water safe?" over the first paragraph.
        pieces: list[list[int]] = [[run[0]]]
        for p in run[1:]:
            if p in parted or _ends_sentence(texts[p - 1]):
                pieces.append([])
            pieces[-1].append(p)
        variants = [run, *pieces] if len(pieces) > 1 else [run]
        if (
            len(run) > 1
            and kinds[run[0] - 1 : run[0]] == [MASTHEAD]
            and _starts_anew(texts[run[1]])
        ):
            variants.append(run[1:])  # under a masthead, maybe its tagline
        for variant in variants:
            # A short label over a title printed in another case or much wider is a section.
            if len(variant) > 1 and not explicit_section and _is_label(texts[variant[0]]):
                label, following = texts[variant[0]], texts[variant[1]]
                if label.isupper() != following.isupper() or len(label) < 0.6 * len(following):
                    variant = variant[1:]
            candidates.append(variant)
    # The body's first line, right under the byline or date, may be a title as wide as it.
    if (
        body + 1 < len(filled)
        and kinds[body - 1 : body] in ([BYLINE], [DATE], [SECTION])
        and _reads_as_heading(texts, body, width, set_apart=body + 1 in parted)
    ):
        run = [body]
        while (
            len(run) < MAX_TITLE_LINES
            and run[-1] + 2 < len(filled)
            and kinds[run[-1] + 1] == TEXT
            and not wide(run[-1] + 1)
            and not _ends_sentence(texts[run[-1]])
            and not _ends_sentence(texts[run[-1] + 1])
        ):
            run.append(run[-1] + 1)
        candidates.append(run)

    def score(run: list[int]) -> float:
        return _title_score(run, texts, kinds, body)

    title_run = max(reversed(candidates), key=score) if candidates else []
    if title_run and score(title_run) < 0:
        if not any(kind != TEXT for kind in kinds[:body]) and title_run[0] >= body - 1:
            title_run = []  # text from the first line on: no title was printed
        else:
            header.doubts.append("title: no line stood out as the title")
    if not title_run:
        header.doubts.append("title: none printed apart from the text")
    if title_run and title_run[0] >= body:
        body = title_run[-1] + 1
    # Lines above the title in its own run are a tagline or a label; lone labels are too.
    labels = [
        p
        for run in runs
        for p in run
        if _is_label(texts[p]) and (not title_run or p < title_run[0] or p > title_run[-1])
    ]

    # The body starts below the title and the byline, date and labels right under it.
    if title_run:
        start = title_run[-1] + 1
        while start < min(body, len(filled)) and (kinds[start] != TEXT or start in labels):
            start += 1
    else:
        start = max((p + 1 for p in range(body) if kinds[p] != TEXT), default=0)
    header.body_start = filled[start][0] if start < len(filled) else filled[-1][0] + 1

    header.title = join_lines(texts[p] for p in title_run)
    for position in range(min(start, len(filled))):
        kind, reading = kinds[position], readings[position]
        # What a line says has the shape its kind gives it (see classify_line).
        if kind == BYLINE and not header.authors and isinstance(reading, tuple):
            authors, date = reading
            header.authors = authors
            header.published = header.published or date
        elif kind == DATE and header.published is None and isinstance(reading, dt.date):
            header.published = reading
        elif kind == SECTION and not header.section and isinstance(reading, str):
            header.section = reading
    if not header.section:
        before_title = [p for p in labels if not title_run or p < title_run[0]]
        chosen = before_title[-1] if before_title else (labels[0] if labels else None)
        if chosen is not None:
            header.section = display_case(texts[chosen])
    return header


def _starts_anew(text: str) -> bool:
    """Whether a line starts as a heading or a sentence does, not as a wrapped line's rest."""
    first = text.lstrip("\"'“‘«(")[:1]
    return first.isupper() or first.isdigit()


def _starts_body(kinds: list[str], texts: list[str], position: int, width: int) -> bool:
    """Whether the body starts at ``position``: a full line of text that runs on into another
    full line, or into a line ending a sentence (or ends the text)."""
    if kinds[position] != TEXT or len(texts[position]) < WIDE_SHARE * width:
        return False
    if position + 1 == len(kinds):
        return position + 1 == len(texts)
    following = texts[position + 1]
    return kinds[position + 1] == TEXT and (
        len(following) >= WIDE_SHARE * width or _ends_sentence(following)
    )


def _title_score(run: list[int], texts: list[str], kinds: list[str], body: int) -> float:
    """How much a run of text lines looks like the title: next to the byline, date or section,
    or right above the body; one to three lines that do not end in a full stop; more than a
    short label; not right under the masthead (where a tagline goes)."""
    first, last = run[0], run[-1]
    metadata_kinds = (BYLINE, DATE, SECTION)
    score = 0.0
    if (last + 1 < len(kinds) and kinds[last + 1] in metadata_kinds) or (
        first > 0 and kinds[first - 1] in metadata_kinds
    ):
        score += 3
    if last + 1 == body:
        score += 1
    if first >= body:
        score -= 1  # the body's first line: a title only when nothing above is one
    if len(run) > MAX_TITLE_LINES:
        score -= 10
    if any(_ends_sentence(texts[p]) for p in run[:-1]):
        score -= 4
    ending = texts[last].rstrip("\"'”’»)]")
    if (ending.endswith(".") and _ends_sentence(texts[last])) or ending.endswith((",", ";", ":")):
        score -= 4  # a paragraph's end, not a heading's
    if len(run) == 1 and _is_label(texts[first]):
        score -= 3
    if first > 0 and kinds[first - 1] == MASTHEAD:
        score -= 2  # a tagline sits right under the masthead
    return score


def _reads_as_heading(texts: list[str], position: int, width: int, set_apart: bool) -> bool:
    """Whether a full-width line reads as a heading rather than a paragraph's first line: it
    stops short of the measure (or a blank line sets it apart from the text below), ends
    without a full stop, comma or hyphen, and the next line starts anew (a capital, a digit, a
    quotation mark)."""
    text = texts[position]
    if text.endswith((".", ",", ";", ":", "-", "–", "—")):
        return False
    if len(text) >= 0.9 * width and not set_apart:
        return False
    following = texts[position + 1] if position + 1 < len(texts) else ""
    first = following.lstrip("\"'“‘«(")[:1]
    return (
        bool(first)
        and (first.isupper() or first.isdigit())
        and (set_apart or len(text) < len(following))
    )


# An abbreviation's full stop ("U.K.", "Corp.", "Mr.") does not end a heading's sentence.
_ABBREVIATION_END = re.compile(r"(?:\b[A-Za-z]\.|\b(?:[A-Z]\.){2,}|\b[A-Z][a-z]{1,3}\.)$")


def _ends_sentence(text: str) -> bool:
    return ends_sentence(text) and not _ABBREVIATION_END.search(text)


def _usual_indent(lines: list[Line]) -> int:
    """The indentation most lines have: the left margin of the body."""
    indents = [line.indent for line in lines if line]
    return min(set(indents), key=lambda indent: -indents.count(indent)) if indents else 0


def classify_line(text: str, script: str, outlets: tuple[str, ...] = ()) -> tuple[str, object]:
    """The kind of one stripped header line (SITE, BANNER, MASTHEAD, BYLINE, DATE, SECTION,
    CAPTION or TEXT) and what it says: ``(names, date)`` for a byline, a date, a section's name.

    ``script`` is the article's main script; ``outlets`` the outlet's names as the document
    prints them, the first its chosen name (a line that is only that name is the masthead).
    """
    return _classify(text, script, outlets[0] if outlets else "", list(outlets))


def _classify(text: str, script: str, publication: str, outlets: list[str]) -> tuple[str, object]:
    """The kind of one header line and what it says (names and date, a date, a section)."""
    if is_site_line(text) or is_page_number(text):
        return SITE, None
    if _CAPTION.match(text):
        return CAPTION, None  # a picture's caption or credit: not the title, not the body
    section = metadata.section_label(text, script)
    counts = script_counts(text)
    foreign = sum(n for s, n in counts.items() if s != script)
    if not section and (is_banner_line(text, script) or (foreign and not counts[script])):
        return BANNER, None
    if (
        publication
        and letters(text)
        and (
            letters(text) == letters(publication)
            # the name shortened ("COURIER" for "Courier News Service"); a word from inside
            # the name ("Digest" in harbourdailydigest.example) is more likely a section
            or (
                len(text.split()) <= MAX_LABEL_WORDS
                and len(letters(text)) >= 3
                and _name_of(publication).startswith(letters(text))
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
# Words of a journalist's role, printed after the name in a byline.
_ROLE_WORDS = frozenset(
    {
        *("correspondent", "editor", "reporter", "writer", "columnist", "analyst"),
        *("contributor", "contributing", "staff", "bureau", "chief", "desk", "producer"),
        *("photographer", "presenter", "journalist", "correspondents", "editors"),
    }
)
# A line that captions or credits a picture: "Photo: …", "Image: …".
_CAPTION = re.compile(
    r"^(?:photo|photograph|picture|image|illustration|caption|credit|video)s?\s*:", re.I
)


def _is_role(text: str) -> bool:
    return any(word.lower().strip(".,") in _ROLE_WORDS for word in text.split())


def parse_byline(text: str, outlets: list[str]) -> tuple[list[str], dt.date | None] | None:
    """Names (and a date printed with them) from a byline, or None if ``text`` is not one.

    Reads "By A", "BY A", "Author: A", "Written by A and B", "By A, B and C", and bylines that
    name the outlet or a date: "A, Outlet", "A | Outlet", "By A, Outlet", "A | Outlet | date",
    "By A | 21 April 1987". ``outlets`` are the outlet's names as the document prints them; an
    outlet the document names nowhere else is told by its place (after the names, past a comma
    or a bar). A line without a cue word is a byline only in that shape, with names of two words
    or more, not all in capitals (a title in capitals could look like names). Names printed in
    capitals come back in their usual case.
    """
    text = text.strip()
    if len(text.split()) > metadata.MAX_BYLINE_WORDS + 4:
        return None
    cue = _BYLINE_CUE.match(text)
    rest = text[cue.end() :] if cue else text
    date = None
    segments = []
    for segment in re.split(r"\s+[|·•]\s+|\s+[–—-]\s+", rest):
        segment = segment.strip(" ,;")
        if re.search(r"\d", segment) and _date_line(segment):
            date = date or _date_line(segment)
        elif segment:
            segments.append(segment)
    if not segments:
        return None
    items = [
        _NAME_TAIL.sub("", item).strip(" .,;:-–—") for item in metadata.split_names(segments[0])
    ]
    items = [item for item in items if item]
    others = segments[1:]
    if not cue and len(others) == 0 and len(items) > 1 and "," in segments[0]:
        others = [items.pop()]  # "A, Outlet": the outlet comes last
    # Neither the outlet nor a role ("Environment Correspondent") is a name.
    names = [item for item in items if not _is_outlet(item, outlets) and not _is_role(item)]
    if cue:
        names = [name for name in names if _is_name(name)]
        if len(names) > 1 and any(len(name.split()) > 1 for name in names):
            # "By A, Courier", "By A, Washington": a lone word beside full names is no name
            names = [name for name in names if len(name.split()) > 1]
    else:
        if not others or text.isupper():
            return None
        if not all(_is_name(name) and len(name.split()) > 1 for name in names):
            return None
        if not all(_is_outlet(other, outlets) for other in others):
            return None
    if not names:
        return None
    # Names in capitals are shown in their usual case: "O'NEILL" as "O'Neill".
    return [name.title() if name.isupper() else name for name in names], date


def _is_name(text: str) -> bool:
    words = text.split()
    if not 1 <= len(words) <= MAX_NAME_WORDS:
        return False
    if not all(_NAME_TOKEN.fullmatch(word) for word in words):
        return False
    capitalised = [word for word in words if word.lower() not in _JOINERS]
    return bool(capitalised) and all(word[0].isupper() for word in capitalised)
