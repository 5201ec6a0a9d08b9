"""Nationalities and other groups are entities of their own kind: found by search and on
their own pages, but not in entity lists and facets unless asked for by kind."""

import pytest
from django.urls import reverse

from articles.models import Entity
from tests import builders

pytestmark = pytest.mark.django_db

GROUP, PLACE = Entity.Kind.GROUP, Entity.Kind.PLACE


@pytest.fixture
def archive(indexed):
    with indexed():
        builders.article(
            title="Harbour vote",
            body="Irish voters in Cork backed the harbour plan.",
            entities=[("Irish", GROUP), ("Cork", PLACE)],
        )


def test_the_entity_index_lists_groups_only_when_asked(client, archive):
    everything = client.get(reverse("articles:entities")).content.decode()
    assert "Cork" in everything and "Irish" not in everything
    groups = client.get(reverse("articles:entities"), {"kind": "group"}).content.decode()
    assert "Irish" in groups and "Cork" not in groups


def test_the_api_lists_groups_only_when_asked(client, archive):
    names = [e["name"] for e in client.get(reverse("articles:api-entities")).json()["results"]]
    assert names == ["Cork"]
    asked = client.get(reverse("articles:api-entities"), {"kind": "group"}).json()["results"]
    assert [e["name"] for e in asked] == ["Irish"]


def test_search_finds_a_group_but_offers_no_facet_for_it(client, archive):
    data = client.get(reverse("articles:api-search"), {"q": 'entity:"Irish"'}).json()
    assert data["count"] == 1
    assert [v["value"] for v in data["facets"]["entities"]] == ["Cork"]


def test_a_groups_own_page_stays(client, archive):
    irish = Entity.objects.get(name="Irish")
    assert client.get(irish.get_absolute_url()).status_code == 200
