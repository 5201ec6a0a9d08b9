"""The search features of the site on the PostgreSQL backend: the Whoosh backend's own tests
(query language, facets, indexing, Persian) run again here against PostgreSQL full-text
search, plus what is particular to this backend.

Runs when the suite runs on PostgreSQL (DATABASE_URL=postgres://...); skipped on SQLite.
"""

import datetime as dt
import json

import pytest
from django.db import connection
from haystack import connections
from haystack.query import SearchQuerySet

from tests import builders
from tests.search.engines import (
    POSTGRES_ENGINE,
    POSTGRES_ONLY,
    search,
    search_engine,
)
from tests.search.test_compounds import (  # noqa: F401
    libraries,
    test_a_verb_with_its_prefix_apart_or_together,
    test_each_spelling_finds_the_others,
    test_every_spelling_found_is_highlighted,
    test_the_spellings_rank_alike,
)

# The same behaviours, against this backend: the fixtures below replace `search_index`
# and `indexed` for every test of this module, imported ones included.
from tests.search.test_persian import (  # noqa: F401
    hamshahri_articles,
    test_modern_persian_letters_find_arabic_spellings,
    test_zwnj_and_no_break_space_are_word_breaks,
)
from tests.search.test_query_language import (  # noqa: F401
    archive,
    test_boolean_and_exclusion,
    test_date_ranges_include_both_ends_and_never_undated_articles,
    test_did_you_mean_only_when_little_is_found,
    test_field_queries,
    test_hyphenated_designators_and_abbreviations,
    test_more_like_this_finds_similar_published_articles,
    test_only_exclusion_means_everything_else,
    test_phrase,
    test_prefix,
    test_proximity,
    test_sort_and_date_range,
    test_title_matches_rank_above_body_matches,
    test_words_are_stemmed,
    test_year_facet_counts_follow_filters,
)
from tests.search.test_relevance import (  # noqa: F401
    quake,
    test_a_plain_query_no_article_fully_matches_still_finds_the_partial_ones,
    test_a_prefix_ranks_by_the_words_it_stands_for,
    test_a_rarer_word_outweighs_a_common_one,
    test_a_short_title_sharing_one_word_does_not_outrank_the_subject,
    test_common_words_rank_but_do_not_select,
    test_feedback_reorders_but_never_adds_or_removes_matches,
    test_marked_words_keep_their_strict_meaning,
    test_plain_words_find_articles_with_any_of_them_all_first,
)
from tests.search.test_suggestions import (  # noqa: F401
    public_article,
    test_a_draft_that_was_never_published_is_never_suggested,
    test_a_very_long_word_gets_no_suggestion_and_no_wait,
    test_a_withdrawn_articles_words_are_never_suggested,
    test_back_to_draft_is_withdrawn_too,
    test_the_nearest_public_word_wins,
)
from tests.search.test_whoosh_backend import (  # noqa: F401
    test_facet_filter_keeps_only_that_value,
    test_facets_count_real_names_not_stems,
    test_only_published_articles_are_indexed,
    test_rebuild_replaces_the_index_in_one_pass,
    test_renaming_an_author_updates_the_facet,
    test_searcher_sees_new_documents_after_a_write,
    test_sync_index_repairs_drift,
    test_withdrawing_removes_at_once_and_publishing_adds,
)

pytestmark = [
    pytest.mark.django_db,
    POSTGRES_ONLY,
]


@pytest.fixture
def search_index(_search_index_in_tmp):
    """This test searches with the PostgreSQL backend, on an empty table."""
    with search_engine(POSTGRES_ENGINE) as backend:
        yield backend


