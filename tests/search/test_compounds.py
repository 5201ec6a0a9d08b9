"""Persian compounds written together, apart or with a ZWNJ are one word to search
(``articles.search.analysis.compound_spans``, ``syntax``): each spelling finds the others, in
matching and highlighting. The PostgreSQL backend runs the same tests
(``test_postgres_backend.py``). The Persian sentences are written for these tests."""

import pytest
from django.http import QueryDict

from articles.search import syntax
from articles.search.analysis import compound_spans, is_compound
from articles.search.highlight import highlight_words
from articles.search.service import SearchParams, run_search
from tests import builders

pytestmark = pytest.mark.django_db

ZWNJ = "\u200c"


def search(query: str):
    params = QueryDict(mutable=True)
    params["q"] = query
    return run_search(SearchParams.from_query(params))


def titles(query: str) -> set[str]:
    return {hit.article.title for hit in search(query).hits}


def joined_words(text: str) -> list[str]:
    """The compounds ``compound_spans`` adds to the words of ``text``."""
    seen, out = -1, []
    for position, _, _, word in compound_spans(text):
        if position <= seen:
            out.append(word)
        seen = max(seen, position)
    return out


# --- the rule ----------------------------------------------------------------------------
def test_a_zwnj_always_joins_and_a_space_joins_known_words_only():
    assert joined_words(f"او به کتاب{ZWNJ}خانه رفت") == ["کتابخانه"]
    assert joined_words("او به کتاب خانه رفت") == ["کتابخانه"]  # a known word, spaced
    assert joined_words("او به کتابخانه رفت") == []  # one word already
    assert joined_words(f"سرو{ZWNJ}ناز") == ["سروناز"]  # a ZWNJ says so, known or not
    assert joined_words("سرو ناز") == []  # two words: 'سروناز' is not in the word list


def test_common_words_side_by_side_are_not_joined():
    # 'دراین' is a known sloppy spelling, far rarer than 'این' itself: not one word.
    assert not is_compound("در", "این")
    assert joined_words("در این سال باران آمد") == []
    # A part of one letter is a conjunction or preposition ('و زیر' is not 'وزیر').
    assert not is_compound("و", "زیر")


def test_punctuation_or_latin_between_parts_keeps_them_apart():
    assert joined_words("کتاب، خانه") == []
    assert joined_words("کتاب\nخانه") == []
    assert joined_words("book house") == []


def test_a_plural_written_apart_is_not_counted_twice():
    # 'کتاب‌ها' is the term 'کتاب' already: no second term at the same place.
    assert joined_words(f"کتاب{ZWNJ}ها") == []


def test_the_query_asks_for_the_joined_word():
    assert syntax.parse("کتاب خانه مرکزی") == syntax.Best(
        (syntax.Term("کتابخانه"), syntax.Term("مرکزی"))
    )
    assert syntax.parse(f"کتاب{ZWNJ}خانه") == syntax.Term("کتابخانه")
    assert syntax.parse("در این") == syntax.Best((syntax.Term("در"), syntax.Term("این")))
    # Marked words keep what the reader marked: a phrase is its words in order.
    assert syntax.parse('"کتاب خانه"') == syntax.Phrase(("کتاب", "خانه"))


def test_highlighting_marks_the_compound_as_written():
    text = f"کتاب خانه و کتاب{ZWNJ}خانه و کتابخانه، نه کتاب"
    marked = highlight_words(text, "کتابخانه")
    assert marked.count("<mark>") == 3
    assert "<mark>کتاب خانه</mark>" in marked
    assert f"<mark>کتاب{ZWNJ}خانه</mark>" in marked
    assert "<mark>کتابخانه</mark>" in marked
    assert marked.endswith("نه کتاب")  # the word alone is not the compound


# --- through the search page, on a real index -------------------------------------------
@pytest.fixture
def libraries(indexed):
    with indexed():
        builders.article(title="joined", body="کتابخانه مرکزی شهر فردا باز می‌شود.", language="fa")
        builders.article(title="apart", body="کتاب خانه ملی هزار جلد تازه خرید.", language="fa")
        builders.article(title="zwnj", body=f"کتاب{ZWNJ}خانه دانشگاه تا شب باز است.", language="fa")
        builders.article(title="parts", body="این کتاب را در خانه خواندم.", language="fa")
        builders.article(title="verb", body="قطار هر روز به شمال میرود.", language="fa")
        builders.article(title="verb apart", body="اتوبوس هر شب به جنوب می رود.", language="fa")


@pytest.mark.parametrize("query", ["کتابخانه", "کتاب خانه", f"کتاب{ZWNJ}خانه"])
def test_each_spelling_finds_the_others(libraries, query):
    assert titles(query) == {"joined", "apart", "zwnj"}


def test_a_verb_with_its_prefix_apart_or_together(libraries):
    assert titles("میرود") == {"verb", "verb apart"}
    assert titles("می رود") == {"verb", "verb apart"}
    assert titles(f"می{ZWNJ}رود") == {"verb", "verb apart"}


def test_every_spelling_found_is_highlighted(libraries):
    for hit in search("کتاب خانه").hits:
        assert "<mark>" in hit.snippet, hit.article.title
    apart = next(hit for hit in search("کتابخانه").hits if hit.article.title == "apart")
    assert "<mark>کتاب خانه</mark>" in apart.snippet


def test_the_spellings_rank_alike(libraries):
    scores = {hit.article.title: hit.score for hit in search("کتابخانه").hits}
    # One occurrence each, in bodies of about the same length: about the same score
    # (the spelling with a space holds two more terms, its parts, so it is a little longer).
    assert max(scores.values()) < 1.3 * min(scores.values())
