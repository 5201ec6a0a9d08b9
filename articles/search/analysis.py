"""Text normalisation shared by every search backend and by the entity gazetteer.

Persian and Arabic text reaches the archive in several spellings of the same word: Arabic
yeh and kaf (ي ك) where Persian has its own (ی ک), short vowels (harakat) written or not,
tatweel stretching a word, a zero-width non-joiner (ZWNJ) or a no-break space where another
writer types a space, Persian or Arabic-Indic digits. ``normalise_persian_arabic`` folds
these to one form, so that the index, the queries and the gazetteer agree.

Most of the folding maps one character to one character. Harakat, tatweel and invisible
format characters are dropped, so the result can be shorter than the text;
``normalise_persian_arabic_offsets`` returns, with the result, where each of its characters
came from, so that a match found in the normalised text maps back onto the original.

What a word is, once for the whole archive: ``index_words`` splits text into words
(``WORD_PATTERN``, ``fold_word``), ``stem`` reduces each to its index term (Snowball English
for Latin-script words, light suffix stripping for Persian and Arabic script), and
``analyze`` / ``term_spans`` give the terms of a text. Both search backends index these terms
(Whoosh through ``articles.search.backends.whoosh.ArchiveTokenizer``, PostgreSQL as ready-made
tsvectors), the query language turns a reader's words into the same terms, and the highlighter
marks the words whose terms a query asked for: matching and highlighting cannot disagree.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable, Iterator

from whoosh.lang.snowball.english import EnglishStemmer

# One character for another. Mirrors what Lucene's Arabic and Persian normalisers do, plus
# the separators and digits; everything else passes through unchanged (Latin text included).
_REPLACE = {
    "\u064a": "\u06cc",  # ي Arabic yeh -> ی Persian yeh
    "\u0649": "\u06cc",  # ى alef maksura -> ی
    "\u0643": "\u06a9",  # ك Arabic kaf -> ک Persian keheh
    "\u06c0": "\u0647",  # ۀ heh with yeh above (ezafe) -> ه
    "\u06c1": "\u0647",  # ہ heh goal -> ه
    "\u0629": "\u0647",  # ة teh marbuta -> ه
    "\u0622": "\u0627",  # آ alef with madda -> ا
    "\u0623": "\u0627",  # أ alef with hamza above -> ا
    "\u0625": "\u0627",  # إ alef with hamza below -> ا
    "\u0671": "\u0627",  # ٱ alef wasla -> ا
    "\u200c": " ",  # zero-width non-joiner: a writer's choice between a space and none
    "\u00a0": " ",  # no-break space
    "\u202f": " ",  # narrow no-break space
    "\u2007": " ",  # figure space
    **{chr(0x0660 + d): str(d) for d in range(10)},  # Arabic-Indic digits ٠-٩
    **{chr(0x06F0 + d): str(d) for d in range(10)},  # Persian digits ۰-۹
}

# Dropped: harakat and other combining marks of the Arabic block, the superscript alef,
# tatweel, and invisible format characters (joiner, direction marks, byte-order mark).
_DROP = frozenset(
    [chr(c) for c in range(0x064B, 0x0660)]
    + ["\u0670", "\u0640", "\u200d", "\u200e", "\u200f", "\u061c", "\ufeff"]
)

_TABLE = str.maketrans({**_REPLACE, **dict.fromkeys(_DROP)})


def normalise_persian_arabic(text: str) -> str:
    """Fold the spelling variants of Persian and Arabic text to one form (see the module doc).

    Latin and other scripts pass through unchanged; case is not touched. The result is as
    long as ``text`` unless harakat, tatweel or invisible format characters were dropped.
    """
    return text.translate(_TABLE)


def normalise_persian_arabic_offsets(text: str) -> tuple[str, list[int]]:
    """``normalise_persian_arabic(text)`` and where each of its characters came from.

    Returns ``(normalised, offsets)`` with ``len(offsets) == len(normalised) + 1``:
    ``normalised[i]`` came from ``text[offsets[i]]``, and ``offsets[-1] == len(text)``. A
    span ``normalised[s:e]`` covers ``text[offsets[s]:offsets[e]]`` in the original, which
    includes any dropped marks (harakat, tatweel) written after its last letter.
    """
    normalised = normalise_persian_arabic(text)
    if len(normalised) == len(text):
        return normalised, list(range(len(text) + 1))
    offsets = [index for index, char in enumerate(text) if char not in _DROP]
    offsets.append(len(text))
    return normalised, offsets


# --- words ------------------------------------------------------------------------------
# What the search backends call a word: letters and digits, with inner dots and apostrophes
# kept for ``fold_word``. Hyphens and underscores split ('S-400' is 's' then '400').
WORD_PATTERN = r"[^\W_]+(?:[.'’][^\W_]+)*"
_WORD = re.compile(WORD_PATTERN)
# ``WORD_PATTERN`` in lower-case ASCII text (where ``[^\W_]`` is a letter or a digit).
_ASCII_WORD = re.compile(r"[a-z0-9]+(?:[.'][a-z0-9]+)*")
# The letters whose lower case differs in a whole text from in a word alone: 'İ' becomes
# two characters ('i' and a combining dot, which is no word character), and 'Σ' becomes
# 'ς' or 'σ' by what follows it.
_LOWER_IN_CONTEXT = ("\u0130", "\u03a3")


def fold_word(word: str) -> str:
    """One word of ``WORD_PATTERN`` as the index holds it before stemming: "erdogan's" is
    'erdogan', "o'neill" is 'oneill', 'u.s.' is 'us' (dots stay between digits: '3.5').
    Expects lower case; returns '' for nothing left."""
    if word.endswith(("'s", "’s")):
        word = word[:-2]
    word = word.replace("'", "").replace("’", "")
    if "." in word and not word.replace(".", "").isdigit():
        word = word.replace(".", "")
    return word


def index_words(text: str) -> list[str]:
    """The words of ``text`` as every backend indexes them before stemming: folded
    (``normalise_persian_arabic``), lower case, ``fold_word``-ed."""
    # A rebuild tokenises every article: the text is lower-cased once, not word by word.
    # Letter for letter that is the same (``_LOWER_IN_CONTEXT`` aside), and lower case keeps
    # a letter or digit one (tests/search/test_analysis_speed.py walks every code point).
    if text.isascii():  # nothing to fold, and words of ASCII letters and digits only
        words = _ASCII_WORD.findall(text.lower())
    else:
        normalised = normalise_persian_arabic(text)
        if any(letter in normalised for letter in _LOWER_IN_CONTEXT):
            words = [word.lower() for word in _WORD.findall(normalised)]
        else:
            words = _WORD.findall(normalised.lower())
    # Most words are letters and digits alone (no dot, no apostrophe): nothing to fold.
    words = [word if word.isalnum() else fold_word(word) for word in words]
    return [word for word in words if word] if "" in words else words


# --- terms --------------------------------------------------------------------------------
# Persian (and Arabic-script) inflection written onto the word, longest first: the plural
# -ها / -های / -هایی and the superlative -ترین. Only suffixes that are rarely the end of a bare
# word: -ان, -ات and -ی are plural or adjectival on some words and part of others (ایران,
# ساعات, علی), and stripping them merged more unrelated words than it joined. A stem keeps at
# least two letters.
_PERSIAN_SUFFIXES = ("هایی", "های", "ها", "ترین")
_ARABIC_SCRIPT = re.compile(r"[\u0600-\u06ff]")
_english = EnglishStemmer()


@functools.lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The index term of one folded, lower-case word (``index_words``): Snowball English
    (Porter2, the stemmer PostgreSQL calls 'english') for words with Latin letters, light
    suffix stripping for Persian and Arabic script; digits and other scripts as they are."""
    if word.isascii():
        return _english.stem(word) if any("a" <= c <= "z" for c in word) else word
    if _ARABIC_SCRIPT.search(word):
        for suffix in _PERSIAN_SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= 2:
                return word[: -len(suffix)]
    return word


