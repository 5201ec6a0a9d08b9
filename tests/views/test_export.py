"""Exports: any search's results as CSV or JSON Lines from /api/export/ (linked from the
search page) and from `manage.py export_articles`; published articles only, streamed,
spreadsheet-safe, limited to MAX_ROWS on the site."""

import csv
import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from articles.models import Article, Entity
from articles.search import export
from articles.search.service import OVER_BUDGET_MESSAGE
from tests import builders

pytestmark = pytest.mark.django_db

URL = reverse("articles:export")


@pytest.fixture
def archive(indexed):
    with indexed():
        first = builders.article(
            title='=HYPERLINK("http://evil.example","click")',
            body="Drought in the hills.",
            summary="-2+3 and more",
            authors=["@Nancy Thomas", "Ulas Atesci"],
            entities=[("Idlib", Entity.Kind.PLACE), ("Recep Tayyip Erdogan", Entity.Kind.PERSON)],
            published_on=dt.date(2018, 4, 2),
        )
        second = builders.article(
            title="Drought deepens", body="The drought deepens.", published_on=dt.date(2019, 5, 1)
        )
        builders.article(title="Floods", body="Floods in the valley.")
        builders.article(title="Drought draft", body="Drought draft.", status=Article.Status.DRAFT)
    return {"first": first, "second": second}


def download(client, **params) -> tuple[object, str]:
    response = client.get(URL, params)
    assert response.status_code == 200, response.content
    assert response.streaming
    return response, b"".join(response.streaming_content).decode()


def test_csv_has_metadata_url_citation_entities_and_no_formulas(client, archive):
    response, text = download(client, q="drought", sort="oldest")
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [row["id"] for row in rows] == [str(archive["first"].pk), str(archive["second"].pk)]
    first = rows[0]
    assert first["title"].startswith("'=HYPERLINK")  # text to a spreadsheet, not a formula
    assert first["summary"] == "'-2+3 and more"
    assert first["authors"] == "'@Nancy Thomas; Ulas Atesci"
    assert set(first["entities"].split("; ")) == {"Idlib", "Recep Tayyip Erdogan"}
    assert first["url"] == "http://testserver" + archive["first"].get_absolute_url()
    assert first["published_on"] == "2018-04-02" and first["publication"] == "The Daily Record"
    assert "The Daily Record, 2 April 2018" in first["citation"]
    assert "body" not in first
    assert "Drought draft" not in text


def test_jsonl_with_full_text_keeps_values_as_written(client, archive):
    response, text = download(client, q="drought", format="jsonl", full_text="1", sort="newest")
    assert response["Content-Type"].startswith("application/jsonl")
    records = [json.loads(line) for line in text.splitlines()]
    assert [r["title"] for r in records][0] == "Drought deepens"
    assert records[1]["authors"] == ["@Nancy Thomas", "Ulas Atesci"]  # no CSV escaping here
    assert records[1]["body"] == "Drought in the hills."


def test_filters_and_date_range_as_on_the_search_page(client, archive):
    _, text = download(client, q="drought", **{"from": "2019"}, format="jsonl")
    assert [json.loads(line)["title"] for line in text.splitlines()] == ["Drought deepens"]
    _, text = download(client, f="entities:Idlib", format="jsonl")
    assert len(text.splitlines()) == 1


def test_a_search_matching_nothing_is_a_header_only(client, archive):
    _, text = download(client, q="volcano")
    assert text.splitlines() == [",".join(export.COLUMNS)]


def test_withdrawn_after_indexing_is_left_out(client, archive):
    # Withdrawn without the index hearing of it: the database has the last word.
    Article.objects.filter(pk=archive["second"].pk).update(status=Article.Status.DRAFT)
    _, text = download(client, q="drought", format="jsonl")
    assert [json.loads(line)["id"] for line in text.splitlines()] == [archive["first"].pk]


def test_over_the_limit_a_clear_message(client, archive, monkeypatch):
    monkeypatch.setattr(export, "MAX_ROWS", 1)
    response = client.get(URL, {"q": "drought"})
    assert response.status_code == 422
    assert response.json()["error"] == "too many results"
    assert "export_articles" in response.json()["detail"]


def test_bad_format_over_budget_and_broken_index(client, archive, settings):
    assert client.get(URL, {"q": "drought", "format": "xlsx"}).status_code == 400
    settings.SEARCH_TIME_LIMIT = 0.0
    response = client.get(URL, {"q": "drought"})
    assert response.status_code == 422 and response.json()["detail"] == OVER_BUDGET_MESSAGE


def test_broken_index_is_503(client, broken_index):
    response = client.get(URL, {"q": "drought"})
    assert response.status_code == 503 and response["Retry-After"]


def test_rows_are_read_in_chunks(archive, django_assert_max_num_queries, monkeypatch):
    ids = [archive["first"].pk, archive["second"].pk]
    monkeypatch.setattr(export, "CHUNK", 1)
    # Per chunk: the articles, their bylines, their mentions.
    with django_assert_max_num_queries(2 * 3):
        records = list(export.rows(ids, lambda path: path))
    assert [r["id"] for r in records] == ids


def test_the_search_page_links_to_both_formats(client, archive):
    html = client.get(reverse("articles:search"), {"q": "drought"}).content.decode()
    assert f"{URL}?q=drought&amp;format=csv" in html
    assert f"{URL}?q=drought&amp;format=jsonl" in html


def test_the_command_exports_without_the_limit(archive, tmp_path, monkeypatch):
    monkeypatch.setattr(export, "MAX_ROWS", 1)
    out = tmp_path / "all.jsonl"
    call_command(
        "export_articles",
        "-q",
        "drought",
        "--format",
        "jsonl",
        "--base-url",
        "https://archive.example.org/",
        "-o",
        str(out),
        stderr=io.StringIO(),
    )
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(records) == 2
    assert records[0]["url"].startswith("https://archive.example.org/articles/")
    stdout = io.StringIO()
    call_command(
        "export_articles", "-f", "publication:The Daily Record", stdout=stdout, stderr=io.StringIO()
    )
    assert len(list(csv.DictReader(io.StringIO(stdout.getvalue())))) == 3


def test_addresses_of_persian_slugs_are_the_articles_own(client, indexed):
    with indexed():
        article = builders.article(
            title="گفت‌وگوهای آستانه", body="گفت‌وگوها ادامه دارد", language="fa"
        )
    _, text = download(client, q="گفت‌وگوها", format="jsonl")
    (record,) = [json.loads(line) for line in text.splitlines()]
    assert record["url"] == "http://testserver" + article.get_absolute_url()
    assert client.get(article.get_absolute_url()).status_code == 200
