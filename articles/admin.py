"""Curation: correct, tag, publish and withdraw articles; keep the lists tidy."""

from collections.abc import Mapping
from functools import partial
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db import models
from django.db.models import Count, Q
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.html import format_html
from django.utils.translation import ngettext

from articles import stories, upload
from articles.entities.merge import merge_entities
from articles.entities.resolution import undo_automatic_merge
from articles.ingest.pipeline import IMPORTED_FIELDS
from articles.models import (
    Article,
    Author,
    Byline,
    Entity,
    Mention,
    Publication,
    ScannedPage,
    Section,
    Story,
    StoryExclusion,
    StoryVersion,
)

# A bare domain typed into a URL field means https (Django 6's default, chosen now).
HTTPS_URLS: Mapping[type[models.Field], Mapping[str, Any]] = {
    models.URLField: {"assume_scheme": "https"}
}


class SectionInline(admin.TabularInline):
    model = Section
    extra = 0
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Publication)
class PublicationAdmin(admin.ModelAdmin):
    list_display = ["name", "homepage", "default_language", "article_count"]
    search_fields = ["name", "homepage"]
    formfield_overrides = HTTPS_URLS
    prepopulated_fields = {"slug": ("name",)}
    inlines = [SectionInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(article_count=Count("articles"))

    @admin.display(ordering="article_count", description="articles")
    def article_count(self, obj):
        return obj.article_count


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["name", "publication"]
    list_filter = ["publication"]
    list_select_related = ["publication"]
    search_fields = ["name", "publication__name"]
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "article_count"]
    search_fields = ["name", "aliases"]
    prepopulated_fields = {"slug": ("name",)}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(article_count=Count("bylines"))

    @admin.display(ordering="article_count", description="articles")
    def article_count(self, obj):
        return obj.article_count


class AliasesField(forms.CharField):
    """A list of names, one per line, for the JSON ``aliases`` fields."""

    widget = forms.Textarea(attrs={"rows": 3})

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list) else value

    def to_python(self, value):
        names = [" ".join(line.split()) for line in (value or "").splitlines()]
        return list(dict.fromkeys(name for name in names if name))


class EntityForm(forms.ModelForm):
    aliases = AliasesField(required=False, help_text="Other names it goes by, one per line.")

    class Meta:
        model = Entity
        fields = ["name", "slug", "kind", "aliases", "description", "reviewed"]


class MergedFilter(admin.SimpleListFilter):
    title = "merged"
    parameter_name = "merged"

    def lookups(self, request, model_admin):
        return [
            ("no", "In use"),
            ("yes", "Merged into another"),
            ("auto", "Merged automatically"),
        ]

    def queryset(self, request, queryset):
        if self.value() == "no":
            return queryset.filter(merged_into__isnull=True)
        if self.value() == "yes":
            return queryset.filter(merged_into__isnull=False)
        if self.value() == "auto":
            return queryset.filter(merged_automatically=True)
        return queryset


