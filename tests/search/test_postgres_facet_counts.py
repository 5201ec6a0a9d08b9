"""Counting a PostgreSQL search's facets (issue 18): the facets with a column of their own
(migration 0014) are counted in one pass over the matches (single-valued: ``GROUPING SETS``)
or unnested in the select list (arrays); they must give what counting each facet from the
JSONB gives, in the same order (count, then value: which values a page shows, and which the
``MAX_FACET_VALUES`` cut keeps among equal counts), whether the search counts apart or in one
pass, and with some facets from the JSONB beside them.

Runs when the suite runs on PostgreSQL (DATABASE_URL=postgres://...); skipped on SQLite.
"""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Entity
from articles.search.backends import postgres
from tests import builders
from tests.search.engines import POSTGRES_ENGINE, POSTGRES_ONLY, search, search_engine

pytestmark = [
    pytest.mark.django_db,
    POSTGRES_ONLY,
]


@pytest.fixture
def archive(db, _search_index_in_tmp, django_capture_on_commit_callbacks):
    """Oil stories with many ties: four papers, sections, authors and entities each held by
    one, two or three of them; two languages, years and an undated one."""
    with search_engine(POSTGRES_ENGINE) as backend:
        backend.setup()
        papers = [builders.publication(name) for name in ("Zeta", "Alpha", "Mid", "Beta")]
        sections = [builders.section(name, papers[0]) for name in ("Oil", "Markets")]
        people = ["Nancy Thomas", "Ali Rezaei", "Zoe Young", "Ann Bell"]
        places = ["Saudi Arabia", "Iran", "Norway", "Iraq", "Kuwait"]
        with django_capture_on_commit_callbacks(execute=True):
            for n in range(9):
                builders.article(
                    title=f"Oil report {n}",
                    body="Oil prices moved. " + "Crude oil again. " * (n % 3),
                    pub=papers[n % 4 if n < 7 else 1],
                    sec=sections[n % 2] if n % 3 else None,
                    authors=people[n % 4 : n % 4 + n % 3],
                    entities=[(place, Entity.Kind.PLACE) for place in places[n % 5 : 5 : 2]],
                    language="fa" if n == 4 else "en",
                    published_on=None if n == 8 else dt.date(1987 + n % 3, 3, 1 + n),
                )
        yield backend


def facets(q, **extra):
    return search(q, **extra).facets


QUERIES = [("oil", {}), ("crude", {}), ("oil", {"f": "publication:Alpha"}), ("", {})]


@pytest.mark.parametrize("values", [postgres.MAX_FACET_VALUES, 2, 1])
@pytest.mark.parametrize("one_pass", [False, True])
def test_facets_from_their_columns_as_from_the_jsonb_in_order(
    archive, monkeypatch, values, one_pass
):
    monkeypatch.setattr(postgres, "MAX_FACET_VALUES", values)
    monkeypatch.setattr(archive, "_one_pass_pays", lambda cursor, where: one_pass)
    columns = [facets(q, **extra) for q, extra in QUERIES]
    some = {name: multi for name, multi in archive.facet_columns.items() if name[0] in "sae"}
    monkeypatch.setattr(archive, "facet_columns", some)  # section, authors, entities
    mixed = [facets(q, **extra) for q, extra in QUERIES]
    monkeypatch.setattr(archive, "facet_columns", {})  # every facet from the JSONB
    jsonb = [facets(q, **extra) for q, extra in QUERIES]
    assert columns == jsonb
    assert mixed == jsonb
    oil = columns[0]
    assert len(oil["publication"]) == min(values, 4)
    if values > 4:  # every value, ties in order of their values
        assert oil["publication"] == [("Alpha", 4), ("Mid", 2), ("Zeta", 2), ("Beta", 1)]
        assert oil["language"] == [("en", 8), ("fa", 1)]
        assert oil["year"] == [("1987", 3), ("1988", 3), ("1989", 2)]  # none for the undated
        assert [count for _, count in oil["entities"]] == [5, 4, 4, 2, 2]
        for counts in oil.values():
            assert counts == sorted(counts, key=lambda item: (-item[1], item[0]))


def test_the_matches_are_read_without_the_jsonb_when_every_facet_has_a_column(archive):
    with CaptureQueriesContext(connection) as captured:
        found = search("oil")
    assert found.total == 9 and {f"{name}_exact" for name in found.facets} == set(
        archive.facet_columns
    )
    (counted,) = [q["sql"] for q in captured if "count(*)" in q["sql"]]
    materialised = counted.split(" FROM ", 1)[0]
    assert "publication_exact" in materialised and "facets" not in materialised
