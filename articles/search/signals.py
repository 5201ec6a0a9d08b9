"""Haystack's signal processor for the archive: saves and deletes schedule the
articles they affect for re-indexing (see ``articles.search.indexing``)."""

from __future__ import annotations

from django.db.models import signals
from haystack.signals import BaseSignalProcessor

from articles.models import Article, Author, Byline, Entity, Mention, Publication, Section
from articles.search import indexing


def _article_changed(sender, instance, **kwargs):
    indexing.schedule([instance.pk])


def _link_changed(sender, instance, **kwargs):
    indexing.schedule([instance.article_id])


def _name_changed(sender, instance, **kwargs):
    # A renamed author, entity, publication or section changes facet values of its articles.
    if kwargs.get("created"):
        return
    lookup = {
        Author: "bylines__author",
        Entity: "mentions__entity",
        Publication: "publication",
        Section: "section",
    }[sender]
    ids = Article.objects.published().filter(**{lookup: instance}).values_list("pk", flat=True)
    indexing.schedule(ids)


class ArticleSignalProcessor(BaseSignalProcessor):
    def setup(self):
        signals.post_save.connect(_article_changed, sender=Article)
        signals.post_delete.connect(_article_changed, sender=Article)
        for model in (Byline, Mention):
            signals.post_save.connect(_link_changed, sender=model)
            signals.post_delete.connect(_link_changed, sender=model)
        for model in (Author, Entity, Publication, Section):
            signals.post_save.connect(_name_changed, sender=model)

    def teardown(self):
        signals.post_save.disconnect(_article_changed, sender=Article)
        signals.post_delete.disconnect(_article_changed, sender=Article)
        for model in (Byline, Mention):
            signals.post_save.disconnect(_link_changed, sender=model)
            signals.post_delete.disconnect(_link_changed, sender=model)
        for model in (Author, Entity, Publication, Section):
            signals.post_save.disconnect(_name_changed, sender=model)