@admin.register(Entity)
class EntityAdmin(admin.ModelAdmin):
    form = EntityForm
    list_display = ["name", "kind", "mention_count", "reviewed", "merged_into"]
    list_filter = ["reviewed", "kind", MergedFilter]
    list_select_related = ["merged_into"]
    list_editable = ["kind"]
    search_fields = ["name", "aliases", "description"]
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ["merged_into", "merged_automatically", "created_at"]
    actions = ["merge_selected", "mark_reviewed", "undo_automatic_merges"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(mention_count=Count("mentions", filter=Q(mentions__rejected=False)))
        )

    @admin.display(ordering="mention_count", description="articles")
    def mention_count(self, obj):
        return obj.mention_count

    @admin.action(description="Mark selected entities as reviewed", permissions=["change"])
    def mark_reviewed(self, request, queryset):
        n = queryset.update(reviewed=True)
        self.message_user(request, f"{n} entities marked as reviewed.", messages.SUCCESS)

    @admin.action(
        description="Undo the automatic merge of selected entities", permissions=["change"]
    )
    def undo_automatic_merges(self, request, queryset):
        entities = list(queryset.filter(merged_automatically=True).select_related("merged_into"))
        if not entities:
            self.message_user(
                request, "None of the selected entities was merged automatically.", messages.WARNING
            )
            return
        # What each merge moved is put back from its record: no text is read again here.
        articles = sum(undo_automatic_merge(entity) for entity in entities)
        names = ", ".join(entity.name for entity in entities)
        self.message_user(
            request,
            f"Separated again, and kept apart from now on: {names} "
            f"(mentions back in {articles} articles).",
            messages.SUCCESS,
        )

    @admin.action(description="Merge selected entities into one…", permissions=["change"])
    def merge_selected(self, request, queryset):
        entities = list(queryset.filter(merged_into__isnull=True).order_by("-mention_count"))
        if len(entities) < 2:
            self.message_user(request, "Select two or more entities to merge.", messages.WARNING)
            return None
        survivor_id = request.POST.get("survivor")
        if survivor_id:
            survivor = next((e for e in entities if str(e.pk) == survivor_id), None)
            if survivor is None:
                self.message_user(request, "Choose one of the selected entities.", messages.ERROR)
                return None
            merged = merge_entities(survivor, entities)
            self.message_user(
                request, f"{merged} entities merged into {survivor.name}.", messages.SUCCESS
            )
            return None
        return TemplateResponse(
            request,
            "admin/articles/entity/merge.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": "Merge entities",
                "entities": entities,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            },
        )


@admin.register(Mention)
class MentionAdmin(admin.ModelAdmin):
    list_display = ["entity", "article", "count", "origin", "rejected"]
    list_filter = ["rejected", "origin", "entity__kind"]
    list_select_related = ["entity", "article"]
    search_fields = ["entity__name", "article__title"]
    autocomplete_fields = ["entity", "article"]
    actions = ["reject_selected", "restore_selected"]

    @admin.action(description="Reject selected mentions (wrong entity)", permissions=["change"])
    def reject_selected(self, request, queryset):
        self._set_rejected(request, queryset, True)

    @admin.action(description="Restore selected mentions", permissions=["change"])
    def restore_selected(self, request, queryset):
        self._set_rejected(request, queryset, False)

    def _set_rejected(self, request, queryset, rejected):
        # One by one, so that the articles' search entries follow.
        changed = 0
        for mention in queryset.exclude(rejected=rejected):
            mention.rejected = rejected
            mention.save(update_fields=["rejected"])
            changed += 1
        verb = "rejected" if rejected else "restored"
        self.message_user(request, f"{changed} mentions {verb}.", messages.SUCCESS)


class BylineInline(admin.TabularInline):
    model = Byline
    extra = 1
    autocomplete_fields = ["author"]
    ordering = ["position"]


class MentionInline(admin.TabularInline):
    model = Mention
    extra = 1
    autocomplete_fields = ["entity"]
    fields = ["entity", "count", "origin", "rejected"]