# --- compounds written together, apart or with a ZWNJ --------------------------------------
# Persian writes many words in parts: 'کتابخانه', 'کتاب‌خانه' and 'کتاب خانه' are one word
# (library); 'می‌رود' and 'میرود' one verb. Every spelling is indexed under its parts and,
# where the parts are one word, also under the joined word (``compound_spans``); a query's
# adjacent plain words that are one word ask for the joined word (``syntax``), which then
# finds all three spellings with the same score. When two adjacent words are one word:
# - written with a ZWNJ (or a joiner): always, the writer said so;
# - written with a space: when the joined spelling (with or without a ZWNJ) is in the
#   language's word list (wordfreq) and is written not much less often than its rarer part
#   (``COMPOUND_MARGIN``): 'دانشگاه' joins 'دانش گاه', but 'در این' does not become the
#   sloppy 'دراین' (3 orders of magnitude rarer than 'این'), nor 'و زیر' 'وزیر' (a part of
#   one letter is a conjunction or a preposition, never joined across a space).
COMPOUND_MARGIN = 1.0  # in wordfreq's Zipf scale (log10)
# Persian's list only: Arabic rarely writes one word in parts, and its list (folded to Persian
# letters) would join Persian pairs by Arabic frequencies.
COMPOUND_LANGUAGES = ("fa",)
_JOINERS_IN_WORD = frozenset("\u200c\u200d")
_JOINED = _JOINERS_IN_WORD  # between two words: written as one
_APART = " \u200c\u200d\u00a0\u202f"  # between two words: nothing but a space or a joiner


