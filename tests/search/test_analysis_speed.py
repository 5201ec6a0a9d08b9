"""The analyzer's faster roads give the very words and vectors of the plain ones (issue 18).

``index_words`` and ``word_spans`` lower-case a whole text at once rather than word by
word, and read ASCII text with an ASCII pattern; ``postgres_vectors._vector`` builds its literal
with fewer steps. Each is checked here against the plain way (written out below as it was)
on hand-picked texts and on thousands of corpus texts of every script: a single term or
position that differs fails."""

import re
from pathlib import Path

import pytest

from articles.ingest.sources import corpus_records
from articles.search.analysis import (
    _ARABIC_SCRIPT,
    _WORD,
    compound_spans,
    fold_word,
    index_words,
    normalise_persian_arabic,
    positioned_words,
    stem,
    word_spans,
)
from articles.search.backends.postgres_vectors import MAX_POSITION, MAX_POSITIONS, _vector

CORPUS = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus"
# Per corpus: enough texts of each script for the rare letters and marks to turn up.
PER_CORPUS = 250
CORPORA = ("reuters", "bbc2005", "agnews", "gnews", "hamshahri", "farsnews", "kurdistan")

TRICKY = [
    "İstanbul'S İZMİR: the U.S. and Erdogan’s S-400",  # 'İ' lower-cases to two letters
    "ΟΔΟΣ:ΑΘΗΝΑ ΟΔΟΣ. ΣΟΦΟΣ's ΣΑΣ",  # final sigma depends on what follows it
    "Café crème in São Paulo; naïve résumé — ÉCOLE, straße, Ærø, ǅemal",
    "Missiles, missile; missiles! The Hague who US us 3.5% o'clock a.b.c.",
    "كتاب‌خانه و کتاب خانه، دانش گاه ۱۹۸۷ ١٩٨٧ مَدرسه‌ها",
    "Ⅻ Ⓐ ﬁnance ＡＢＣ x_y 'quoted' ''",
    "",
    # Gaps between Persian words: a joiner, two spaces, a no-break space, marks dropped
    # before and after a gap, a word folded to nothing, Latin between Persian words.
    "کتاب\u200dخانه کتاب  خانه دانش\u00a0گاه دانشـ گاه دانشِ گاهِ مَدرسه\u200c ها",
    "دانش ' گاه دانش 's گاه دانش U.S. گاه دانش گاه‌ها ۱۳۹۰ کتاب خانه.",
]


def plain_positioned_words(text: str) -> tuple[list[str], list[int] | None]:
    """``positioned_words`` by way of ``compound_spans``, with its spans."""
    found = [(position, word) for position, _, _, word in compound_spans(text)]
    positions = [position for position, _ in found]
    in_order = positions == list(range(len(found)))
    return [word for _, word in found], None if in_order else positions


def plain_index_words(text: str) -> list[str]:
    """``index_words`` as it was: each word lower-cased and checked for folding."""
    words = []
    for word in _WORD.findall(normalise_persian_arabic(text)):
        word = word.lower()
        if "." in word or "'" in word or "’" in word:
            word = fold_word(word)
            if not word:
                continue
        words.append(word)
    return words


def plain_vector(text: str) -> tuple[str, int, list[str], list[str]]:
    """``postgres_vectors._vector`` as it was, on the plain words."""
    if _ARABIC_SCRIPT.search(text):
        found = [(position, word) for position, _, _, word in compound_spans(text)]
    else:
        found = list(enumerate(plain_index_words(text)))
    words = len(found)
    positions: dict[str, list[int]] = {}
    for position, word in found:
        positions.setdefault(word, []).append(position + 1)
    merged: dict[str, list[int]] = {}
    for word, at in positions.items():
        if words > MAX_POSITION:
            at = [min(at[0], MAX_POSITION), *(p for p in at[1:] if p <= MAX_POSITION)]
        merged.setdefault(stem(word), []).extend(at[:MAX_POSITIONS])
    literal = " ".join(
        f"'{term}':{','.join(map(str, at[:MAX_POSITIONS]))}" for term, at in merged.items()
    )
    return literal, words, list(positions), list(merged)


@pytest.fixture(scope="module")
def corpus_texts() -> list[str]:
    if not CORPUS.is_dir():
        pytest.skip(f"the shared corpus is not at {CORPUS.resolve()}")
    texts = []
    for name in CORPORA:
        for record in corpus_records(name, CORPUS, limit=PER_CORPUS):
            texts += [record.title, record.summary, record.body, "\n".join(record.authors)]
    return [text for text in texts if text]


def test_lower_case_keeps_every_letter_one_letter_of_the_same_kind():
    # What lower-casing a whole text at once rests on: each character's lower case is one
    # character, a word character exactly when the character is one, and a separator of
    # ``WORD_PATTERN`` only when it is that separator. 'İ' alone breaks it (and 'Σ', whose
    # lower case depends on what follows): those texts are lower-cased word by word.
    letter = re.compile(r"[^\W_]")
    broken = []
    for code in range(0x110000):
        char = chr(code)
        lower = char.lower()
        if (
            len(lower) != 1
            or bool(letter.match(char)) != bool(letter.match(lower))
            or (char in ".'’") != (lower in ".'’")
        ):
            broken.append(char)
    assert broken == ["\u0130"]


@pytest.mark.parametrize("text", TRICKY)
def test_words_as_the_plain_way_gives_them(text):
    assert index_words(text) == plain_index_words(text)
    assert positioned_words(text) == plain_positioned_words(text)
    assert [word for _, _, word in word_spans(text)] == plain_index_words(text)
    assert _vector(text) == plain_vector(text)


def test_words_spans_and_vectors_of_corpus_texts_as_the_plain_way_gives_them(corpus_texts):
    persian = [text for text in corpus_texts if _ARABIC_SCRIPT.search(text)]
    assert len(corpus_texts) > 3000 and len(persian) > 1000  # every script is in it
    for text in corpus_texts:
        assert index_words(text) == plain_index_words(text), text[:80]
        assert positioned_words(text) == plain_positioned_words(text), text[:80]
        assert _vector(text) == plain_vector(text), text[:80]
    for text in persian[:300]:
        assert [word for _, _, word in word_spans(text)] == plain_index_words(text)


def test_compounds_are_found_in_the_tricky_texts():
    # The comparisons above meet compounds (not only words in order): joined by a joiner,
    # and written apart.
    words, positions = positioned_words(TRICKY[-2])
    assert positions is not None and "کتابخانه" in words and "دانشگاه" in words


def test_a_change_of_one_position_is_caught():
    # The comparison above is of the whole literal: one position out of place fails it.
    literal, *rest = _vector("tide and tide")
    assert (literal.replace(":1,3", ":1,2"), *rest) != plain_vector("tide and tide")


# Past the limits a literal has: more words than positions (a compound's too), more
# positions of a term than it keeps, words that share a term both long and short.
LONG = [
    " ".join(["tide"] * 5 + ["word"] * MAX_POSITION + ["ebb", "tide", "word"]),
    "runs running run ran " * 300,
    "Missiles hit. A missile missed the missiles. " * 2000,
    "کتاب خانه بزرگ کتاب‌ها " * 4200,
    "the U.S. o'neill's 3.5 a.b.c. '' " * 3000,
]


@pytest.mark.parametrize("text", LONG, ids=range(len(LONG)))
def test_long_texts_as_the_plain_way_gives_them(text):
    assert _vector(text) == plain_vector(text)
