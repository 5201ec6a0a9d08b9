"""Reader for Reuters-21578 (``shared/corpus/reuters21578``), the 1987 Reuters newswire.

Twenty-two xz-compressed SGML files, ``reut2-000.sgm.xz`` … ``reut2-021.sgm.xz``, each a run
of ``<REUTERS NEWID="…">`` elements. SGML is not XML (unescaped ``<`` in company names,
control-character references such as ``&#3;``), so each element is taken apart with regular
expressions. Only stories with both a TITLE and a BODY become records; briefs (title only)
and unparsed texts are passed over.

What is made of each story:

- ``title``: the wire's upper-case headline recased by ``readable_title``;
- ``body``: the BODY with references resolved, control characters, the closing "Reuter" and
  wire debris dropped, and the hard-wrapped lines joined into paragraphs (a paragraph starts
  at an indented line or after a blank line);
- the dateline ("WASHINGTON, March 2 -") is a separate element and stays out of the body,
  except for story text the wire spilled into it, which is put back in front of the body;
- ``published`` from DATE, ``authors`` from AUTHOR ("By Jane Doe, Reuters");
- ``section``: the first TOPICS code as a label (see ``topic_labels``);
- ``entities``: the indexers' PEOPLE, ORGS and PLACES codes with readable names
  (see ``entity_name``).
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import re
from collections.abc import Iterator
from pathlib import Path

from articles.ingest.files import open_text, usable
from articles.ingest.record import ArticleRecord, EntityRef, skip

logger = logging.getLogger(__name__)

FILE_PATTERN = "reut2-*.sgm.xz"
CATEGORY_FILE = "cat-descriptions_120396.txt.xz"
PUBLICATION = "Reuters"
PUBLICATION_URL = "https://www.reuters.com"

_MONTHS = {
    name: number
    for number, name in enumerate(
        ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"),
        start=1,
    )
}

# --- SGML ------------------------------------------------------------------------------

_DOCUMENT_START = re.compile(r"<REUTERS\b")
_DOCUMENT = re.compile(r"<REUTERS\b(?P<attributes>[^>]*)>(?P<content>.*?)</REUTERS>", re.S)
_NEWID = re.compile(r'\bNEWID="(\d+)"')
_DATE = re.compile(r"<DATE>\s*(\d{1,2})-([A-Za-z]{3})-(\d{4})")
_D = re.compile(r"<D>(.*?)</D>", re.S)
_REFERENCE = re.compile(r"&(?:#(\d+)|(lt|gt|amp|quot|apos));")
_NAMED_REFERENCES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _element(name: str, content: str) -> str | None:
    """The text inside the first ``<name …>…</name>`` of ``content``, or ``None``."""
    match = _element_pattern(name).search(content)
    return match.group(1) if match else None


@functools.cache
def _element_pattern(name: str) -> re.Pattern[str]:
    # Compiled once per element name: ``re.search`` looks its pattern up on every call.
    return re.compile(rf"<{name}\b[^>]*>(.*?)</{name}>", re.S)


def _codes(name: str, content: str) -> list[str]:
    """The ``<D>`` codes of a label list such as ``<PEOPLE><D>reagan</D></PEOPLE>``."""
    codes = _element(name, content)
    return [code.strip() for code in _D.findall(codes)] if codes else []


def unescape(text: str) -> str:
    """Resolve the references left in the SGML.

    ``&lt;`` and friends become their characters; numeric references to control characters
    (``&#3;`` ends every story, ``&#22;``, ``&#127;`` …) are dropped, as are literal ones.
    """

    def replace(match: re.Match[str]) -> str:
        number, name = match.groups()
        if name:
            return _NAMED_REFERENCES[name]
        code = int(number)
        return "" if code < 32 or code == 127 or code > 0x10FFFF else chr(code)

    return _CONTROL.sub("", _REFERENCE.sub(replace, text))


# --- Reading ---------------------------------------------------------------------------


def read(path: Path, limit: int | None = None) -> Iterator[ArticleRecord]:
    """Yield one ``ArticleRecord`` per story with a title and a body, file by file, in order.

    ``path`` is the corpus folder. One decompressed file (about 1.3 MB) is held in memory at a
    time. A damaged element is skipped with a warning; ``limit`` caps the records yielded.
    """
    return usable(_records(Path(path)), limit)


def _records(folder: Path) -> Iterator[ArticleRecord]:
    topics = topic_labels(folder / CATEGORY_FILE)
    for file in sorted(folder.glob(FILE_PATTERN)):
        yield from read_file(file, topics)


def read_file(file: Path, topics: dict[str, str] | None = None) -> Iterator[ArticleRecord]:
    """Yield the records of one ``.sgm`` or ``.sgm.xz`` file (bytes read as Latin-1)."""
    with open_text(file, encoding="latin-1") as stream:
        text = stream.read()
    file_name = file.name.removesuffix(".xz")
    yield from parse_sgml(text, file_name, topics or {})


def parse_sgml(text: str, file_name: str, topics: dict[str, str]) -> Iterator[ArticleRecord]:
    """Yield the records of one SGML file's text; ``file_name`` names them (``reut2-000.sgm``).

    The text is cut at every ``<REUTERS`` opening tag, so an element whose closing tag is
    missing is skipped alone instead of swallowing the story after it.
    """
    starts = [match.start() for match in _DOCUMENT_START.finditer(text)]
    for start, end in zip(starts, [*starts[1:], len(text)], strict=True):
        chunk = text[start:end]
        match = _DOCUMENT.match(chunk)
        newid = _NEWID.search(chunk[: chunk.find(">") + 1])
        label = f"{file_name}#NEWID={newid.group(1)}" if newid else f"{file_name}@{start}"
        if match is None or newid is None:
            skip(logger, label, "damaged <REUTERS> element")
            continue
        try:
            record = parse_document(match["content"], label, topics)
        except Exception:  # one odd story must not stop an import of thousands
            skip(logger, label, "could not be parsed", exc_info=True)
            continue
        if record is not None:
            yield record


def parse_document(content: str, source_name: str, topics: dict[str, str]) -> ArticleRecord | None:
    """Turn the inside of one ``<REUTERS>`` element into a record.

    Returns ``None`` for stories without a TITLE or a BODY (briefs and unparsed texts are
    normal on the wire, so they are not warned about) and, with a warning, for stories whose
    body is empty once cleaned.
    """
    text = _element("TEXT", content)
    if text is None:
        return None
    title = _element("TITLE", text)
    body = _element("BODY", text)
    if title is None or body is None:
        return None
    title = readable_title(" ".join(unescape(title).split()))
    spilled = _dateline_spill(_element("DATELINE", text) or "")
    cleaned = clean_body(f"{spilled}{body}" if spilled else body)
    if not title or not cleaned:
        skip(logger, source_name, "empty title or body")
        return None
    topic_codes = _codes("TOPICS", content)
    return ArticleRecord(
        title=title,
        body=cleaned,
        raw_text=body,
        authors=parse_byline(_element("AUTHOR", text) or ""),
        published=_parse_date(content, source_name),
        publication=PUBLICATION,
        publication_url=PUBLICATION_URL,
        section=topic_label(topic_codes[0], topics) if topic_codes else "",
        language="en",
        source_name=source_name,
        entities=_entities(content),
    )


def _parse_date(content: str, source_name: str) -> dt.date | None:
    """``26-FEB-1987 15:01:01.79`` → 1987-02-26; the time and any trailing junk are ignored."""
    match = _DATE.search(content)
    if match is None:
        logger.warning("%s: no readable DATE", source_name)
        return None
    day, month, year = match.groups()
    try:
        return dt.date(int(year), _MONTHS[month.upper()], int(day))
    except (KeyError, ValueError):
        logger.warning("%s: no readable DATE", source_name)
        return None


# --- Dateline, byline, body ------------------------------------------------------------

# The end of a dateline: the dash after the date ("Feb 26 -", "March 4, -", "April 1, Reuter
# -") or after a place with no date ("WOODBRIDGE, N.J. -"); hyphens inside a place name
# ("WINSTON-SALEM") have no space before them.
_DATELINE_END = re.compile(r"(?:(?<=\s)|(?<=[\d,]))-(?=\s|$)")
# A dateline left at the very start of a body: "WASHINGTON, March 2 - ", "PORTLAND, Ore., Feb
# 26 - " (place in capitals, perhaps a state, then month and day).
_DATELINE_AT_START = re.compile(
    r"^\s*[A-Z][A-Z .'/&-]+,(?:\s*[A-Z][A-Za-z .]*,)?\s*[A-Za-z]{3,9}\.?\s+\d{1,2},?\s*-\s+"
)


def _dateline_spill(dateline: str) -> str:
    """Story text the wire put inside the DATELINE element, after the dateline proper.

    ``"RIO DE JANEIRO, Feb 26 - Brazil's anti- "`` gives ``"Brazil's anti-"``; a plain
    dateline gives ``""``.
    """
    match = _DATELINE_END.search(dateline)
    if match is None:
        return ""
    spill = dateline[match.end() :].strip().lstrip("- ").strip()
    if not spill:
        return ""
    # The body carries on the spilled line: a hyphenated word ("anti-" + "inflation") joins up.
    return spill if spill.endswith("-") else spill + " "


# "By Jane Doe, Reuters": the name, then the agency after the comma.
_BYLINE = re.compile(r"^\s*by\s+(?P<names>[^,]+)", re.I)


def parse_byline(byline: str) -> list[str]:
    """``"By Jane Doe, Reuters"`` → ``["Jane Doe"]``; ``"By A and B"`` → ``["A", "B"]``.

    All-capitals names ("BY TED D'AFFLISIO") are recased.
    """
    match = _BYLINE.match(unescape(byline))
    if match is None:
        return []
    authors = []
    for name in re.split(r"\s+and\s+|\s*&\s*", match["names"].strip()):
        name = " ".join(name.split())
        if name.isupper():
            name = " ".join(_capitalise(word) for word in name.split())
        if name:
            authors.append(name)
    return authors


# Wire furniture at the end of a story: the "Reuter" sign-off (also cut short or with dots)
# on a line of its own or after the last sentence, and the indented "More" of a story
# continued in a later take. "Reuters" with an s, unindented, is story ("…, he told\nReuters.").
_SIGN_OFF = re.compile(
    r"(?:(?:^|\n)[ \t]*reute(?:r)?|(?:^|\n)[ \t]+(?:reuters\w?|more)|(?<=[.!?)\"\d])[ \t]+reuters?)"
    r"\b\.*\s*$",
    re.I,
)


def clean_body(raw: str) -> str:
    """Turn a raw BODY into paragraphs separated by one blank line.

    Expects the SGML text as found between ``<BODY>`` and ``</BODY>``: 70-column lines,
    indented lines opening paragraphs, references such as ``&lt;`` and ``&#3;``, and a
    closing "Reuter". Tables keep one row per paragraph.
    """
    text = unescape(raw).replace("^M", "").replace("\r", "")
    while (sign_off := _SIGN_OFF.search(text, _sign_off_from(text))) is not None:
        text = text[: sign_off.start()]  # a sign-off runs to the end
    text = _DATELINE_AT_START.sub("", text, count=1)

    paragraphs: list[list[str]] = []
    current: list[str] = []
    for line in text.split("\n"):
        stripped = line.strip()
        if (not stripped or line[:1].isspace()) and current:
            paragraphs.append(current)
            current = []
        if stripped:
            current.append(stripped)
    if current:
        paragraphs.append(current)
    return "\n\n".join(_join_lines(lines) for lines in paragraphs)


def _sign_off_from(text: str) -> int:
    """Where in ``text`` a ``_SIGN_OFF`` can start, at the earliest: it ends the text, and
    is at most a line break, spaces or tabs, one word of up to eight letters, full stops and
    white space. Searched from there, not tried at every position of the body (a third of
    reading the corpus); its look-behind still sees the character before."""
    start = max(len(text.rstrip().rstrip(".")) - 8, 0)
    while start > 0 and text[start - 1] in " \t":
        start -= 1
    return max(start - 1, 0)


_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")


def _join_lines(lines: list[str]) -> str:
    """Join hard-wrapped lines; a line ending in a word and a hyphen runs on without a space."""
    joined = lines[0]
    for line in lines[1:]:
        if joined[-1:] == "-" and joined[-2:-1] in _LETTERS:  # an ASCII letter and a hyphen
            joined += line
        else:
            joined += " " + line
    return joined


# --- Titles ----------------------------------------------------------------------------

# Kept in capitals: acronyms the wire uses that a reader knows in capitals.
# fmt: off
_ACRONYMS = frozenset([
    "ADR", "AG", "AIDS", "AMEX", "ASEAN", "AT&T", "BAT", "BHP", "CBT", "CD", "CEO", "CFTC", "CIA",
    "CPI", "EC", "ECU", "EEC", "EMS", "EPA", "FAO", "FCC", "FDA", "FDIC", "FHLBB", "FRG", "FTC",
    "GATT", "GDP", "GE", "GM", "GMT", "GNP", "IBM", "ICCO", "ICO", "IEA", "IMF", "IPO", "IRA",
    "IRS", "ITT", "KLM", "LDC", "LP", "NASA", "NASD", "NASDAQ", "NATO", "NV", "NYSE", "OAPEC",
    "OECD", "OPEC", "OTC", "PLO", "PPI", "RJR", "SEC", "TV", "TWA", "UAE", "UAW", "UK", "UN",
    "UNCTAD", "US", "USA", "USDA", "USSR", "USX", "VW",
])
# Words that stay lower case inside a title (short function words, and the wire's units,
# written in lower case in its own copy: "1.5 mln dlrs", "3 pct").
_LOWER_CASE = frozenset([
    "a", "an", "and", "as", "at", "but", "by", "en", "for", "from", "in", "into", "nor", "of",
    "on", "or", "per", "the", "to", "via", "vs", "with",
    "bbls", "bln", "bpd", "cts", "dlr", "dlrs", "mln", "pct", "stg",
])
# Vowelless words that are ordinary wire abbreviations, capitalised like words ("1st Qtr").
_PLAIN_ABBREVIATIONS = frozenset([
    "dr", "jr", "ltd", "mr", "mrs", "mth", "mths", "plc", "qtr", "shr", "shrs", "st", "yr", "yrs",
])
# fmt: on
_TAG = re.compile(r"<[^>]*>")
_TICKER = re.compile(r"(<[A-Z0-9.]{1,8}>)")
_ORDINAL = re.compile(r"^\d+(ST|ND|RD|TH)$", re.I)


def readable_title(title: str) -> str:
    """Recase an upper-case wire headline: ``"U.S. OPEC TALKS TO RESUME IN VIENNA"`` becomes
    ``"U.S. OPEC Talks to Resume in Vienna"``.

    Words are capitalised, except short function words and the wire's units (mln, dlrs, pct)
    which go lower case unless they open the title or follow a dash or colon. Kept as they
    are: dotted abbreviations (U.S., N.Z.), tickers in angle brackets (<SRD>), words without a
    vowel (CBT, RJR: almost always abbreviations) and a list of known acronyms (OPEC, IMF, EC,
    GATT …). Ordinals become "1st", "4th". Headlines that are mostly lower case already are
    left alone.
    """
    letters = list(filter(str.isalpha, _TAG.sub("", title)))
    if not letters or sum(map(str.isupper, letters)) < 0.6 * len(letters):
        return title
    words = title.split()
    result = []
    for index, word in enumerate(words):
        starts_phrase = index == 0 or words[index - 1][-1:] in {"-", ":", "--"}
        result.append(_recase_word(word, starts_phrase))
    return " ".join(result)


# Headlines repeat their words ("SHR", "PROFIT", "DLRS"): each is recased once a run.
@functools.lru_cache(maxsize=100_000)
def _recase_word(word: str, starts_phrase: bool) -> str:
    # A ticker ("<SRD>", also glued: "INTERGROUP<NII>") stays as it is; a bracketed company
    # name ("<CINRAM LTD>") is recased, its brackets treated as punctuation.
    pieces = [piece for piece in _TICKER.split(word) if piece]
    if len(pieces) > 1 or _TICKER.fullmatch(word):
        return "".join(
            piece if _TICKER.fullmatch(piece) else _recase_word(piece, starts_phrase and i == 0)
            for i, piece in enumerate(pieces)
        )
    # Compounds: recase each part of "ANTI-INFLATION", "U.S.-JAPAN", "S/P".
    parts = re.split(r"([-/])", word)
    if len(parts) > 1:
        recased = [
            part if part in "-/" else _recase_word(part, starts_phrase and i == 0)
            for i, part in enumerate(parts)
        ]
        # Function words inside a compound go lower case too: "State-of-the-Art".
        return "".join(recased)
    core = word.strip("\"'(),.:;?!<>")
    if not core:
        return word
    lead, tail = word[: word.index(core)], word[word.index(core) + len(core) :]
    return lead + _recase_core(core, starts_phrase) + tail


def _recase_core(core: str, starts_phrase: bool) -> str:
    upper, lower = core.upper(), core.lower()
    if upper in _ACRONYMS or re.fullmatch(r"(?:[A-Z]\.)+[A-Z]?", upper):
        return upper  # OPEC; U.S (its last full stop is outside the core)
    if _ORDINAL.match(core) or not re.search(r"[A-Za-z]", core):
        return lower
    if lower in _LOWER_CASE and not starts_phrase:
        return lower
    vowelless = len(core) > 1 and re.fullmatch(r"[B-DF-HJ-NP-TV-XZ&]+", upper)
    if vowelless and lower not in _PLAIN_ABBREVIATIONS:
        return upper  # an abbreviation such as CBT, RJR or S&P
    return _capitalise(core)


def _capitalise(word: str) -> str:
    """``"BANK"`` → ``"Bank"``, ``"O'NEILL"`` → ``"O'Neill"``, ``"MCCAW"`` → ``"McCaw"``."""
    lower = word.lower()
    result = lower[:1].upper() + lower[1:]
    if re.match(r"^(?:[ODL]'[a-z]|Mc[a-z]{2})", result):
        result = result[:2] + result[2].upper() + result[3:]
    return result


# --- Labels and entities ---------------------------------------------------------------

# Codes whose description is missing (commodity codes are listed without one) or unwieldy
# ("Money/Foreign Exchange") in cat-descriptions.
_TOPIC_OVERRIDES = {
    "acq": "Mergers and Acquisitions",
    "alum": "Aluminium",
    "earn": "Earnings",
    "f-cattle": "Feeder Cattle",
    "hog": "Hogs",
    "iron-steel": "Iron and Steel",
    "l-cattle": "Live Cattle",
    "lin-meal": "Linseed Meal",
    "lin-oil": "Linseed Oil",
    "meal-feed": "Meal and Feed",
    "money-fx": "Foreign Exchange",
    "oilseed": "Oilseeds",
    "orange": "Orange Juice",
    "palmkernel": "Palm Kernel",
    "citruspulp": "Citrus Pulp",
    "cornglutenfeed": "Corn Gluten Feed",
    "cotton-meal": "Cottonseed Meal",
    "cotton-oil": "Cottonseed Oil",
    "gnp": "Gross National Product",
    "heat": "Heating Oil",
    "instal-debt": "Consumer Credit",
    "jet": "Jet Fuel",
    "rape-meal": "Rapeseed Meal",
    "rape-oil": "Rapeseed Oil",
    "strategic-metal": "Strategic Metals",
    "sun-meal": "Sunflower Meal",
    "sun-oil": "Sunflower Oil",
    "sunseed": "Sunflower Seed",
    "veg-oil": "Vegetable Oil",
}
_TOPIC_LINE = re.compile(r"^\s*(?P<label>[A-Z][^()@]*?)\s*\((?P<code>[A-Z][A-Z-]*)\)\s*$")


def topic_labels(path: Path) -> dict[str, str]:
    """Read TOPICS code → label from ``cat-descriptions_120396.txt.xz``: "Crude Oil (CRUDE)".

    Only the subject-code part of the file (before the organisation codes) is read. Returns
    ``{}`` if the file is missing; ``topic_label`` then falls back to the code itself.
    """
    try:
        with open_text(path, encoding="latin-1") as stream:
            text = stream.read()
    except OSError:
        logger.warning("%s not found: TOPICS labels are made from the codes", path)
        return {}
    labels = {}
    for line in text.split("@heading[Organization Codes")[0].splitlines():
        match = _TOPIC_LINE.match(line)
        if match:
            labels[match["code"].lower()] = match["label"]
    return labels


def topic_label(code: str, labels: dict[str, str]) -> str:
    """A section name for a TOPICS code: our override, else cat-descriptions' label, else the
    code recased when it is a plain word ("wheat" → "Wheat"), else ``""``.
    """
    if code in _TOPIC_OVERRIDES:
        return _TOPIC_OVERRIDES[code]
    if code in labels:
        return labels[code]
    if code.isalpha():
        return code.capitalize()
    if re.fullmatch(r"[a-z]{3,}-(?:oil|meal|cake|belly|bean)", code):
        return " ".join(part.capitalize() for part in code.split("-"))
    return ""


# Full names for the people the indexers tagged most often, and for codes the generic rule
# would spell wrongly; names as given in cat-descriptions_120396.
_PEOPLE = {
    "balladur": "Edouard Balladur",
    "boesky": "Ivan Boesky",
    "camdessus": "Michel Camdessus",
    "bangemann": "Martin Bangemann",
    "cavaco-silva": "Anibal Cavaco Silva",
    "chirac": "Jacques Chirac",
    "conable": "Barber Conable",
    "de-clercq": "Willy de Clercq",
    "de-kock": "Gerhard de Kock",
    "de-korte": "Rudolf de Korte",
    "de-la-madrid": "Miguel de la Madrid",
    "de-larosiere": "Jacques de Larosiere",
    "del-mazo": "Alfredo del Mazo",
    "dauster": "Jorio Dauster",
    "delors": "Jacques Delors",
    "douglas": "Roger Douglas",
    "du-plessis": "Barend du Plessis",
    "eyskens": "Mark Eyskens",
    "fernandez": "Jose Fernandez",
    "garcia": "Alan Garcia",
    "gorbachev": "Mikhail Gorbachev",
    "greenspan": "Alan Greenspan",
    "hawke": "Bob Hawke",
    "herrington": "John Herrington",
    "icahn": "Carl Icahn",
    "james-baker": "James Baker",
    "keating": "Paul Keating",
    "king-fahd": "King Fahd",
    "kohl": "Helmut Kohl",
    "lawson": "Nigel Lawson",
    "leigh-pemberton": "Robin Leigh-Pemberton",
    "lyng": "Richard Lyng",
    "mancera-aguayo": "Miguel Mancera Aguayo",
    "miyazawa": "Kiichi Miyazawa",
    "mulroney": "Brian Mulroney",
    "nakasone": "Yasuhiro Nakasone",
    "o-cofaigh": "Tomas O'Cofaigh",
    "o-kennedy": "Michael O'Kennedy",
    "ongpin": "Jaime Ongpin",
    "perez-de-cuellar": "Javier Perez de Cuellar",
    "petricioli": "Gustavo Petricioli",
    "poehl": "Karl Otto Poehl",
    "reagan": "Ronald Reagan",
    "ruding": "Onno Ruding",
    "sarney": "Jose Sarney",
    "sprinkel": "Beryl Sprinkel",
    "stoltenberg": "Gerhard Stoltenberg",
    "sumita": "Satoshi Sumita",
    "tamura": "Hajime Tamura",
    "thatcher": "Margaret Thatcher",
    "volcker": "Paul Volcker",
    "von-weizsaecker": "Richard von Weizsaecker",
    "wilson": "Michael Wilson",
    "yeutter": "Clayton Yeutter",
    "zia-ul-haq": "Zia-ul-Haq",
}
_ORGANISATIONS = {
    "adb-africa": "African Development Bank",
    "adb-asia": "Asian Development Bank",
    "atpc": "Association of Tin Producing Countries",
    "comecon": "Comecon",
    "ec": "European Community",
    "eib": "European Investment Bank",
    "euratom": "Euratom",
    "gcc": "Gulf Cooperation Council",
    "icco": "International Cocoa Organisation",
    "ico-coffee": "International Coffee Organisation",
    "ico-islam": "Islamic Conference Organisation",
    "ida": "International Development Association",
    "inro": "International Natural Rubber Organisation",
    "isa": "International Sugar Agreement",
    "itc": "International Tin Council",
    "iwc-whale": "International Whaling Commission",
    "iwc-wheat": "International Wheat Council",
    "un": "United Nations",
    "worldbank": "World Bank",
}
_PLACES = {
    "guinea-bissau": "Guinea-Bissau",
    "trinidad-tobago": "Trinidad and Tobago",
    "uae": "United Arab Emirates",
    "uk": "United Kingdom",
    "us-virgin-islands": "US Virgin Islands",
    "usa": "United States",
    "ussr": "Soviet Union",
    "yemen-arab-republic": "North Yemen",
    "yemen-demo-republic": "South Yemen",
}
_KIND_BY_LIST = (("PEOPLE", "person"), ("ORGS", "organisation"), ("PLACES", "place"))


def entity_name(code: str, kind: str) -> str:
    """A readable name for an index code: the tables above first, then a rule per kind.

    People and places: the hyphenated words capitalised ("james-miller" → "James Miller",
    "west-germany" → "West Germany"). Organisations: the code in capitals, as most are
    acronyms ("opec" → "OPEC", "imf" → "IMF").
    """
    table = {"person": _PEOPLE, "organisation": _ORGANISATIONS, "place": _PLACES}[kind]
    if code in table:
        return table[code]
    if kind == "organisation":
        return code.upper()
    return " ".join(part.capitalize() for part in code.split("-") if part)


def _entities(content: str) -> list[EntityRef]:
    entities = []
    for list_name, kind in _KIND_BY_LIST:
        seen = set()
        for code in _codes(list_name, content):
            if code and code not in seen:
                seen.add(code)
                entities.append(EntityRef(name=entity_name(code, kind), kind=kind))
    return entities