@functools.lru_cache(maxsize=1)
def _word_zipf() -> dict[str, dict[str, float]]:
    """Per language, the Zipf frequency of each Arabic-script word of wordfreq's list, folded
    as the index folds words; a spelling with a ZWNJ counts for the joined word."""
    from wordfreq import get_frequency_dict  # on first use: 1.4 s to import

    lists = {}
    for language in COMPOUND_LANGUAGES:
        zipf: dict[str, float] = {}
        for word, frequency in get_frequency_dict(language, wordlist="small").items():
            for joiner in _JOINERS_IN_WORD:
                word = word.replace(joiner, "")
            folded = normalise_persian_arabic(word).lower()
            if not folded or not _ARABIC_SCRIPT.search(folded) or not _WORD.fullmatch(folded):
                continue
            value = math.log10(frequency * 1e9)
            if value > zipf.get(folded, 0.0):
                zipf[folded] = value
        lists[language] = zipf
    return lists


def warm_up() -> None:
    """Load the word lists compounds are judged by (wordfreq: about 1.5 s). A web process
    does it at start (``newsarchive/wsgi.py``): otherwise the first Persian search of each
    worker would spend its time budget (``SEARCH_TIME_LIMIT``) loading them."""
    _word_zipf()


@functools.lru_cache(maxsize=1)
def _listed_words() -> frozenset[str]:
    """Every word of the lists compounds are judged by: a pair whose joined spelling is not
    one of them is no compound (``is_compound``), which a set says without the lookups."""
    return frozenset().union(*_word_zipf().values())


@functools.lru_cache(maxsize=200_000)
def is_compound(left: str, right: str) -> bool:
    """Whether two folded words written apart with a space are one word (see above)."""
    if len(left) < 2 or len(right) < 2:
        return False
    if not (_ARABIC_SCRIPT.search(left) and _ARABIC_SCRIPT.search(right)):
        return False
    joined = left + right
    for zipf in _word_zipf().values():
        known = zipf.get(joined)
        if known and known >= min(zipf.get(left, 0.0), zipf.get(right, 0.0)) - COMPOUND_MARGIN:
            return True
    return False


def compound_spans(
    text: str, could_start: Callable[[str], bool] | None = None
) -> Iterator[tuple[int, int, int, str]]:
    """``(position, start, end, word)`` for each word of ``text`` (``word_spans``, at
    positions 0, 1, 2, ...) and, right after the second of two adjacent words that are one
    word (see above), the joined word at the position of its first part, its span covering
    both. What both backends index and the highlighter marks.

    ``could_start(word)``: whether a compound beginning with ``word`` could matter to the
    caller (the highlighter asks only about words its query's terms begin like); words it
    says no to are not looked up as the first part of a compound."""
    if not _ARABIC_SCRIPT.search(text):  # English and the like: no compounds to look for
        for position, (start, end, word) in enumerate(word_spans(text)):
            yield position, start, end, word
        return
    previous = None  # (start, end, word) of the word before, when in Arabic script
    for position, (start, end, word) in enumerate(word_spans(text)):
        yield position, start, end, word
        if not "\u0600" <= word[0] <= "\u06ff":  # not in Arabic script (its first letter)
            previous = None
            continue
        if previous is not None and (could_start is None or could_start(previous[2])):
            p_start, p_end, p_word = previous
            gap = text[p_end:start]
            if gap == " ":  # by far the most common gap: no joiner in it
                one = len(p_word) > 1 and len(word) > 1 and is_compound(p_word, word)
            else:
                one = bool(gap) and not gap.strip(_APART)
                one = one and bool(_JOINED & set(gap) or is_compound(p_word, word))
            if one:
                joined = p_word + word
                # 'کتاب‌ها' is 'کتاب' already: the same term twice would count it twice
                if stem(joined) not in (stem(p_word), stem(word)):
                    yield position - 1, p_start, end, joined
        previous = (start, end, word)


