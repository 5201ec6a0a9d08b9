"""Resolution across the archive: short names into the one full name, kinds by the weight
of mentions, editors' decisions first, and the admin's undo."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from articles.entities.resolution import resolve_short_names, settle_kinds
from articles.entities.tagging import extract_articles
from articles.models import Entity, Mention
from tests import builders

pytestmark = pytest.mark.django_db

PERSON, PLACE = Entity.Kind.PERSON, Entity.Kind.PLACE


def mentioned(entity, articles=1, kind="person"):
    for _ in range(articles):
        Mention.objects.create(article=builders.article(), entity=entity, kind=kind)
    return entity


@pytest.fixture(autouse=True)
def _index(search_index):
    return search_index


def test_a_short_name_goes_into_the_one_full_name_ending_in_it():
    full = mentioned(builders.entity("Marta Kowalczyk", PERSON), 3)
    short = mentioned(builders.entity("Kowalczyk", PERSON), 2)
    assert resolve_short_names() == 1
    short.refresh_from_db()
    assert short.merged_into == full and short.merged_automatically
    assert full.mentions.count() == 5


def test_a_short_name_with_two_likely_full_names_stays_apart():
    mentioned(builders.entity("Marta Kowalczyk", PERSON), 3)
    mentioned(builders.entity("Jan Kowalczyk", PERSON), 2)
    short = mentioned(builders.entity("Kowalczyk", PERSON))
    assert resolve_short_names() == 0
    short.refresh_from_db()
    assert short.merged_into is None


def test_a_dominant_full_name_takes_the_short_one():
    full = mentioned(builders.entity("Marta Kowalczyk", PERSON), 10)
    mentioned(builders.entity("Jan Kowalczyk", PERSON), 1)
    short = mentioned(builders.entity("Kowalczyk", PERSON))
    assert resolve_short_names() == 1
    short.refresh_from_db()
    assert short.merged_into == full


def test_a_word_that_is_mostly_a_given_name_stays_apart():
    mentioned(builders.entity("Buffalo Tomasz", PERSON), 2)
    mentioned(builders.entity("Tomasz Nowak", PERSON), 2)
    mentioned(builders.entity("Tomasz Lis", PERSON), 1)
    short = mentioned(builders.entity("Tomasz", PERSON))
    assert resolve_short_names() == 0
    short.refresh_from_db()
    assert short.merged_into is None


def test_a_rare_given_name_does_not_hold_back_a_famous_surname():
    pope = mentioned(builders.entity("Pope Tomasz", PERSON), 3)
    mentioned(builders.entity("Tomasz Nowak", PERSON), 2)
    short = mentioned(builders.entity("Tomasz", PERSON))
    assert resolve_short_names() == 1
    short.refresh_from_db()
    assert short.merged_into == pope


def test_reviewed_or_aliased_short_names_and_other_kinds_stay_apart():
    mentioned(builders.entity("Marta Kowalczyk", PERSON), 3)
    reviewed = mentioned(builders.entity("Kowalczyk", PERSON))
    reviewed.reviewed = True
    reviewed.save()
    mentioned(builders.entity("Anna Dunmore", PERSON))
    aliased = mentioned(builders.entity("Dunmore", PERSON))
    aliased.aliases = ["Dunmore Smith"]
    aliased.save()
    mentioned(builders.entity("Lord Kirkwall", PERSON))
    mentioned(builders.entity("Kirkwall", PLACE), kind="place")
    assert resolve_short_names() == 0


def test_the_kind_is_the_one_most_mentions_were_found_as():
    entity = builders.entity("Kowalczyk", PLACE)
    mentioned(entity, 1, kind="place")
    mentioned(entity, 3, kind="person")
    assert settle_kinds() == 1
    entity.refresh_from_db()
    assert entity.kind == PERSON


def test_an_editors_kind_stands():
    entity = builders.entity("Kowalczyk", PLACE)
    entity.reviewed = True
    entity.save()
    mentioned(entity, 3, kind="person")
    assert settle_kinds() == 0
    entity.refresh_from_db()
    assert entity.kind == PLACE


def test_import_resolves_across_articles_and_the_admin_undoes_it(admin_client):
    first = builders.article(body="Marta Kowalczyk opened the new ferry terminal in Leeds.")
    second = builders.article(body="Kowalczyk said on Monday that the ferries would run late.")
    extract_articles([first, second])
    full = Entity.objects.get(name="Marta Kowalczyk")
    short = Entity.objects.get(name="Kowalczyk")
    assert short.merged_into == full and short.merged_automatically
    assert set(full.mentions.values_list("article", flat=True)) == {first.pk, second.pk}

    response = admin_client.post(
        reverse("admin:articles_entity_changelist"),
        {"action": "undo_automatic_merges", ACTION_CHECKBOX_NAME: [short.pk]},
        follow=True,
    )
    assert "mentions back in 1 articles" in response.content.decode()
    short.refresh_from_db()
    assert short.merged_into is None and short.reviewed and not short.merged_automatically
    assert list(short.mentions.values_list("article", flat=True)) == [second.pk]
    assert list(full.mentions.values_list("article", flat=True)) == [first.pk]
    assert "Kowalczyk" not in Entity.objects.get(pk=full.pk).aliases
    extract_articles([second])  # and it stays apart
    short.refresh_from_db()
    assert short.merged_into is None


def test_the_command_can_resolve_without_reading_texts(capsys):
    from django.core.management import call_command

    full = mentioned(builders.entity("Marta Kowalczyk", PERSON), 2)
    short = mentioned(builders.entity("Kowalczyk", PLACE), 2, kind="person")
    call_command("extract_entities", "--resolve-only")
    assert "1 entities changed kind, 1 short names merged." in capsys.readouterr().out
    short.refresh_from_db()
    assert short.kind == PERSON and short.merged_into == full


def _mention(article, entity, positions, kind="person"):
    return Mention.objects.create(
        article=article, entity=entity, count=len(positions), positions=positions, kind=kind
    )


def test_undo_puts_back_exactly_what_resolution_moved_without_reading_the_texts():
    from articles.entities.english import pipeline
    from articles.entities.resolution import undo_automatic_merge

    body = "Marta Kowalczyk met the mayor. Kowalczyk said the ferries would run late."
    both = builders.article(body=body)
    alone = builders.article(body="Kowalczyk spoke. Later Kowalczyk left.")
    full = builders.entity("Marta Kowalczyk", PERSON)
    short = builders.entity("Kowalczyk", PERSON)
    _mention(both, full, [[0, 15]])
    _mention(both, short, [[31, 40]])  # kept apart in this article (say, an editor's split)
    _mention(alone, short, [[0, 9], [23, 32]], kind="place")
    assert resolve_short_names() == 1
    assert Mention.objects.get(article=both, entity=full).count == 2

    calls = pipeline.cache_info()
    assert undo_automatic_merge(Entity.objects.get(pk=short.pk)) == 2
    # spaCy was not asked for: the undo read the record, not the texts.
    assert pipeline.cache_info() == calls

    mine = {m.article_id: m for m in Mention.objects.filter(entity=short)}
    assert mine[both.pk].positions == [[31, 40]] and mine[both.pk].count == 1
    assert mine[alone.pk].positions == [[0, 9], [23, 32]] and mine[alone.pk].kind == "place"
    theirs = Mention.objects.get(article=both, entity=full)
    assert theirs.positions == [[0, 15]] and theirs.count == 1
    assert not Mention.objects.filter(article=alone, entity=full).exists()
    short.refresh_from_db()
    assert short.resolution == {} and short.reviewed and short.merged_into is None


def test_undo_also_gives_back_articles_found_through_the_alias_since_the_merge():
    from articles.entities.resolution import undo_automatic_merge

    full = mentioned(builders.entity("Marta Kowalczyk", PERSON), 3)
    short = mentioned(builders.entity("Kowalczyk", PERSON), 1)
    resolve_short_names()
    later = builders.article(body="On Friday Kowalczyk opened the terminal.")
    _mention(later, full, [[10, 19]])  # extraction found "Kowalczyk" through the alias
    named = builders.article(body="Marta Kowalczyk, and again Kowalczyk.")
    _mention(named, full, [[0, 15], [27, 36]])  # the full name is there: it stays
    undo_automatic_merge(Entity.objects.get(pk=short.pk))
    assert Mention.objects.get(article=later).entity_id == short.pk
    assert Mention.objects.get(article=named).entity_id == full.pk


def test_resolve_only_after_an_upgrade_reads_no_texts_and_records_what_it_merged(capsys):
    from django.core.management import call_command

    from articles.entities.english import pipeline

    full = mentioned(builders.entity("Marta Kowalczyk", PERSON), 2)
    short = mentioned(builders.entity("Kowalczyk", PERSON), 1)
    article = short.mentions.get().article_id
    calls = pipeline.cache_info()
    call_command("extract_entities", "--resolve-only")
    assert pipeline.cache_info() == calls
    short.refresh_from_db()
    assert short.merged_into == full
    assert [m["article"] for m in short.resolution["mentions"]] == [article]
    assert short.resolution["aliases"] == ["Kowalczyk"]


def test_many_merges_take_a_few_queries(django_assert_max_num_queries):
    for i in range(30):
        mentioned(builders.entity(f"Marta Kowalczyk{i}", PERSON), 2)
        mentioned(builders.entity(f"Kowalczyk{i}", PERSON), 2)
    with django_assert_max_num_queries(15):
        assert resolve_short_names() == 30
    for i in range(30):
        short = Entity.objects.get(name=f"Kowalczyk{i}")
        assert short.merged_into.name == f"Marta Kowalczyk{i}" and short.merged_automatically
        assert len(short.resolution["mentions"]) == 2
        assert short.merged_into.mentions.count() == 4


def test_two_short_spellings_join_one_full_name_in_one_article_and_come_apart_again():
    from articles.entities.resolution import undo_automatic_merge

    article = builders.article(body="Kowalczyk and KOWALCZYK, Marta Kowalczyk.")
    full = builders.entity("Marta Kowalczyk", PERSON)
    _mention(article, full, [[25, 40]])
    mentioned(full, 3)
    one = builders.entity("Kowalczyk", PERSON)
    _mention(article, one, [[0, 9]])
    other = builders.entity("KOWALCZYK", PERSON)
    _mention(article, other, [[14, 23]])
    editors = builders.article(body="Kowalczyk.")
    Mention.objects.create(article=editors, entity=one, origin=Mention.Origin.MANUAL)
    assert resolve_short_names() == 2
    joined = Mention.objects.get(article=article, entity=full)
    assert joined.count == 3 and joined.positions == [[0, 9], [14, 23], [25, 40]]
    assert Mention.objects.get(article=editors).entity_id == full.pk
    assert Mention.objects.get(article=editors).origin == Mention.Origin.MANUAL
    assert sorted(Entity.objects.get(pk=full.pk).aliases) == ["KOWALCZYK", "Kowalczyk"]
    undo_automatic_merge(Entity.objects.get(pk=other.pk))
    undo_automatic_merge(Entity.objects.get(pk=one.pk))
    assert Mention.objects.get(article=article, entity=full).positions == [[25, 40]]
    assert Mention.objects.get(article=article, entity=one).positions == [[0, 9]]
    assert Mention.objects.get(article=article, entity=other).positions == [[14, 23]]
    assert Mention.objects.get(article=editors).entity_id == one.pk


def test_the_index_follows_the_merges(indexed):
    from haystack.query import SearchQuerySet

    with indexed():
        full = mentioned(builders.entity("Marta Kowalczyk", PERSON), 2)
        short = builders.entity("Kowalczyk", PERSON)
        Mention.objects.create(
            article=builders.article(body="Kowalczyk opened the ferry terminal."), entity=short
        )
    with indexed():
        resolve_short_names()
    facets = dict(
        SearchQuerySet().auto_query("ferry").facet("entities").facet_counts()["fields"]["entities"]
    )
    assert facets == {"Marta Kowalczyk": 1}
    assert full.mentions.count() == 3


def test_a_name_after_a_title_of_rank_is_that_person_however_common_as_a_given_name():
    prince = mentioned(builders.entity("Prince Tomasz", PERSON), 3)
    mentioned(builders.entity("Tomasz Nowak", PERSON), 2)
    mentioned(builders.entity("Tomasz Lis", PERSON), 2)
    short = mentioned(builders.entity("Tomasz", PERSON))
    # and a title that is no rank takes nothing so ("Uncle Ossie" is nobody's "Ossie")
    mentioned(builders.entity("Uncle Bartosz", PERSON), 3)
    mentioned(builders.entity("Bartosz Nowak", PERSON), 4)
    other = mentioned(builders.entity("Bartosz", PERSON))
    assert resolve_short_names() == 1
    short.refresh_from_db()
    other.refresh_from_db()
    assert short.merged_into == prince and other.merged_into is None
