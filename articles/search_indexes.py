"""What haystack indexes for each article (haystack discovers this module by name).

Only public articles (``articles.public``) are in the index, with the mentions their pages
show: ``index_queryset`` says so for rebuilds and updates, and ``articles.search.indexing``
removes an article the moment it stops being public. Facet fields hold display names, never
slugs or stems, so facet counts read as the names they count.
"""

from django.db.models import Prefetch
from haystack import indexes
from haystack.constants import DJANGO_CT, DJANGO_ID, ID
from haystack.utils import get_identifier

from articles import public
from articles.models import Article, bylines_prefetch


def revision(pk: int, updated_at) -> str:
    """``"<pk>@<updated_at>"``: one article as last changed. The id is part of the value so
    that a search over many documents tells which document holds which version."""
    return f"{pk}@{updated_at.isoformat() if updated_at else ''}"


_ARTICLE_CT = "articles.article"  # haystack's get_model_ct(Article)


class ArticleIndex(indexes.SearchIndex, indexes.Indexable):
    # No field boosts: how much a title match weighs is ``articles.search.ranking``'s
    # business, the same for every backend.
    text = indexes.CharField(document=True)
    title = indexes.CharField(model_attr="title")
    publication = indexes.CharField(faceted=True, default="")
    section = indexes.CharField(faceted=True, default="")
    authors = indexes.MultiValueField(faceted=True)
    entities = indexes.MultiValueField(faceted=True)
    # The names again as analysed text, for author: and entity: queries.
    author_names = indexes.CharField(default="")
    entity_names = indexes.CharField(default="")
    language = indexes.CharField(model_attr="language", faceted=True, default="")
    year = indexes.CharField(faceted=True, default="")
    published_on = indexes.DateField(model_attr="published_on", null=True)
    # Which version of the article the index holds (``revision``), for `manage.py
    # check_index`. A facet field because facet values are what every backend gives back
    # per document; it is never offered to readers (``articles.search.facets.FACETS``).
    revision = indexes.FacetCharField()

    def get_model(self):
        return Article

    def index_queryset(self, using=None):
        return (
            public.articles()
            .select_related("publication", "section")
            # Joined in each prefetch, not prefetched again: Django 5.2 on SQLite turns a
            # second-hop prefetch of thousands of entities into an OR chain SQLite
            # refuses ("Expression tree is too large"). Into plain lists (to_attr): a
            # prefetch into the related managers builds a queryset per article and
            # relation, a sixth of a full rebuild's time.
            .prefetch_related(
                bylines_prefetch(),
                Prefetch(
                    "mentions",
                    queryset=public.mentions().select_related("entity"),
                    to_attr="indexed_mentions",
                ),
            )
            .order_by("pk")
        )

    def read_queryset(self, using=None):
        # Results are loaded from here: a stale index entry can never show a
        # non-public article.
        return public.articles().for_listing()

    def full_prepare(self, obj: Article, with_string_facet: bool = True) -> dict:
        """What haystack's ``full_prepare`` gives for this index, field by field, in its
        order: haystack's way calls each field's ``prepare`` (attribute lookups, a value
        thrown away for each ``prepare_<field>``), then each ``prepare_<field>``, then
        copies each facet's source, reading the authors three times and the mentions four:
        a tenth of an import's indexing (docs/performance.md, "session 10").
        tests/test_search_indexes.py holds it to haystack's on every state of an article."""
        if not with_string_facet:  # no backend of ours asks for it
            return super().full_prepare(obj, with_string_facet)
        authors = self.prepare_authors(obj)
        named = self._entities(obj)
        names = [name for name, _kind in named]
        entities = [name for name, kind in named if kind not in public.UNLISTED_KINDS]
        publication = self.prepare_publication(obj)
        section = self.prepare_section(obj)
        language = obj.language if obj.language is not None else ""
        year = self.prepare_year(obj)
        prepared = {
            ID: get_identifier(obj),
            DJANGO_CT: _ARTICLE_CT,
            DJANGO_ID: str(obj.pk),
            "text": self._text(obj, authors, names),
            "title": str(obj.title),
            "publication": publication,
            "publication_exact": publication,
            "section": section,
            "section_exact": section,
            "authors": authors,
            "authors_exact": authors,
            "entities": entities,
            "entities_exact": entities,
            "author_names": "\n".join(authors),
            "entity_names": "\n".join(names),
            "language": language,
            "language_exact": language,
            "year": year,
            "year_exact": year,
            "published_on": obj.published_on,
            "revision": self.prepare_revision(obj),
        }
        if prepared["published_on"] is None:  # null=True: haystack leaves it out
            del prepared["published_on"]
        self.prepared_data = prepared
        return prepared

    def prepare_text(self, obj: Article) -> str:
        return self._text(obj, self.prepare_authors(obj), self._entity_names(obj, unlisted=True))

    @staticmethod
    def _text(obj: Article, authors: list[str], names: list[str]) -> str:
        # Built here rather than in a document template: rendering a template per
        # article was the largest cost of a full rebuild.
        return "\n".join(
            [obj.title, obj.kicker, " ".join(authors), " ".join(names), obj.summary, obj.body]
        )

    def prepare_publication(self, obj: Article) -> str:
        return obj.publication.name if obj.publication is not None else ""

    def prepare_section(self, obj: Article) -> str:
        return obj.section.name if obj.section is not None else ""

    # An article's authors and entities come, in this order of preference, as names read
    # by ``articles.search.indexing`` (``indexed_authors``, ``indexed_entities``), as
    # index_queryset's prefetches (``listed_bylines``, ``indexed_mentions``; an import's
    # articles made ahead hold these too), or from the article's relations.
    def prepare_authors(self, obj: Article) -> list[str]:
        names = getattr(obj, "indexed_authors", None)
        if names is not None:
            return list(names)
        return [author.name for author in obj.ordered_authors()]

    @staticmethod
    def _entities(obj: Article) -> list[tuple[str, str]]:
        """``(name, kind)`` of the entity of each mention the public sees, in order."""
        named = getattr(obj, "indexed_entities", None)
        if named is not None:
            return named
        mentions = getattr(obj, "indexed_mentions", None)
        if mentions is None:
            mentions = [mention for mention in obj.mentions.all() if not mention.rejected]
        return [(mention.entity.name, mention.entity.kind) for mention in mentions]

    def _entity_names(self, obj: Article, *, unlisted: bool) -> list[str]:
        return [
            name
            for name, kind in self._entities(obj)
            if unlisted or kind not in public.UNLISTED_KINDS
        ]

    def prepare_entities(self, obj: Article) -> list[str]:
        # The facet: groups are searchable by entity: but not offered as a filter.
        return self._entity_names(obj, unlisted=False)

    def prepare_author_names(self, obj: Article) -> str:
        return "\n".join(self.prepare_authors(obj))

    def prepare_entity_names(self, obj: Article) -> str:
        return "\n".join(self._entity_names(obj, unlisted=True))

    def prepare_revision(self, obj: Article) -> str:
        return revision(obj.pk, obj.updated_at)

    def prepare_year(self, obj: Article) -> str:
        return str(obj.published_on.year) if obj.published_on else ""
