""" "Did you mean" offers only words of what is published now.

Whoosh keeps the words of a deleted document in its spelling graph and term statistics
until the segment holding it is merged away, and the PostgreSQL backend's vocabulary keeps
every word it ever indexed: a suggestion drawn from either could reveal a withdrawn article.
These run on Whoosh here and on PostgreSQL from ``test_postgres_backend``.
"""

import pytest
from django.http import QueryDict
from django.urls import reverse

from articles.models import Article
from articles.search.service import SearchParams, run_search
from tests import builders

pytestmark = pytest.mark.django_db

# Made-up words: rare enough that nothing else in a test archive is close to them.
SECRET = "quizzleborp"
MISSPELT = "quizleborp"


def suggestion(q: str) -> str | None:
    return run_search(SearchParams.from_query(QueryDict(f"q={q}")), suggest=True).suggestion


@pytest.fixture
def public_article(indexed):
    with indexed():
        return builders.article(title="Harbour news", body="The harbour reopened on Monday.")


def test_a_withdrawn_articles_words_are_never_suggested(indexed, client, public_article):
    with indexed():
        secret = builders.article(title="Leaked memo", body=f"The {SECRET} memo was leaked.")
    assert suggestion(MISSPELT) == SECRET  # published: a fair suggestion

    with indexed():
        secret.withdraw()
    assert suggestion(MISSPELT) is None
    page = client.get(reverse("articles:search"), {"q": MISSPELT}).content.decode()
    assert SECRET not in page

    with indexed():
        secret.publish()
    assert suggestion(MISSPELT) == SECRET  # and back when it is public again


def test_back_to_draft_is_withdrawn_too(indexed, public_article):
    with indexed():
        secret = builders.article(title="Memo", body=f"Another {SECRET} story.")
    with indexed():
        secret.status = Article.Status.DRAFT
        secret.save()
    assert suggestion(MISSPELT) is None


def test_a_draft_that_was_never_published_is_never_suggested(indexed, public_article):
    with indexed():
        builders.article(
            title="Draft", body=f"A draft about {SECRET}.", status=Article.Status.DRAFT
        )
    assert suggestion(MISSPELT) is None


def test_the_nearest_public_word_wins(indexed, public_article):
    with indexed():
        builders.article(title="Ships", body="The harbours of the coast, and one harbour.")
    # 'harbor' is one edit from 'harbour', two from 'harbours'.
    assert suggestion("harbor") == "harbour"


def test_a_very_long_word_gets_no_suggestion_and_no_wait(public_article):
    assert suggestion("h" + "arbour" * 80) is None
