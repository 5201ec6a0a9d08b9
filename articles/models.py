"""The archive's data: publications and their sections, authors, articles, and the
entities (people, organisations, places) the articles mention."""

from __future__ import annotations

import functools
import re
from urllib.parse import quote

from django.conf import settings
from django.db import models
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.text import slugify


def slug_base(text: str, max_length: int = 80) -> str:
    """The slug ``text`` asks for, before any "-2" that keeps it unique.

    ``slugify`` drops non-Latin letters unless asked to keep them, so Persian and
    Arabic names keep their own letters; an empty result falls back to 'item'. Long
    titles are cut at a word boundary so that URLs stay readable.
    """
    base = slugify(text, allow_unicode=True)
    if len(base) > max_length:
        base = base[: max_length + 1].rsplit("-", 1)[0]
    return base[:max_length].strip("-") or "item"


def unique_slug(model: type[models.Model], text: str, *, max_length: int = 80, **scope) -> str:
    """A slug for ``text`` (``slug_base``) not yet used by ``model`` (within ``scope``):
    'x', 'x-2', 'x-3'…"""
    base = slug_base(text, max_length)
    slug, n = base, 1
    while model._default_manager.filter(slug=slug, **scope).exists():
        n += 1
        suffix = f"-{n}"
        slug = f"{base[: max_length - len(suffix)]}{suffix}"
    return slug


# What ``UnicodeSlugConverter`` (articles/urls.py) takes, and how ``reverse`` quotes a path.
_SLUG = re.compile(r"[-\w]+")
_PATH_SAFE = RFC3986_SUBDELIMS + "/~:@"


@functools.lru_cache(maxsize=64)
def _slug_url_parts(name: str, slugs: int, script_prefix: str, urlconf: str) -> tuple[str, ...]:
    """The URL named ``name`` cut around its ``slugs`` slugs: ``reverse`` once per name
    (and script prefix and URL conf, which ``reverse`` reads)."""
    markers = [f"__{n}__" for n in range(slugs)]
    url = reverse(name, urlconf=urlconf, args=markers)
    parts = []
    for marker in markers:
        before, found, url = url.partition(marker)
        assert found and marker not in url, f"{name}: {marker} is not once in its URL"
        parts.append(before)
    return (*parts, url)


def slug_url(name: str, *slugs: str) -> str:
    """``reverse(name, args=slugs)`` for a URL whose arguments are slugs (``uslug``), the
    same string: its pattern reversed once, the slugs quoted into it. A list page links
    every card's article, authors, publication and section: ``reverse`` for each was a
    tenth of the search page's Python (docs/performance.md, "The search page's worker
    (session 11)"). A slug the converter would refuse goes through ``reverse``, which
    raises as before."""
    if not all(_SLUG.fullmatch(slug) for slug in slugs):
        return reverse(name, args=slugs)
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    parts = _slug_url_parts(name, len(slugs), get_script_prefix(), urlconf)
    pieces = [parts[0]]
    for slug, after in zip(slugs, parts[1:], strict=True):
        pieces.append(quote(slug, safe=_PATH_SAFE))
        pieces.append(after)
    return "".join(pieces)


def web_link(url: str) -> str:
    """``url`` when it is an http(s) address, else '' (a stored 'javascript:' URL must never
    become a link: URL validation runs in forms, not on every save)."""
    return url if url.lower().startswith(("http://", "https://")) else ""


class Publication(models.Model):
    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=200, unique=True, allow_unicode=True)
    homepage = models.URLField(blank=True)
    default_language = models.CharField(max_length=12, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Publication, self.name)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return slug_url("articles:publication", self.slug)

    @property
    def homepage_link(self) -> str:
        return web_link(self.homepage)


class Section(models.Model):
    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="sections")
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, allow_unicode=True)

    class Meta:
        ordering = ["publication__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["publication", "slug"], name="section_unique_slug"),
            models.UniqueConstraint(fields=["publication", "name"], name="section_unique_name"),
        ]

    def __str__(self) -> str:
        return f"{self.publication} — {self.name}"

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Section, self.name, publication=self.publication)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return slug_url("articles:section", self.publication.slug, self.slug)


class Author(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True, allow_unicode=True)
    aliases = models.JSONField(default=list, blank=True, help_text="Other spellings of the name.")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Author, self.name)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return slug_url("articles:author", self.slug)


