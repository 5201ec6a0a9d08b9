"""Tests of the JSON API (articles/api/) and of its OpenAPI document."""

import datetime as dt

from articles.entities.merge import merge_entities
from articles.models import Article, Entity, Mention
from tests import builders

PERSON, PLACE = Entity.Kind.PERSON, Entity.Kind.PLACE


def small_archive() -> dict:
    """A few published articles and a few the public must never see, with the authors,
    entities, a rejected mention and a merged entity that go with them.

    Call inside ``with indexed():`` so that the search index holds the published ones."""
    world = builders.section("World")
    persian = builders.publication("Hamshahri", default_language="fa")
    seedlike = builders.article(
        title="Russia and Turkey intensify military cooperation",
        body=(
            "Turkish President Recep Tayyip Erdogan visited Moscow.\n\n"
            "Turkey purchased Russian S-400 anti-aircraft missiles.\n\n"
            "Forces clashed in Idlib province."
        ),
        kicker="Ankara and Moscow",
        summary="Closer ties despite objections.",
        authors=["Ulas Atesci", "Nancy Thomas"],
        entities=[("Recep Tayyip Erdogan", PERSON), ("Idlib", PLACE)],
        sec=world,
    )
    older = builders.article(
        title="Older report",
        body="Erdogan spoke in Ankara.",
        authors=["Nancy Thomas"],
        entities=[("R. T. Erdogan", PERSON)],
        published_on=dt.date(2015, 1, 2),
    )
    undated = builders.article(
        title="گزارش بدون تاریخ",
        body="متن فارسی درباره تهران.\n\nبند دوم.",
        authors=["نویسنده فارسی"],
        entities=[("تهران", PLACE)],
        published_on=None,
        pub=persian,
        language="fa",
    )
    hidden = [
        builders.article(
            title=f"Secret {status} piece",
            body="Erdogan in a text nobody may read yet.",
            status=status,
            authors=["Hidden Writer", "Nancy Thomas"],
            entities=[("Secret Source", PERSON), ("Idlib", PLACE)],
        )
        for status in (Article.Status.DRAFT, Article.Status.REVIEW, Article.Status.WITHDRAWN)
    ]
    Mention.objects.create(
        article=seedlike, entity=builders.entity("Wrongly Found", PERSON), rejected=True
    )
    erdogan = Entity.objects.get(name="Recep Tayyip Erdogan")
    merged = Entity.objects.get(name="R. T. Erdogan")
    merge_entities(erdogan, [merged])
    return {
        "seedlike": seedlike,
        "older": older,
        "undated": undated,
        "hidden": hidden,
        "erdogan": erdogan,
        "merged": merged,
    }