class ScannedPageInline(admin.TabularInline):
    """The pages OCR read, each image beside its confidence, to compare with the text."""

    model = ScannedPage
    extra = 0
    can_delete = False
    fields = ["number", "preview", "confidence", "languages", "flagged"]
    readonly_fields = ["number", "preview", "confidence", "languages"]

    @admin.display(description="page image")
    def preview(self, page: ScannedPage) -> str:
        if not page.image:
            return "-"
        return format_html(
            '<a href="{0}"><img src="{0}" alt="page {1}" style="max-width: 240px"></a>',
            page.image.url,
            page.number,
        )

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class NeedsReviewFilter(admin.SimpleListFilter):
    title = "import"
    parameter_name = "incomplete"

    def lookups(self, request, model_admin):
        return [("yes", "Fields missing"), ("no", "Complete")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.exclude(missing_fields=[])
        if self.value() == "no":
            return queryset.filter(missing_fields=[])
        return queryset


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "publication",
        "section",
        "published_on",
        "language",
        "status",
        "missing",
    ]
    list_filter = ["status", NeedsReviewFilter, "publication", "language", "published_on"]
    list_select_related = ["publication", "section"]
    search_fields = ["title", "body", "bylines__author__name", "source_url"]
    date_hierarchy = "published_on"
    prepopulated_fields = {"slug": ("title",)}
    autocomplete_fields = ["publication", "section"]
    readonly_fields = [
        "checksum",
        "word_count",
        "created_at",
        "updated_at",
        "published_at",
        "created_by",
        "source_name",
        "source_format",
        "missing",
        "edited",
    ]
    inlines = [BylineInline, MentionInline]
    formfield_overrides = HTTPS_URLS
    actions = ["publish_selected", "withdraw_selected", "send_to_review"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "kicker", "summary", "body", "status"]}),
        (
            "Source",
            {
                "fields": [
                    "publication",
                    "section",
                    "published_on",
                    "language",
                    "source_url",
                    "source_name",
                    "original_file",
                ]
            },
        ),
        ("Imported text", {"classes": ["collapse"], "fields": ["raw_text"]}),
        (
            "Record",
            {
                "fields": [
                    "missing",
                    "edited",
                    "checksum",
                    "source_format",
                    "word_count",
                    "created_by",
                    "created_at",
                    "updated_at",
                    "published_at",
                ]
            },
        ),
    ]

    def get_inlines(self, request, obj):
        # Only articles read by OCR have page images (and only then does a form hold them).
        if obj is not None and obj.scanned_pages.exists():
            return [*self.inlines, ScannedPageInline]
        return self.inlines

    @admin.display(description="missing on import")
    def missing(self, obj):
        return ", ".join(obj.missing_fields) or "—"

    @admin.display(description="corrected by an editor (kept on re-import)")
    def edited(self, obj):
        return ", ".join(obj.edited_fields) or "—"

    def save_model(self, request, obj, form, change):
        if not change and obj.created_by_id is None:
            obj.created_by = request.user
        if change:
            # Remember what the editor corrected, so that a re-import keeps it.
            corrected = set(form.changed_data) & set(IMPORTED_FIELDS)
            obj.edited_fields = sorted(set(obj.edited_fields) | corrected)
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        for instance in formset.save(commit=False):
            if isinstance(instance, Mention) and instance._state.adding:
                instance.origin = Mention.Origin.MANUAL  # an editor's own tag
            instance.save()
        for instance in formset.deleted_objects:
            instance.delete()
        formset.save_m2m()
        article = form.instance
        bylines_changed = change and formset.model is Byline and formset.has_changed()
        if bylines_changed and "authors" not in article.edited_fields:
            article.edited_fields = sorted([*article.edited_fields, "authors"])
            article.save(update_fields=["edited_fields"])

    def get_urls(self):
        upload_view = self.admin_site.admin_view(partial(upload.import_view, self))
        return [
            path("import/", upload_view, name="articles_article_import"),
            *super().get_urls(),
        ]

    def _set_status(self, request, queryset, status, verb):
        # Saved one by one (not queryset.update) so that signals keep search in step.
        changed = 0
        for article in queryset.exclude(status=status):
            article.status = status
            article.save()
            changed += 1
        self.message_user(
            request,
            ngettext("%(n)d article %(verb)s.", "%(n)d articles %(verb)s.", changed)
            % {"n": changed, "verb": verb},
            messages.SUCCESS,
        )

    @admin.action(description="Publish selected articles", permissions=["change"])
    def publish_selected(self, request, queryset):
        self._set_status(request, queryset, Article.Status.PUBLISHED, "published")

    @admin.action(description="Withdraw selected articles", permissions=["change"])
    def withdraw_selected(self, request, queryset):
        self._set_status(request, queryset, Article.Status.WITHDRAWN, "withdrawn")

    @admin.action(description="Send selected articles to review", permissions=["change"])
    def send_to_review(self, request, queryset):
        self._set_status(request, queryset, Article.Status.REVIEW, "sent to review")


