"""Merging entities, in the function and through the admin."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse
from haystack.query import SearchQuerySet

from articles.entities.merge import merge_entities
from articles.models import Entity, Mention
from tests import builders

pytestmark = pytest.mark.django_db


@pytest.fixture
def duplicates(indexed):
    with indexed():
        full = builders.entity("Recep Tayyip Erdogan", Entity.Kind.PERSON)
        short = builders.entity("Erdogan", Entity.Kind.PERSON)
        both = builders.article(body="Erdogan spoke.", entities=[])
        Mention.objects.create(article=both, entity=full, count=2, positions=[[0, 7]])
        Mention.objects.create(article=both, entity=short, count=1, positions=[[20, 27]])
        only_short = builders.article(body="Erdogan again.")
        Mention.objects.create(article=only_short, entity=short, count=3)
    return full, short, both, only_short


def test_mentions_and_names_move_to_the_survivor(duplicates):
    full, short, both, only_short = duplicates
    assert merge_entities(full, [full, short]) == 1
    short.refresh_from_db()
    full.refresh_from_db()
    assert short.merged_into == full
    assert full.aliases == ["Erdogan"]
    merged = Mention.objects.get(article=both, entity=full)
    assert merged.count == 3 and merged.positions == [[0, 7], [20, 27]]
    assert Mention.objects.get(article=only_short).entity == full
    assert not Mention.objects.filter(entity=short).exists()


def test_a_rejection_survives_the_merge(duplicates):
    full, short, both, _ = duplicates
    Mention.objects.filter(article=both, entity=short).update(rejected=True)
    merge_entities(full, [short])
    assert Mention.objects.get(article=both, entity=full).rejected


def test_the_old_address_redirects_and_search_facets_follow(duplicates, client, indexed):
    full, short, *_ = duplicates
    with indexed():
        merge_entities(full, [short])
    response = client.get(short.get_absolute_url())
    assert response.status_code == 301 and response["Location"] == full.get_absolute_url()
    facets = dict(
        SearchQuerySet()
        .auto_query("erdogan")
        .facet("entities")
        .facet_counts()["fields"]["entities"]
    )
    assert facets == {"Recep Tayyip Erdogan": 2}


def test_merging_twice_flattens_the_chain(duplicates):
    full, short, *_ = duplicates
    third = builders.entity("R. T. Erdogan", Entity.Kind.PERSON)
    merge_entities(short, [third])
    merge_entities(full, [short])
    third.refresh_from_db()
    assert third.merged_into == full


def test_admin_merge_asks_which_survives_then_merges(admin_client, duplicates):
    full, short, *_ = duplicates
    url = reverse("admin:articles_entity_changelist")
    data = {"action": "merge_selected", ACTION_CHECKBOX_NAME: [full.pk, short.pk]}
    page = admin_client.post(url, data)
    assert page.status_code == 200 and b"Which entity do the others become?" in page.content
    admin_client.post(url, {**data, "survivor": full.pk})
    short.refresh_from_db()
    assert short.merged_into == full


def test_admin_rejects_a_mention(admin_client, duplicates, client):
    full, short, both, only_short = duplicates
    mention = Mention.objects.get(article=only_short)
    admin_client.post(
        reverse("admin:articles_mention_changelist"),
        {"action": "reject_selected", ACTION_CHECKBOX_NAME: [mention.pk]},
    )
    mention.refresh_from_db()
    assert mention.rejected
    html = client.get(only_short.get_absolute_url()).content.decode()
    assert short.get_absolute_url() not in html


def test_entity_form_takes_aliases_one_per_line(admin_client):
    entity = builders.entity("United States", Entity.Kind.PLACE)
    admin_client.post(
        reverse("admin:articles_entity_change", args=[entity.pk]),
        {
            "name": "United States",
            "slug": entity.slug,
            "kind": "place",
            "aliases": "US\r\nU.S.\r\n\r\nUS",
            "description": "",
        },
    )
    entity.refresh_from_db()
    assert entity.aliases == ["US", "U.S."]


def test_review_queue_lists_unreviewed_entities(admin_client):
    builders.entity("Newly Found", Entity.Kind.PERSON)
    reviewed = builders.entity("Known Person", Entity.Kind.PERSON)
    Entity.objects.filter(pk=reviewed.pk).update(reviewed=True)
    html = admin_client.get(
        reverse("admin:articles_entity_changelist"), {"reviewed__exact": "0"}
    ).content.decode()
    assert "Newly Found" in html and "Known Person" not in html
