"""Entities stored for articles, and editors' decisions kept when extraction runs again."""

import datetime as dt

import pytest
from django.core.management import call_command

from articles.entities import extract
from articles.entities.merge import merge_entities
from articles.entities.normalise import group
from articles.entities.tagging import extract_articles
from articles.models import Article, Entity, Mention
from tests import builders

pytestmark = pytest.mark.django_db

BODY = (
    "Turkish President Recep Tayyip Erdogan met Vladimir Putin in Moscow on Tuesday. "
    "Erdogan said Turkey would buy more S-400 systems. Putin welcomed the deal."
)


def names(article):
    return {m.entity.name for m in article.mentions.accepted().select_related("entity")}


@pytest.fixture
def article(search_index):
    return builders.article(body=BODY)


def test_extraction_stores_mentions_with_positions(article):
    extract_articles([article])
    mentions = {m.entity.name: m for m in article.mentions.select_related("entity")}
    assert {"Recep Tayyip Erdogan", "Vladimir Putin", "Moscow", "Turkey", "S-400"} <= set(mentions)
    erdogan = mentions["Recep Tayyip Erdogan"]
    assert erdogan.count == 2 and erdogan.origin == Mention.Origin.AUTO
    assert [BODY[s:e] for s, e in erdogan.positions] == ["Recep Tayyip Erdogan", "Erdogan"]
    assert Entity.objects.get(name="Vladimir Putin").reviewed is False  # in the review queue


def test_running_again_changes_nothing(article):
    extract_articles([article])
    before = sorted(Mention.objects.values_list("entity__name", "count", "positions"))
    extract_articles([Article.objects.get(pk=article.pk)])
    assert sorted(Mention.objects.values_list("entity__name", "count", "positions")) == before
    assert Entity.objects.filter(name="Vladimir Putin").count() == 1


def test_a_rejected_mention_stays_rejected(article):
    extract_articles([article])
    Mention.objects.filter(entity__name="Moscow").update(rejected=True)
    extract_articles([Article.objects.get(pk=article.pk)])
    assert Mention.objects.get(entity__name="Moscow").rejected
    assert "Moscow" not in names(article)


def test_a_merged_entity_stays_merged(article):
    extract_articles([article])
    survivor = builders.entity("Putin, Vladimir Vladimirovich", Entity.Kind.PERSON)
    merge_entities(survivor, [Entity.objects.get(name="Vladimir Putin")])
    extract_articles([Article.objects.get(pk=article.pk)])
    assert "Putin, Vladimir Vladimirovich" in names(article)
    assert "Vladimir Putin" not in names(article)
    assert Entity.objects.current().filter(name="Vladimir Putin").count() == 0


def test_an_editors_mention_stays(article):
    extract_articles([article])
    hand = builders.entity("Kremlin", Entity.Kind.ORGANISATION)
    Mention.objects.create(article=article, entity=hand, origin=Mention.Origin.MANUAL)
    extract_articles([Article.objects.get(pk=article.pk)])
    assert "Kremlin" in names(article)


def test_persian_articles_get_entities_from_the_gazetteer(search_index):
    builders.entity("تهران", Entity.Kind.PLACE)
    fa = builders.article(body="رئيس جمهور در تهران سخنراني كرد.", language="fa")
    extract_articles([fa])
    assert names(fa) == {"تهران"}


def test_command_filters_by_language_and_date(search_index, capsys):
    old = builders.article(body=BODY, published_on=dt.date(2001, 1, 1))
    new = builders.article(body=BODY, published_on=dt.date(2020, 1, 1))
    call_command("extract_entities", "--since", "2010-01-01", "--language", "en", "--no-progress")
    assert "Entities found in 1 of 1 articles" in capsys.readouterr().out
    assert names(new) and not names(old)


def test_command_can_take_only_articles_never_looked_at(search_index, capsys):
    looked = builders.article(body=BODY)
    extract_articles([looked])
    never = builders.article(body=BODY)
    call_command("extract_entities", "--not-yet", "--no-progress")
    assert "Entities found in 1 of 1 articles" in capsys.readouterr().out
    never.refresh_from_db()
    assert never.entities_found_at is not None and names(never)


def test_persian_keywords_stored_as_other_take_the_kind_the_text_gives(search_index):
    # A source's keywords come in as "other"; found in articles, they become what they are.
    builders.entity("ایران", Entity.Kind.OTHER)
    builders.entity("خبرگزاری پارسا", Entity.Kind.OTHER)
    fa = builders.article(body="به گزارش خبرگزاری پارسا، ایران و آلمان گفتگو کردند.", language="fa")
    extract_articles([fa])
    assert names(fa) == {"ایران", "خبرگزاری پارسا", "آلمان"}
    assert Entity.objects.get(name="ایران").kind == Entity.Kind.PLACE
    assert Entity.objects.get(name="خبرگزاری پارسا").kind == Entity.Kind.ORGANISATION


