"""Small builders for archive objects: each call makes what a test needs, nothing more."""

import datetime as dt
import itertools

from articles.models import Article, Author, Byline, Entity, Mention, Publication, Section

_counter = itertools.count(1)


def publication(name="The Daily Record", **kwargs) -> Publication:
    return Publication.objects.get_or_create(name=name, defaults=kwargs)[0]


def section(name="World", pub=None) -> Section:
    return Section.objects.get_or_create(publication=pub or publication(), name=name)[0]


def author(name="Nancy Thomas") -> Author:
    return Author.objects.get_or_create(name=name)[0]


def entity(name="Recep Tayyip Erdogan", kind=Entity.Kind.PERSON) -> Entity:
    return Entity.objects.get_or_create(name=name, kind=kind)[0]


def article(
    title=None,
    body="Plain body text about nothing in particular.",
    *,
    status=Article.Status.PUBLISHED,
    authors=(),
    entities=(),
    published_on=dt.date(2019, 9, 5),
    pub=None,
    sec=None,
    language="en",
    **kwargs,
) -> Article:
    n = next(_counter)
    pub = pub or publication()
    obj = Article.objects.create(
        title=title or f"Article number {n}",
        body=body,
        status=status,
        published_on=published_on,
        publication=pub,
        section=sec,
        language=language,
        checksum=f"{n:064d}",
        **kwargs,
    )
    for position, name in enumerate(authors):
        Byline.objects.create(article=obj, author=author(name), position=position)
    for name, kind in entities:
        Mention.objects.create(article=obj, entity=entity(name, kind), count=1)
    return obj