# What an article's card shows beside it: its paper, and its section with the section's paper
# (``ArticleQuerySet.for_listing``; a search page's cards, ``search.service.card_meta``).
LISTED_WITH = ("publication", "section__publication")


def bylines_prefetch() -> models.Prefetch:
    """An article's bylines in order, with their authors, into the list ``listed_bylines``
    that ``Article.ordered_authors`` reads: for cards (``ArticleQuerySet.for_listing``) and
    for the search index (``ArticleIndex.index_queryset``) alike; an import's articles made
    ahead of storing set the same list (``articles.ingest.bulk.index_ahead``)."""
    return models.Prefetch(
        "bylines",
        queryset=Byline.objects.select_related("author").order_by("position"),
        to_attr="listed_bylines",
    )


class ArticleQuerySet(models.QuerySet):
    def published(self) -> ArticleQuerySet:
        """Articles the public may see: published, and nothing else."""
        return self.filter(status=Article.Status.PUBLISHED)

    def for_listing(self) -> ArticleQuerySet:
        """What a list of article cards needs, in a fixed number of queries: the
        publication and section joined, the bylines (in order, with their authors) in a
        list, ``listed_bylines``, which ``Article.ordered_authors`` reads. A list rather than
        the bylines' related manager: Django makes a queryset per article to hold a prefetch
        there, a sixth of loading a search page's twenty articles."""
        return self.select_related(*LISTED_WITH).prefetch_related(bylines_prefetch())

    def newest_first(self) -> ArticleQuerySet:
        return self.order_by(models.F("published_on").desc(nulls_last=True), "-id")


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        REVIEW = "review", "In review"
        PUBLISHED = "published", "Published"
        WITHDRAWN = "withdrawn", "Withdrawn"

    title = models.CharField(max_length=500)
    slug = models.SlugField(max_length=220, unique=True, allow_unicode=True)
    kicker = models.CharField("kicker / subtitle", max_length=500, blank=True)
    summary = models.TextField(blank=True)
    body = models.TextField(help_text="Paragraphs separated by a blank line.")

    publication = models.ForeignKey(
        Publication, on_delete=models.PROTECT, related_name="articles", null=True, blank=True
    )
    section = models.ForeignKey(
        Section, on_delete=models.SET_NULL, related_name="articles", null=True, blank=True
    )
    # Annotated: the stubs cannot follow a through model named by a string.
    authors: models.ManyToManyField[Author, Byline] = models.ManyToManyField(
        Author, through="Byline", related_name="articles", blank=True
    )
    published_on = models.DateField(
        "publication date", null=True, blank=True, help_text="When the source published it."
    )
    language = models.CharField(max_length=12, blank=True, help_text="ISO 639 code, e.g. en, fa.")
    source_url = models.URLField(max_length=1000, blank=True)

    original_file = models.FileField(upload_to="originals/%Y/%m/", blank=True)
    source_name = models.CharField(
        max_length=500, blank=True, help_text="The file or corpus item it was imported from."
    )
    raw_text = models.TextField(blank=True, help_text="The text as imported, before cleanup.")
    checksum = models.CharField(
        max_length=64,
        unique=True,
        null=True,
        blank=True,
        editable=False,
        help_text="SHA-256 of the imported text: the same document twice is one article.",
    )
    word_count = models.PositiveIntegerField(default=0, editable=False)
    source_format = models.CharField(
        max_length=40,
        blank=True,
        editable=False,
        help_text="How the raw text is read again when cleanup improves.",
    )
    missing_fields = models.JSONField(
        default=list,
        blank=True,
        editable=False,
        help_text="What the import could not find; such articles wait for review.",
    )
    edited_fields = models.JSONField(
        default=list,
        blank=True,
        editable=False,
        help_text="Fields an editor corrected by hand; a re-import leaves them as they are.",
    )

    entities_found_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When entities were last looked for in the body; empty: not yet.",
    )

    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="When the archive first published it."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_on", "-id"]
        indexes = [
            models.Index(fields=["status", "published_on"], name="article_status_date"),
            # Previous / next within a publication and its date listings (issue 18): the
            # date is in the index, so a step to the neighbour reads a few index entries
            # rather than every public article of the publication.
            models.Index(
                fields=["publication", "status", "published_on"],
                name="article_publication_date",
            ),
            models.Index(fields=["section", "status"], name="article_section_status"),
            # The newest change, one step down this index: what the sitemaps' cache is
            # keyed by (``articles.sitemaps``).
            models.Index(fields=["updated_at"], name="article_updated"),
            models.Index(fields=["source_url"], name="article_source_url"),
            models.Index(fields=["source_name"], name="article_source_name"),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Article, self.title)
        self.word_count = len(self.body.split())
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return slug_url("articles:article", self.slug)

    @property
    def source_link(self) -> str:
        """The source URL if it is a web address one may follow, else ''."""
        return web_link(self.source_url)

    @property
    def is_public(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def paragraphs(self) -> list[str]:
        return [p.strip() for p in self.body.split("\n\n") if p.strip()]

    @property
    def direction(self) -> str:
        return "rtl" if self.language in RTL_LANGUAGES else "ltr"

    def ordered_authors(self) -> list[Author]:
        """Authors in byline order; from ``for_listing()``'s bylines when loaded by it."""
        bylines = getattr(self, "listed_bylines", None)
        if bylines is None:
            bylines = self.bylines.all()
        return [byline.author for byline in bylines]

    def publish(self) -> None:
        self.status = self.Status.PUBLISHED
        self.save()

    def withdraw(self) -> None:
        self.status = self.Status.WITHDRAWN
        self.save()


# Languages written right to left: Persian, Arabic, Central Kurdish (Sorani), Urdu, Hebrew…
RTL_LANGUAGES = frozenset({"fa", "ar", "ckb", "ur", "he", "ps", "yi", "dv", "sd", "ug"})


class Byline(models.Model):
    """One author of one article, in the order the byline names them."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="bylines")
    author = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="bylines")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["article", "author"], name="byline_unique_author")
        ]

    def __str__(self) -> str:
        return f"{self.author} on {self.article}"


class EntityQuerySet(models.QuerySet):
    def current(self) -> EntityQuerySet:
        """Entities in use: not merged into another."""
        return self.filter(merged_into__isnull=True)


class Entity(models.Model):
    class Kind(models.TextChoices):
        PERSON = "person", "Person"
        ORGANISATION = "organisation", "Organisation"
        PLACE = "place", "Place"
        # Nationalities, religious and political groups ("Irish", "Republicans").
        GROUP = "group", "Group"
        OTHER = "other", "Other"

    name = models.CharField(max_length=300)
    slug = models.SlugField(max_length=220, unique=True, allow_unicode=True)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.OTHER)
    aliases = models.JSONField(default=list, blank=True, help_text="Other names it goes by.")
    description = models.TextField(blank=True)
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="merged",
        editable=False,
        help_text="Merged into this entity; its old address redirects there.",
    )
    reviewed = models.BooleanField(
        default=False, help_text="An editor has checked this entity (review queue)."
    )
    merged_automatically = models.BooleanField(
        default=False,
        editable=False,
        help_text="Merged by automatic resolution (a short name into the archive's one full "
        "name), not by an editor; the admin can undo it.",
    )
    resolution = models.JSONField(
        default=dict,
        blank=True,
        editable=False,
        help_text="What automatic resolution moved into the entity this one was merged into "
        "(each article's mention: count, positions, kind; the aliases it added), so that "
        "undoing it puts exactly that back.",
    )
    created_at = models.DateTimeField(auto_now_add=True, null=True)

    objects = EntityQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "entities"
        indexes = [models.Index(fields=["kind", "name"], name="entity_kind_name")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Entity, self.name)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return slug_url("articles:entity", self.slug)

    def survivor(self) -> Entity:
        """The entity this one lives on as: itself, or the end of its merge chain."""
        entity, seen = self, {self.pk}
        # The id is checked first, so that a loop ends without loading the entity again.
        while entity.merged_into_id not in seen and entity.merged_into is not None:
            entity = entity.merged_into
            seen.add(entity.pk)
        return entity


class MentionQuerySet(models.QuerySet):
    def accepted(self) -> MentionQuerySet:
        """Mentions that stand: not rejected by an editor."""
        return self.filter(rejected=False)


class Mention(models.Model):
    """An article mentions an entity, ``count`` times, at ``positions`` in its body."""

    class Origin(models.TextChoices):
        AUTO = "auto", "Found automatically"
        SOURCE = "source", "Tagged by the source"
        MANUAL = "manual", "Added by an editor"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="mentions")
    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="mentions")
    count = models.PositiveIntegerField(default=1)
    positions = models.JSONField(
        default=list, blank=True, help_text="[start, end] character offsets in the body."
    )
    origin = models.CharField(max_length=8, choices=Origin.choices, default=Origin.AUTO)
    kind = models.CharField(
        max_length=16,
        blank=True,
        help_text="The kind extraction gave the entity in this article; an entity no editor "
        "has reviewed takes the kind most of its mentions give.",
    )
    rejected = models.BooleanField(
        default=False,
        help_text="An editor says this is wrong: hidden everywhere, and never found again.",
    )

    objects = MentionQuerySet.as_manager()

    class Meta:
        ordering = ["-count", "entity__name"]
        constraints = [
            models.UniqueConstraint(fields=["article", "entity"], name="mention_unique_entity")
        ]

    def __str__(self) -> str:
        return f"{self.entity} in {self.article} ({self.count}×)"


class Story(models.Model):
    """One story told in several articles: a wire story reprinted with small edits, an
    agency's corrected re-send. Found by ``articles.stories``; editors confirm, split and
    merge them in the admin, and their word stands against every later automatic pass."""

    title = models.CharField(max_length=500, blank=True, help_text="The first version's title.")
    confirmed = models.BooleanField(
        default=False,
        help_text="An editor checked the versions: automatic grouping never takes one away.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name_plural = "stories"

    def __str__(self) -> str:
        return self.title or f"Story {self.pk}"


class StoryVersion(models.Model):
    """An article is a version of at most one story."""

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="versions")
    article = models.OneToOneField(Article, on_delete=models.CASCADE, related_name="story_version")
    similarity = models.FloatField(
        null=True,
        blank=True,
        help_text="Estimated share of word sequences in common with the version it matched.",
    )
    by_editor = models.BooleanField(
        default=False, help_text="Placed or confirmed by an editor: automatic passes leave it."
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["article__published_on", "article_id"]

    def __str__(self) -> str:
        return f"{self.article} in {self.story}"


class StoryExclusion(models.Model):
    """An editor said this article is not a version of this story (split out, or kept
    apart when articles were split out together): it is never put back automatically."""

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="exclusions")
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["story", "article"], name="story_exclusion_unique")
        ]

    def __str__(self) -> str:
        return f"{self.article} kept out of {self.story}"


class Fingerprint(models.Model):
    """What near-duplicate detection knows of an article's text: a MinHash signature of
    its word shingles, and whether the article has been placed in a story since."""

    article = models.OneToOneField(
        Article, on_delete=models.CASCADE, primary_key=True, related_name="fingerprint"
    )
    signature = models.BinaryField(help_text="MinHash values, uint32; empty: text too short.")
    text_hash = models.CharField(max_length=32)
    size = models.PositiveIntegerField(
        default=0, help_text="How many distinct shingles the text has."
    )
    numbers = models.TextField(
        blank=True, help_text="The text's distinct numbers, space-separated."
    )
    computed_at = models.DateTimeField()
    grouped = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"Fingerprint of {self.article}"


class FingerprintBand(models.Model):
    """One LSH band of a signature, hashed: articles sharing a key are candidates. Kept in
    the database so that an import of one article looks up its candidates by index instead
    of loading every signature."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    key = models.BigIntegerField(db_index=True)

    def __str__(self) -> str:
        return f"Band {self.key} of {self.article}"


class ScannedPage(models.Model):
    """A page of an article's original that was read by OCR: its image as recognised, the
    models that read it and their confidence; a low-confidence page is flagged for review."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="scanned_pages")
    number = models.PositiveIntegerField(help_text="The page in the original, from 1.")
    image = models.ImageField(upload_to="originals/%Y/%m/pages/")
    confidence = models.FloatField(help_text="Mean word confidence of the recognition, 0-100.")
    languages = models.CharField(
        max_length=40, blank=True, help_text="The Tesseract models that read it, e.g. eng, fas."
    )
    flagged = models.BooleanField(
        default=False, help_text="Read with low confidence: compare the text with the image."
    )

    class Meta:
        ordering = ["article", "number"]
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="scanned_page_unique")
        ]

    def __str__(self) -> str:
        return f"{self.article} — page {self.number}"
