"""Pure text cleanup for PDF-to-text dumps.

The functions chain: ``normalise_text`` → split into lines → ``remove_running_headers`` →
``remove_banner_lines`` → ``rebuild_paragraphs``. Each takes and returns plain strings (or lists
of physical lines), reads no files and knows nothing of Django, so each can be tested on a
snippet of a real dump.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache

from articles.language import script_counts, word_script

# Layout spaces that PDF extractors emit; all become a plain space.
_LAYOUT_SPACES = re.compile(r"[\t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
# Invisible characters with no meaning in running text: zero-width space, word joiner, BOM,
# the bidi marks, embeddings and isolates a right-to-left masthead wraps words in, and
# private-use code points (glyphs a font draws that map to no character). ZWNJ and ZWJ
# (U+200C, U+200D) stay: Persian spelling needs them.
_INVISIBLE = re.compile(r"[\u200b\u2060\ufeff\ue000-\uf8ff]")
# Bidi controls sit where a right-to-left run meets a left-to-right one: at a word's edge, so
# they become a space ("\u202bجهان\u202cWorld" is two words).
_BIDI_CONTROLS = re.compile(r"[\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# Arabic presentation forms (the shaped glyphs a PDF of Persian or Arabic text gives); NFKC
# makes them the letters they are.
_PRESENTATION_FORMS = re.compile(r"[\ufb50-\ufdff\ufe70-\ufefe]+")
# pdftotext separates pages with a form feed; treat it, like the other separators, as a line end.
_LINE_SEPARATORS = re.compile(r"\r\n|[\r\f\v\u2028\u2029]")
_SOFT_HYPHEN = "\u00ad"
_SPACE_RUN = re.compile(" {2,}")

_PAGE_NUMBER = re.compile(
    r"(?:page\s*)?[-–—]?\s*\d{1,3}\s*[-–—]?(?:\s*(?:/|of)\s*\d{1,3})?", re.IGNORECASE
)
_WEB_ADDRESS = re.compile(
    r"(?:https?://\S+"
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
    r"|(?:www\.)?[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}(?:/\S*)?)",
    re.IGNORECASE,
)
# Decoration that running headers put between the site name, the address and the page number.
_HEADER_SEPARATORS = frozenset("|·•-–—")
# A running header is short; a repeated line longer than this is text, not furniture.
_MAX_HEADER_WORDS = 12

_SENTENCE_END = re.compile(r"[.!?…؟][\"'”’»)\]]*$")
_OPENING_PUNCTUATION = "\"'“‘«([¿¡"
_CLOSING_DASHES = "—–"
_QUOTE_PAIRS = (("“", "”"), ("«", "»"))

# Share of non-blank lines followed by a blank line above which blank lines are layout
# (the dump double-spaces every line) rather than paragraph breaks.
_DOUBLE_SPACED_SHARE = 0.75
# Lines longer than this are whole paragraphs, not a wrapped column, so blank lines between them
# are real paragraph breaks even if every line is followed by one.
_MAX_COLUMN_WIDTH = 150


def normalise_text(text: str) -> str:
    """Return ``text`` in NFC with its whitespace made regular, line structure kept.

    Expects the text of a whole dump, any line endings. Line separators (CRLF, CR, form feed,
    U+2028/9) become ``\\n``; tabs and Unicode layout spaces become spaces, runs of spaces one
    space; each line is stripped, so page-start indentation is dropped (the paragraph rebuilding
    does not rely on it). Zero-width spaces, BOMs, bidi controls and private-use glyphs are
    removed, ZWNJ kept; Arabic presentation forms become plain letters. Soft hyphens are
    removed inside a line and kept at its end, where they mark a word split by the PDF.
    Blank lines are kept: whether they mean anything is decided by ``rebuild_paragraphs``.
    """
    if text.isascii():  # already NFC; of the characters below, only line ends and tabs
        text = _LINE_SEPARATORS.sub("\n", text).replace("\t", " ")
    else:
        text = unicodedata.normalize("NFC", text)
        text = _PRESENTATION_FORMS.sub(lambda m: unicodedata.normalize("NFKC", m[0]), text)
        text = _LINE_SEPARATORS.sub("\n", text)
        text = _INVISIBLE.sub("", text)
        text = _BIDI_CONTROLS.sub(" ", text)
        text = _LAYOUT_SPACES.sub(" ", text)
    # Runs of spaces never cross a line end: collapsed in the whole text at once, not a
    # pattern call a line (a CSV file's cells are many short texts).
    lines = _SPACE_RUN.sub(" ", text).split("\n")
    if _SOFT_HYPHEN not in text:
        return "\n".join([line.strip() for line in lines])
    stripped = [line.strip() for line in lines]
    return "\n".join([line[:-1].replace(_SOFT_HYPHEN, "") + line[-1:] for line in stripped])


def is_banner_line(line: str, script: str) -> bool:
    """Whether a physical line is a banner or motto in another script than ``script``.

    Expects one line of a dump and the article's main script (see ``main_script``). A line is a
    banner when more than half its letters are in other scripts and it holds at least three
    words in them: a Persian masthead or motto in an English article. A sentence with a foreign
    name or a quoted word or two in it is mostly in the main script and stays.
    """
    counts = script_counts(line)
    letters = sum(counts.values())
    if not letters or counts[script] * 2 >= letters:
        return False
    foreign_words = [w for w in line.split() if word_script(w) not in ("", script)]
    return len(foreign_words) >= 3


def remove_banner_lines(lines: Iterable[str], script: str) -> list[str]:
    """Drop the lines ``is_banner_line`` finds; keep every other line, blank ones included."""
    return [line for line in lines if not is_banner_line(line, script)]


def is_page_number(line: str) -> bool:
    """Whether a stripped line is only a page number: "3", "- 3 -", "Page 3", "3 / 12"."""
    return bool(_PAGE_NUMBER.fullmatch(line))


def is_site_line(line: str) -> bool:
    """Whether a stripped line is only a site's furniture: web and e-mail addresses, maybe a
    page number and separators, as in "www.afgazad.com   afgazad@gmail.com   1"."""
    tokens = line.split()
    if not any(_WEB_ADDRESS.fullmatch(token) for token in tokens):
        return False
    return all(
        _WEB_ADDRESS.fullmatch(token) or token.isdigit() or token in _HEADER_SEPARATORS
        for token in tokens
    )


def web_addresses(line: str) -> list[str]:
    """The web addresses (not e-mail addresses) among the whitespace-separated tokens of a line."""
    return [token for token in line.split() if _WEB_ADDRESS.fullmatch(token) and "@" not in token]


def _header_key(line: str) -> str:
    # Page numbers change from page to page; the rest of a running header does not.
    return re.sub(r"\d+", "#", line.lower())


def remove_running_headers(lines: list[str], min_repeats: int = 3) -> list[str]:
    """Drop running headers, footers and page numbers from the physical lines of a whole dump.

    Expects normalised, stripped lines (see ``normalise_text``), blank lines allowed. Dropped:

    * lines that are only a page number, unless the line before ends in a hyphen: then the
      number more likely finishes a split name such as "S-" / "400";
    * lines made only of web or e-mail addresses, page numbers and separators;
    * short lines (at most 12 words) that recur once page numbers are ignored: twice if they
      hold a number or an address ("Afghanistan Azad – page 2"), otherwise ``min_repeats``
      times (a running title without a number).

    Blank lines are kept, so paragraph rebuilding sees the layout it expects.
    """
    keys = Counter(_header_key(line) for line in lines if line)
    kept: list[str] = []
    previous = ""
    for line in lines:
        if not line:
            kept.append(line)
            continue
        if _is_running_header(line, keys[_header_key(line)], previous, min_repeats):
            continue
        kept.append(line)
        previous = line
    return kept


def _is_running_header(line: str, repeats: int, previous: str, min_repeats: int) -> bool:
    if is_page_number(line):
        return not re.search(r"\w-$", previous)
    if is_site_line(line):
        return True
    if len(line.split()) > _MAX_HEADER_WORDS:
        return False
    has_number_or_address = bool(re.search(r"\d", line)) or bool(web_addresses(line))
    return repeats >= min_repeats or (repeats >= 2 and has_number_or_address)


def typical_line_width(lines: Iterable[str]) -> int:
    """The width of a full line of the column: the 90th percentile of non-blank line lengths.

    Lines of a justified column are nearly all this long; a paragraph's last line and a title
    are shorter. Returns 0 when there are no non-blank lines.
    """
    lengths = sorted(len(line) for line in lines if line.strip())
    if not lengths:
        return 0
    return lengths[min(len(lengths) - 1, int(len(lengths) * 0.9))]


def ends_sentence(line: str) -> bool:
    """Whether a line ends with sentence punctuation, maybe followed by closing quotes."""
    return bool(_SENTENCE_END.search(line.rstrip()))


def starts_sentence(line: str) -> bool:
    """Whether a line can start a sentence: its first letter, after any opening quote or bracket,
    is a capital, a digit or a letter of a script without case (Persian, Arabic)."""
    text = line.lstrip().lstrip(_OPENING_PUNCTUATION)
    if not text:
        return False
    first = text[0]
    return first.isdigit() or (first.isalpha() and not first.islower())


def _open_quotes(text: str) -> bool:
    return any(text.count(opening) > text.count(closing) for opening, closing in _QUOTE_PAIRS)


def split_paragraphs(lines: list[str]) -> list[list[str]]:
    """Group the physical lines of an article body into paragraphs.

    Expects stripped lines as a PDF-to-text dump gives them, headers already removed. If the
    dump double-spaces its lines (most non-blank lines are followed by a blank one, and the lines
    are the width of a column), blank lines are layout and are ignored; otherwise a blank line
    ends a paragraph.

    In a double-spaced dump a paragraph ends after a line that ends a sentence (".", "?", "!",
    "…", maybe followed by closing quotes) when the next line starts one (capital, digit,
    opening quote) and no curly quotation is left open: a quotation running over several lines
    stays in one paragraph. A sentence that happens to end at the end of a line inside a
    paragraph therefore splits it; that costs less than running two paragraphs together.
    """
    text_lines = [line for line in lines if line.strip()]
    if not text_lines:
        return []
    if not is_double_spaced(lines):
        return _split_on_blank_lines(lines)
    paragraphs: list[list[str]] = []
    current: list[str] = []
    for line, next_line in zip(text_lines, [*text_lines[1:], None], strict=True):
        current.append(line)
        if next_line is None or (
            ends_sentence(line)
            and starts_sentence(next_line)
            and not _open_quotes(" ".join(current))
        ):
            paragraphs.append(current)
            current = []
    return paragraphs


def is_double_spaced(lines: list[str]) -> bool:
    """Whether a dump puts a blank line after nearly every line of a column (so blank lines
    are layout, not paragraph breaks)."""
    followed = [bool(line.strip()) and not nxt.strip() for line, nxt in itertools.pairwise(lines)]
    non_blank = sum(1 for line in lines if line.strip())
    return (
        sum(followed) >= _DOUBLE_SPACED_SHARE * non_blank
        and typical_line_width(lines) <= _MAX_COLUMN_WIDTH
    )


def _split_on_blank_lines(lines: list[str]) -> list[list[str]]:
    paragraphs: list[list[str]] = [[]]
    for line in lines:
        if line.strip():
            paragraphs[-1].append(line)
        elif paragraphs[-1]:
            paragraphs.append([])
    return [paragraph for paragraph in paragraphs if paragraph]


def vocabulary(text: str) -> frozenset[str]:
    """The lower-cased words of ``text``, hyphenated ones ("long-term") both whole and in their
    parts, for deciding how to re-join words split at a line end."""
    words = re.findall(r"[^\W\d_]+(?:-[^\W\d_]+)*", text.lower())
    return frozenset(words) | frozenset(part for word in words for part in word.split("-"))


# How much more often (in wordfreq's Zipf scale, a log10) the hyphenated spelling must be
# written than the joined one before a hyphen at a line end is taken to be a real hyphen.
# "week-end": joined 4.9, hyphenated 5.0 -> joined; "so-called": 1.7 vs 5.5 -> kept.
HYPHEN_MARGIN = 1.0
# Languages whose word list is used; anything else falls back to English, whose list also
# knows the names and loan words a text in another Latin-script language is full of.
_WORD_LIST_LANGUAGES = frozenset({"en", "fa", "ar", "de", "fr", "es", "it", "nl", "pt", "ru"})


@lru_cache(maxsize=65536)
def _zipf(word: str, language: str) -> float:
    # Imported on first use: wordfreq takes over a second to import, and most imports
    # (corpora, HTML pages) never ask it about a split word.
    from wordfreq import zipf_frequency

    return zipf_frequency(word, language)


def is_soft_hyphen_split(head: str, tail: str, language: str = "en") -> bool:
    """Whether ``head`` + "-" at a line end and ``tail`` on the next line are one word the
    typesetter split ("govern-" / "ment") rather than a compound with a real hyphen
    ("fifth-" / "generation", "so-" / "called").

    Expects the two letter-only parts as printed. Decided with wordfreq's word list for the
    language: the joined word must be known and be written not much less often than the
    hyphenated spelling. A word neither spelling of which is known (a rare name split as
    "Gra-" / "mado") is joined unless its hyphenated spelling is itself common.
    """
    language = language if language in _WORD_LIST_LANGUAGES else "en"
    joined, hyphenated = (head + tail).lower(), f"{head}-{tail}".lower()
    joined_zipf, hyphenated_zipf = _zipf(joined, language), _zipf(hyphenated, language)
    if not joined_zipf:
        return hyphenated_zipf < 2.0
    return joined_zipf >= hyphenated_zipf - HYPHEN_MARGIN


def join_split_word(
    left: str, right: str, known_words: frozenset[str] = frozenset(), language: str = ""
) -> str:
    """Join two consecutive physical lines of one paragraph into one line.

    Expects stripped lines. When ``left`` ends in a hyphen attached to a word and ``right``
    starts with a letter or digit, the word was split at the line (or page) break and the lines
    are joined without a space. The hyphen is kept ("fifth-" + "generation", "S-" + "400",
    "F-" + "35") unless the word is a split plain word: ``right`` starts in lower case, both
    parts are letters only, and either the article itself spells the word joined elsewhere
    (``known_words``, see ``vocabulary``), or it does not spell it hyphenated and, with a
    ``language``, the word list says so (``is_soft_hyphen_split``). A soft hyphen at the end of
    ``left`` is always dropped. A dash attached to the last word ("Cold War—" + "and") joins
    without a space; otherwise the lines are joined with one space.
    """
    if not left or not right:
        return left or right
    if left.endswith(_SOFT_HYPHEN):
        return left[:-1] + right
    # Only the end of `left` matters; searching all of it made long paragraphs quadratic.
    if re.search(r"\w-$", left[-2:]) and right[0].isalnum():
        if _is_split_plain_word(left, right, known_words, language):
            return left[:-1] + right
        return left + right
    if left[-1] in _CLOSING_DASHES and len(left) > 1 and not left[-2].isspace():
        return left + right
    return f"{left} {right}"


def _is_split_plain_word(left: str, right: str, known_words: frozenset[str], language: str) -> bool:
    head = re.search(r"(?:^|[^\w-])([^\W\d_]+)-$", left[-60:])
    tail = re.match(r"[^\W\d_]+", right)
    if not head or not tail or not right[0].islower():
        return False
    # A tail that runs on with a hyphen ("year-" / "on-year") is a compound's.
    if right[tail.end() : tail.end() + 1] == "-":
        return False
    head_word, tail_word = head.group(1), tail.group(0)
    if (head_word + tail_word).lower() in known_words:
        return True
    if f"{head_word}-{tail_word}".lower() in known_words or not language:
        return False
    return is_soft_hyphen_split(head_word, tail_word, language)


def join_lines(
    lines: Iterable[str], known_words: frozenset[str] = frozenset(), language: str = ""
) -> str:
    """Join the physical lines of one paragraph (or a wrapped title) into one line, re-joining
    words split at the breaks as ``join_split_word`` describes."""
    joined = ""
    for line in lines:
        joined = join_split_word(joined, line.strip(), known_words, language)
    return joined


def rebuild_paragraphs(lines: list[str], language: str = "") -> str:
    """Turn the physical lines of an article body into text with one paragraph per line group,
    paragraphs separated by exactly one blank line.

    Expects stripped lines with running headers and banners already removed. Paragraphs are
    found by ``split_paragraphs``; split words are re-joined by ``join_split_word`` with the
    body's own words as the vocabulary and, given a ``language``, its word list.
    """
    known_words = vocabulary("\n".join(lines))
    paragraphs = (
        join_lines(paragraph, known_words, language) for paragraph in split_paragraphs(lines)
    )
    return "\n\n".join(paragraph for paragraph in paragraphs if paragraph)