@pytest.fixture
def indexed(search_index, django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def titles(q, **extra):
    return [hit.article.title for hit in search(q, **extra).hits]


def test_the_backend_in_use_is_postgres(search_index):
    from articles.search.backends.postgres import PostgresSearchBackend

    assert isinstance(connections["default"].get_backend(), PostgresSearchBackend)


def test_quotes_and_sql_in_queries_are_only_words(indexed):
    with indexed():
        builders.article(title="Drop tables", body="Someone typed drop table search document.")
    assert titles("drop'); DROP TABLE search_document; --") == ["Drop tables"]
    assert titles("\\' \" '' :* & | ! <-> title:'") == []
    assert titles("drop tables") == ["Drop tables"]  # the table is still there


def test_facet_filters_with_quotes_and_several_values(indexed):
    with indexed():
        builders.article(authors=['Ali "The Pen" Rezaei', "Nancy Thomas"], body="Oil prices")
        builders.article(authors=["Nancy Thomas"], body="Oil exports")
    outcome = search("oil", f=['authors:Ali "The Pen" Rezaei', "authors:Nancy Thomas"])
    assert outcome.total == 1
    assert dict(outcome.facets["authors"]) == {'Ali "The Pen" Rezaei': 1, "Nancy Thomas": 1}


def test_pages_and_total(indexed):
    with indexed():
        for day in range(1, 26):
            builders.article(body="Budget debate", published_on=dt.date(2020, 1, day))
    first = search("budget", sort="newest")
    assert first.total == 25 and len(first.hits) == 20
    assert first.hits[0].article.published_on == dt.date(2020, 1, 25)
    second = search("budget", sort="newest", page="2")
    assert [h.article.published_on.day for h in second.hits] == [5, 4, 3, 2, 1]


def test_browsing_without_a_query_lists_everything_by_facet(indexed):
    with indexed():
        builders.article(body="one", language="en")
        builders.article(body="two", language="fa")
    outcome = search("", f="language:fa")
    assert outcome.total == 1
    assert dict(outcome.facets["language"]) == {"fa": 1}


def test_arabic_letters_in_the_text_are_found_with_persian_ones(indexed):
    with indexed():
        found = builders.article(title="خبر", body="رئيس جمهور به كرمان رفت", language="fa")
    assert [h.article.pk for h in search("رئیس کرمان").hits] == [found.pk]


def test_search_reads_from_the_table_the_backend_made(indexed):
    with indexed():
        article = builders.article(title="Rows", body="Stored as rows")
    with connection.cursor() as cursor:
        cursor.execute("SELECT django_id, facets FROM search_document")
        rows = cursor.fetchall()
    assert [row[0] for row in rows] == [str(article.pk)]
    assert json.loads(rows[0][1])["publication_exact"] == "The Daily Record"


def test_facet_counts_by_aggregation_over_the_matches(indexed):
    with indexed():
        builders.article(body="Grain deal", published_on=dt.date(2022, 7, 22))
        builders.article(body="Grain prices", published_on=dt.date(2023, 1, 5))
        builders.article(body="Weather", published_on=dt.date(2023, 1, 6))
    sqs = SearchQuerySet().auto_query("grain").facet("year")
    assert dict(sqs.facet_counts()["fields"]["year"]) == {"2022": 1, "2023": 1}


def test_field_prefix_and_proximity_of_three_words(indexed):
    with indexed():
        builders.article(title="Military talks", body="Generals met envoys and ministers today.")
        builders.article(title="Civil talks", body="Military generals later met envoys.")
    assert titles("title:milit*") == ["Military talks"]
    assert titles('"generals envoys ministers"~3') == ["Military talks"]
    assert set(titles('"generals envoys"~3')) == {"Military talks", "Civil talks"}


def test_reindex_swaps_in_a_table_with_its_indexes(search_index):
    from django.core.management import call_command

    builders.article(title="Kept", body="alpha")
    call_command("reindex")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'search_document' ORDER BY 1"
        )
        names = [name for (name,) in cursor.fetchall()]
    assert names == [
        "search_document_authors_idx",
        "search_document_ct_idx",
        "search_document_document_idx",
        "search_document_entities_idx",
        "search_document_labels_idx",
        "search_document_language_asc_idx",
        "search_document_language_idx",
        "search_document_newest_idx",
        "search_document_pkey",
        "search_document_publication_asc_idx",
        "search_document_publication_idx",
        "search_document_published_idx",
        "search_document_salient_idx",
        "search_document_section_asc_idx",
        "search_document_section_idx",
        "search_document_title_idx",
        "search_document_year_asc_idx",
        "search_document_year_idx",
    ]
    assert titles("alpha") == ["Kept"]
    # The copy's generated columns (migration 0014) are generated still: filled on insert.
    assert titles("title:kept") == ["Kept"]
    assert search("alpha", f="language:en").total == 1


def test_a_statement_over_the_time_limit_is_over_budget(search_index, settings):
    from articles.search.backends.base import SearchOverBudget
    from articles.search.backends.postgres import _time_limited

    settings.SEARCH_TIME_LIMIT = 0.05
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        before = cursor.fetchone()[0]
    with pytest.raises(SearchOverBudget), _time_limited("default") as cursor:
        cursor.execute("SELECT pg_sleep(2)")
    with _time_limited("default") as cursor:
        cursor.execute("SELECT 1")
    with connection.cursor() as cursor:  # the limit stays inside the search
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == before


def test_term_statistics_stay_in_step_with_every_write(indexed):
    """BM25 reads how many documents hold each term from ``search_term``: every write
    (index, re-index, withdraw) keeps it equal to a count over the documents themselves."""
    from articles.search.backends.postgres_tables import TABLE, TERMS, TOTALS

    def kept():
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT term, documents FROM {TERMS} WHERE documents > 0")
            terms = dict(cursor.fetchall())
            cursor.execute(f"SELECT documents, length FROM {TOTALS}")
            return terms, cursor.fetchone()

    def counted():
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT t, count(*) FROM {TABLE}, "
                "unnest(tsvector_to_array(ts_filter(document, '{d}'))) t GROUP BY t"
            )
            terms = dict(cursor.fetchall())
            cursor.execute(f"SELECT count(*), coalesce(sum(length), 0) FROM {TABLE}")
            return terms, cursor.fetchone()

    with indexed():
        first = builders.article(title="Grain", body="Wheat and barley prices rose.")
        builders.article(title="Oil", body="Oil prices fell; wheat held.")
    assert kept() == counted() and kept()[0]["wheat"] == 2
    with indexed():
        first.body = "Barley only."
        first.save()
    assert kept() == counted() and kept()[0]["wheat"] == 1
    with indexed():
        first.withdraw()
    assert kept() == counted() and "barley" not in kept()[0]
