"""Persian and Arabic spelling variants meet in the index: a query typed with modern Persian
letters finds Hamshahri articles written with Arabic ones (real Hamshahri text)."""

import re
from pathlib import Path

import pytest
from django.http import QueryDict

from articles.ingest.corpora import hamshahri
from articles.ingest.pipeline import import_records
from articles.models import Article
from articles.search.service import SearchParams, run_search

pytestmark = pytest.mark.django_db

FOLDER = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus" / "hamshahri2_sample_fa"
ARABIC_FORMS = re.compile(r"[يك]")


def persian_spelling(word: str) -> str:
    return word.replace("ي", "ی").replace("ك", "ک")


@pytest.fixture
def hamshahri_articles(search_index):
    if not FOLDER.is_dir():
        pytest.skip(f"Hamshahri corpus not found at {FOLDER.resolve()}")
    created = import_records(hamshahri.read(FOLDER, limit=40)).created
    return list(Article.objects.filter(pk__in=created).order_by("pk"))


def search(q):
    params = QueryDict(mutable=True)
    params["q"] = q
    return run_search(SearchParams.from_query(params))


def test_modern_persian_letters_find_arabic_spellings(hamshahri_articles):
    article = next(a for a in hamshahri_articles if ARABIC_FORMS.search(a.body))
    word = max((w for w in article.body.split() if ARABIC_FORMS.search(w) and len(w) > 4), key=len)
    query = persian_spelling(word.strip("«»،.:؛()"))
    assert query != word  # the reader types other letters than the paper printed
    outcome = search(query)
    assert article.pk in {hit.article.pk for hit in outcome.hits}
    hit = next(h for h in outcome.hits if h.article.pk == article.pk)
    assert "<mark>" in hit.snippet  # and the printed word is highlighted


def test_zwnj_and_no_break_space_are_word_breaks(search_index, indexed):
    from tests import builders

    with indexed():
        found = builders.article(title="خبر", body="او می\u200cخواهد به تهران برود", language="fa")
    assert found.pk in {h.article.pk for h in search("می خواهد").hits}
    assert found.pk in {h.article.pk for h in search("می\u00a0خواهد").hits}
