"""A source's own keywords reach the archive as entities only when they name something
(articles.entities.cleanup.source_entity, called where import stores them)."""

import pytest

from articles.ingest import pipeline
from articles.ingest.record import ArticleRecord, EntityRef
from articles.models import Article

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _index(search_index):
    return search_index


def stored(record: ArticleRecord, path: str) -> Article:
    """``record`` imported by ``path``: the one-by-one store or the batch import."""
    if path == "one by one":
        return pipeline.store(record)[0]
    report = pipeline.import_records([record], find_entities=False)
    return Article.objects.get(pk=report.created[0])


@pytest.mark.parametrize("path", ["one by one", "in a batch"])
def test_keywords_that_name_nothing_are_not_stored_and_names_get_their_kind(path):
    record = ArticleRecord(
        title="Keywords",
        body="متن خبر",
        source_name="keywords-1",
        language="fa",
        entities=[
            EntityRef("؛ اقتصاد", "other"),
            EntityRef("۱۴۰۱", "other"),
            EntityRef("۱۴ رشته", "other"),  # 14 fields: a count
            EntityRef("۳ تیم ملی", "organisation"),  # 3 national teams
            EntityRef("آنچه", "person"),  # what
            EntityRef("خبرگزاری فارس", "other"),
        ],
    )
    article = stored(record, path)
    assert list(article.mentions.values_list("entity__name", "entity__kind")) == [
        ("خبرگزاری فارس", "organisation")
    ]


@pytest.mark.parametrize("path", ["one by one", "in a batch"])
def test_keywords_are_judged_in_the_articles_language(path):
    # "قام" (did) and "التي" (which) are Arabic function words, not Persian ones: an Arabic
    # article's tags are judged by the Arabic list, not by the script's default, Persian.
    record = ArticleRecord(
        title="كلمات",
        body="نص الخبر",
        source_name="keywords-ar-1",
        language="ar",
        entities=[
            EntityRef("قام", "person"),
            EntityRef("التي", "organisation"),
            EntityRef("الأمم المتحدة", "organisation"),
        ],
    )
    article = stored(record, path)
    assert list(article.mentions.values_list("entity__name", flat=True)) == ["الأمم المتحدة"]