def test_a_source_keyword_that_is_no_name_is_never_found_in_texts(search_index):
    builders.entity("؛ ارشاد", Entity.Kind.OTHER)  # a keyword with its list's semicolon
    builders.entity("۲۰۲۲", Entity.Kind.OTHER)
    fa = builders.article(body="ارشاد در سال ۲۰۲۲ گزارش داد.", language="fa")
    extract_articles([fa])
    assert "؛ ارشاد" not in names(fa) and "۲۰۲۲" not in names(fa)


def test_articles_found_by_workers_get_what_one_process_gives(search_index, monkeypatch):
    from articles.entities import tagging

    monkeypatch.setattr(tagging, "BATCH_SIZE", 2)
    bodies = [
        BODY,
        "Angela Merkel spoke in Berlin. The Bundesbank said nothing.",
        "Vladimir Putin flew to Ankara. Putin met Erdogan there.",
        "The United Nations met in Geneva on Monday.",
        "Boris Johnson left London for Paris.",
    ]
    articles = [builders.article(title=f"Story {i}", body=body) for i, body in enumerate(bodies)]

    def stored():
        return {
            (m.article_id, m.entity.name, m.count, tuple(map(tuple, m.positions)))
            for m in Mention.objects.select_related("entity")
        }

    assert extract_articles(articles, processes=1) == 5
    alone = stored()
    Mention.objects.all().delete()
    assert extract_articles(articles, processes=2) == 5
    assert stored() == alone and len(alone) > 10


def test_a_batch_names_a_new_entity_once_however_many_articles_name_it(search_index):
    from articles.entities.tagging import EntityResolver, tag_articles
    from articles.search.indexing import deferred_indexing

    builders.entity("Angela-Merkel", Entity.Kind.OTHER)  # takes the slug "angela-merkel"
    one = builders.article(title="One", body="Angela Merkel spoke in Berlin.")
    two = builders.article(title="Two", body="Angela Merkel left Berlin for Paris.")
    found = {a.pk: group(extract(a.body, "en")) for a in (one, two)}
    with deferred_indexing() as scheduled:
        tag_articles([(a, found[a.pk]) for a in (one, two)], EntityResolver())
        assert {one.pk, two.pk} <= scheduled  # the entity facet of both changes
    merkel = Entity.objects.get(name="Angela Merkel")
    assert merkel.slug == "angela-merkel-2" and merkel.kind == Entity.Kind.PERSON
    assert Entity.objects.filter(name="Berlin").count() == 1
    assert names(one) == {"Angela Merkel", "Berlin"}
    assert names(two) == {"Angela Merkel", "Berlin", "Paris"}
    one.refresh_from_db()
    assert one.entities_found_at is not None


# Committed for real: a mention's article is checked when its transaction commits.
@pytest.mark.django_db(transaction=True)
def test_an_article_that_cannot_be_stored_costs_only_itself(search_index, caplog):
    from articles.entities.tagging import EntityResolver, _store

    good = builders.article(title="Good", body="Angela Merkel spoke in Berlin.")
    gone = builders.article(title="Gone", body="Vladimir Putin spoke in Moscow.")
    found = [(a, group(extract(a.body, "en"))) for a in (good, gone)]
    Article.objects.filter(pk=gone.pk).delete()  # its mentions can no longer be written
    assert _store(found, EntityResolver()) == [good]
    assert names(good) == {"Angela Merkel", "Berlin"}
    assert f"Entities of article {gone.pk} could not be stored" in caplog.text


def test_the_index_keeps_up_as_a_long_run_goes(search_index, monkeypatch):
    from articles.entities import tagging
    from articles.search import indexing

    monkeypatch.setattr(tagging, "BATCH_SIZE", 1)
    monkeypatch.setattr(tagging, "INDEX_EVERY", 2)
    applied = []
    update = indexing._update_retrying

    def watched(ids):
        applied.append(set(ids))
        return update(ids)

    monkeypatch.setattr(indexing, "_update_retrying", watched)
    articles = [
        builders.article(title=f"Story {i}", body=f"Vladimir Putin met Erdogan in Ankara ({i}).")
        for i in range(5)
    ]
    extract_articles(articles, resolve=False, processes=1)
    # Five batches indexed two at a time: three updates, not one at the end.
    assert [len(ids) for ids in applied] == [2, 2, 1]
    assert set().union(*applied) == {a.pk for a in articles}


def test_command_passes_its_processes_to_extraction(search_index, capsys, monkeypatch):
    from articles.management.commands import extract_entities as command

    asked = []
    real = command.extract_articles

    def extract_articles(articles, **options):
        asked.append(options.get("processes"))
        return real(articles, **options)

    monkeypatch.setattr(command, "extract_articles", extract_articles)
    article = builders.article(body=BODY)
    call_command("extract_entities", "--processes", "1", "--no-progress")
    assert asked == [1] and names(article)
