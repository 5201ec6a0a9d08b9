"""A large import refreshes PostgreSQL's planner statistics at its end."""

import pytest
from django.core.management import call_command
from django.db import connection

from articles.management.commands import import_articles
from articles.models import Article

pytestmark = pytest.mark.django_db


def _import(tmp_path, rows: int) -> None:
    table = tmp_path / "desk.csv"
    lines = ["headline,text,date"] + [
        f"Harbour report {n},The harbour authority counted {n} ships today.,2024-03-{n + 1:02d}"
        for n in range(rows)
    ]
    table.write_text("\n".join(lines) + "\n", encoding="utf-8")
    mapping = "title=headline,body=text,published=date"
    call_command("import_articles", str(table), mapping=mapping, no_progress=True)


def _estimated_articles() -> float:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [Article._meta.db_table]
        )
        return cursor.fetchone()[0]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's statistics")
def test_an_import_past_the_threshold_analyzes(search_index, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(import_articles, "ANALYZE_AFTER", 5)
    _import(tmp_path, 8)
    assert "Planner statistics refreshed" in capsys.readouterr().out
    assert _estimated_articles() == Article.objects.count() >= 5


def test_a_small_import_leaves_statistics_to_autovacuum(search_index, tmp_path, capsys):
    _import(tmp_path, 3)
    assert Article.objects.count() == 3
    assert "Planner statistics" not in capsys.readouterr().out