class StoryVersionForm(forms.ModelForm):
    split_out = forms.BooleanField(
        required=False,
        label="split out",
        help_text="Not a version of this story: taken out, and never put back automatically.",
    )

    class Meta:
        model = StoryVersion
        fields = ["article"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A tabular inline labels its columns, not its inputs: each input is named here,
        # with the article it stands for, for screen readers.
        article = self.instance.article if self.instance.article_id else None
        name = f"“{article.title[:80]}”" if article else "this article"
        self.fields["article"].widget.attrs["aria-label"] = f"Article (id) of version: {name}"
        self.fields["split_out"].widget.attrs["aria-label"] = f"Split out {name}"


class StoryVersionInline(admin.TabularInline):
    model = StoryVersion
    form = StoryVersionForm
    extra = 0
    can_delete = False
    raw_id_fields = ["article"]
    fields = ["article", "publication", "published_on", "status", "similarity", "by_editor"]
    readonly_fields = ["publication", "published_on", "status", "similarity", "by_editor"]

    def get_fields(self, request, obj=None):
        return [*self.fields, "split_out"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("article__publication")

    @admin.display(description="publication")
    def publication(self, version):
        return version.article.publication if version.article_id else "—"

    @admin.display(description="date")
    def published_on(self, version):
        return version.article.published_on if version.article_id else "—"

    @admin.display(description="status")
    def status(self, version):
        return version.article.get_status_display() if version.article_id else "—"


class StoryVersionsFilter(admin.SimpleListFilter):
    """Stories of two versions or more, unless asked: a story an editor split down to one
    version is kept for what it keeps apart (``stories.drop_lone_stories``), not to be
    listed among the stories to check."""

    title = "versions"
    parameter_name = "versions"

    def lookups(self, request, model_admin):
        return [("one", "one left after a split")]

    def choices(self, changelist):
        yield {
            "selected": self.value() is None,
            "query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "display": "two or more",
        }
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        if self.value() == "one":
            return queryset.filter(version_count__lt=2)
        return queryset.filter(version_count__gte=2)


@admin.register(Story)
class StoryAdmin(admin.ModelAdmin):
    """Stories found automatically, for editors to confirm, split and merge; what they
    decide stands against every later automatic pass (``articles.stories``)."""

    list_display = ["__str__", "version_count", "confirmed", "updated_at"]
    list_filter = [StoryVersionsFilter, "confirmed"]
    search_fields = ["title", "versions__article__title"]
    fields = ["title", "confirmed"]
    readonly_fields = ["confirmed"]
    inlines = [StoryVersionInline]
    actions = ["confirm_selected", "merge_selected"]

    class Media:
        css = {"all": ["css/admin-stories.css"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(version_count=Count("versions"))

    @admin.display(description="versions", ordering="version_count")
    def version_count(self, story):
        return story.version_count

    def save_formset(self, request, form, formset, change):
        if formset.model is not StoryVersion:
            return super().save_formset(request, form, formset, change)
        leaving = [
            f.instance.article_id
            for f in formset.forms
            if f.instance.pk and f.cleaned_data.get("split_out")
        ]
        for version in formset.save(commit=False):
            # An article an editor adds here is their decision, as a confirmation is.
            version.by_editor = True
            version.save()
            StoryExclusion.objects.filter(story=version.story, article=version.article).delete()
        if leaving:
            new = stories.split_out(form.instance, leaving)
            self.message_user(
                request,
                ngettext(
                    "%(n)d article split out of this story%(new)s.",
                    "%(n)d articles split out of this story%(new)s.",
                    len(leaving),
                )
                % {"n": len(leaving), "new": f", as story “{new}”" if new else ""},
                messages.SUCCESS,
            )

    @admin.action(description="Confirm selected stories (versions stand)", permissions=["change"])
    def confirm_selected(self, request, queryset):
        n = stories.confirm(queryset)
        self.message_user(request, f"{n} stories confirmed.", messages.SUCCESS)

    @admin.action(description="Merge selected stories into one", permissions=["change"])
    def merge_selected(self, request, queryset):
        merged = stories.merge(queryset)
        if merged is None:
            self.message_user(request, "Select two or more stories to merge.", messages.WARNING)
            return
        self.message_user(request, f"Merged into story “{merged}”.", messages.SUCCESS)
