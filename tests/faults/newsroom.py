"""Editors at work, for the fault tests: ``python -m tests.faults.newsroom <what> ...`` in a
deployment's environment (see conftest.Site).

- ``desk N``: N published articles for the editors to share, indexed as saved.
- ``edit EDITOR STOP``: one editor (a gunicorn worker, as far as the index can tell) saving
  through the ORM, each change in a transaction as a request makes it, so the index is
  updated by ``articles.search.indexing``'s on-commit path: retitles, withdraws, publishes
  and writes articles of the shared desk until the file STOP exists.
- ``verify``: prints, one a line, every way the index differs from the database: the
  published articles it lacks, the entries it has that are not published articles, and the
  articles whose current title does not find them (their index copy is an older one).

Every title an editor writes ends with a word found nowhere else (``e<editor>n<number>``), so
a title search finds an article exactly when the index holds its latest version.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import time
from pathlib import Path

import django

DESK = "Desk story"


def desk(count: int) -> None:
    from articles.models import Article, Publication

    pub, _ = Publication.objects.get_or_create(name="The Daily Record")
    for n in range(count):
        Article.objects.create(
            title=f"{DESK} {n} d0n{n}",
            body="Harbour talks went on.",
            status=Article.Status.PUBLISHED,
            published_on=dt.date(2020, 1, 1),
            publication=pub,
            language="en",
        )


def edit(editor: int, stop: Path, min_changes: int = 20) -> None:
    from django.db import transaction

    from articles.models import Article, Publication

    rnd = random.Random(editor)
    pub = Publication.objects.get(name="The Daily Record")
    changes = 0
    while changes < min_changes or not stop.exists():
        changes += 1
        stamp = f"e{editor}n{changes}"
        choice = rnd.random()
        with transaction.atomic():
            if choice < 0.1:
                Article.objects.create(
                    title=f"{DESK} by editor {editor} {stamp}",
                    body="A new story from the desk.",
                    status=Article.Status.PUBLISHED,
                    published_on=dt.date(2020, 1, 2),
                    publication=pub,
                    language="en",
                )
                continue
            ids = list(Article.objects.filter(title__startswith=DESK).values_list("pk", flat=True))
            article = Article.objects.get(pk=rnd.choice(ids))
            if choice < 0.6:
                article.title = f"{DESK} {article.pk} {stamp}"
                article.save()
            elif choice < 0.8:
                article.withdraw()
            else:
                article.publish()
        time.sleep(rnd.uniform(0, 0.02))
    print(f"editor {editor}: {changes} changes")


def verify() -> None:
    from haystack import connections

    from articles.models import Article
    from articles.search.backends.base import ArchiveSearchQuerySet

    published = dict(Article.objects.published().values_list("pk", "title"))
    in_index = connections["default"].get_backend().indexed_ids(Article)
    for pk in sorted(published.keys() - in_index):
        print(f"missing {pk}")
    for pk in sorted(in_index - published.keys()):
        print(f"extra {pk}")
    for pk, title in sorted(published.items()):
        word = title.split()[-1]
        hits = [int(r.pk) for r in ArchiveSearchQuerySet().models(Article).archive(f"title:{word}")]
        if pk in in_index and hits != [pk]:
            print(f"stale {pk}: title:{word} finds {hits}")


def main(argv: list[str]) -> None:
    django.setup()
    what, *args = argv
    if what == "desk":
        desk(int(args[0]))
    elif what == "edit":
        edit(int(args[0]), Path(args[1]))
    elif what == "verify":
        verify()
    else:
        raise SystemExit(f"unknown: {what}")


if __name__ == "__main__":
    main(sys.argv[1:])