def positioned_words(text: str, first: int = 0) -> tuple[list[str], list[int] | None]:
    """The words ``compound_spans(text)`` gives, in its order, and their positions counted
    from ``first`` (``None`` when they are ``first``, ``first`` + 1, ...: no compound): what
    an index holds, without the spans. An import or a rebuild makes every article's
    vectors; this is ``compound_spans`` without a generator, a tuple and a span per word."""
    if not _ARABIC_SCRIPT.search(text):
        return index_words(text), None
    normalised = normalise_persian_arabic(text)
    # Where each character of ``normalised`` came from: itself unless marks were dropped.
    offsets = None if len(normalised) == len(text) else normalise_persian_arabic_offsets(text)[1]
    whole = not any(letter in normalised for letter in _LOWER_IN_CONTEXT)
    words: list[str] = []
    positions: list[int] = []
    joined_any = False
    position = first - 1
    previous = None  # the word before, when in Arabic script
    previous_end = 0  # where it ended in ``text``
    for match in _WORD.finditer(normalised.lower() if whole else normalised):
        word = match.group() if whole else match.group().lower()
        if not word.isalnum():  # a dot or an apostrophe in it
            word = fold_word(word)
            if not word:
                continue
        position += 1
        words.append(word)
        positions.append(position)
        if not "\u0600" <= word[0] <= "\u06ff":  # not in Arabic script (its first letter)
            previous = None
            continue
        start, end = match.span()
        if offsets is not None:
            start, end = offsets[start], offsets[end]
        if previous is not None:
            gap = text[previous_end:start]
            joined = previous + word
            # As in ``compound_spans``; a pair whose joined word no list holds is no
            # compound, which the set of listed words says first.
            if gap == " ":  # by far the most common gap: no joiner in it
                one = len(previous) > 1 and len(word) > 1
                one = one and joined in _listed_words() and is_compound(previous, word)
            else:
                one = bool(gap) and not gap.strip(_APART)
                one = one and bool(
                    _JOINED & set(gap)
                    or (joined in _listed_words() and is_compound(previous, word))
                )
            # 'کتاب‌ها' is 'کتاب' already: the same term twice would count it twice
            if one and stem(joined) not in (stem(previous), stem(word)):
                words.append(joined)
                positions.append(position - 1)
                joined_any = True
        previous, previous_end = word, end
    return words, positions if joined_any else None


def analyze(text: str) -> list[str]:
    """The index terms of ``text``, in order: what both backends index and search for."""
    return [stem(word) for word in index_words(text)]


def word_spans(text: str) -> Iterator[tuple[int, int, str]]:
    """``(start, end, word)`` for each word of ``text``: ``text[start:end]`` is the word as
    written (harakat and all), ``word`` as ``index_words`` gives it (folded, not stemmed)."""
    normalised, offsets = normalise_persian_arabic_offsets(text)
    # Lower-cased once, as in ``index_words``: the same letters at the same places.
    whole = not any(letter in normalised for letter in _LOWER_IN_CONTEXT)
    for match in _WORD.finditer(normalised.lower() if whole else normalised):
        word = match.group() if whole else match.group().lower()
        if not word.isalnum():  # a dot or an apostrophe in it
            word = fold_word(word)
            if not word:
                continue
        yield offsets[match.start()], offsets[match.end()], word


def term_spans(text: str) -> Iterator[tuple[int, int, str]]:
    """``(start, end, term)`` for each word of ``text`` (``word_spans``), ``term`` its index
    term: ``analyze`` gives the same terms."""
    for start, end, word in word_spans(text):
        yield start, end, stem(word)
