"""The same story in many papers (articles/stories.py): detection, grouping, editors'
decisions, and what readers see on the article page and in search."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.urls import reverse

from articles import stories
from articles.ingest.pipeline import import_records
from articles.ingest.record import ArticleRecord
from articles.models import Article, Story, StoryExclusion, StoryVersion
from articles.search.service import SearchParams, run_search
from tests import builders
from tests.search.engines import NOT_ON_POSTGRES, ON_POSTGRES, POSTGRES_ENGINE, search_engine

# A wire story of our own, four paragraphs, and the edits papers make to such stories.
WIRE = [
    "The harbour authority of Port Elmstead said on Tuesday that dredging of the northern "
    "channel would begin in March, after two years of delays caused by a dispute over "
    "where the removed silt could be dumped.",
    "Engineers expect the work to take eleven months and to deepen the channel to fourteen "
    "metres, enough for the larger container ships that now unload at rival ports along "
    "the coast.",
    "Fishermen who use the channel have asked for a guarantee that the work will pause "
    "during the spawning season, and the authority said talks with their cooperative "
    "were continuing this week.",
    "The project is funded by a regional development loan of 240 million crowns, repaid "
    "from harbour dues over twenty years, according to documents seen by the agency.",
]
OTHER = [
    "The city council of Lindmoor voted on Monday to close three public libraries at the "
    "end of the year, citing falling visitor numbers and the rising cost of heating old "
    "buildings through the winter months.",
    "Opposition members said the council had not consulted residents, and a petition "
    "against the closures has gathered more than four thousand signatures since it was "
    "started by a retired schoolteacher.",
    "The libraries' collections will be moved to the central branch, which is to open "
    "longer hours on weekends, a council spokeswoman said in a statement.",
]
# The same Port Elmstead story about dredging, told in other words: one topic, two stories.
SAME_TOPIC = [
    "Dredging in Port Elmstead is finally going ahead. Officials at the harbour confirmed "
    "the northern channel project, stalled since a quarrel about silt disposal, gets under "
    "way next spring.",
    "Container lines have long complained that the shallow approach sends big vessels to "
    "competing harbours; deeper water should change that, a shipping analyst told us.",
    "Local trawler crews remain worried about fish stocks and want assurances before "
    "any machinery arrives.",
]


def body(paragraphs):
    return "\n\n".join(paragraphs)


def make(paragraphs, title="Port Elmstead to dredge northern channel from March", **kwargs):
    return builders.article(title, body(paragraphs), **kwargs)


def story_of(article):
    version = StoryVersion.objects.filter(article=article).first()
    return version.story_id if version else None


# --- detection ------------------------------------------------------------------------


def sig(paragraphs, title="Port Elmstead to dredge northern channel from March"):
    return stories.signature(stories.shingles(f"{title}\n{body(paragraphs)}"))


def test_versions_with_a_paragraph_cut_or_added_are_similar():
    base = sig(WIRE)
    assert stories.similarity(base, sig(WIRE[:3])) >= stories.THRESHOLD
    local = "A spokesman for the mayor welcomed the decision on Tuesday evening."
    assert stories.similarity(base, sig([*WIRE, local])) >= stories.THRESHOLD


def test_reordered_paragraphs_and_new_headline_are_similar():
    reordered = [WIRE[0], WIRE[2], WIRE[1], WIRE[3]]
    score = stories.similarity(sig(WIRE), sig(reordered, title="Harbour dredging to start"))
    assert score >= stories.THRESHOLD


def test_different_stories_are_not_similar_even_on_one_topic():
    assert stories.similarity(sig(WIRE), sig(OTHER)) < 0.1
    assert stories.similarity(sig(WIRE), sig(SAME_TOPIC)) < stories.THRESHOLD


def test_short_texts_differing_in_one_name_are_two_stories(db):
    says = (
        "The president of Harwick University welcomed the consul general of {} to the "
        "campus on Sunday for talks on student exchanges"
    )
    first = builders.article(says.format("Britain"), says.format("Britain"))
    second = builders.article(says.format("the Netherlands"), says.format("the Netherlands"))
    again = builders.article("Consul visits Harwick", says.format("Britain"))
    stories.find_stories()
    assert story_of(first) == story_of(again) is not None
    assert story_of(second) is None


def test_short_templated_texts_differing_in_a_figure_are_two_stories(db):
    recap = (
        "Harwick Rovers vs. Elmstead Town: results, stats and recap. Live coverage, scoring "
        "and expert picks for the match between Harwick Rovers and Elmstead Town on May {}, 2025"
    )
    first = builders.article("Rovers v Town", recap.format(16), published_on=dt.date(2025, 5, 16))
    next_day = builders.article(
        "Rovers v Town", recap.format(17), published_on=dt.date(2025, 5, 17)
    )
    again = builders.article(
        "Rovers v Town recap", recap.format(16), published_on=dt.date(2025, 5, 17)
    )
    stories.find_stories()
    assert story_of(first) == story_of(again) is not None
    assert story_of(next_day) is None


def test_recurring_reports_with_other_figures_are_two_stories(db):
    report = (
        "Floor traders at the Harbour Exchange estimate today's hog slaughter at about "
        "{} to {} head versus {} a week ago and {} a year ago, and cattle slaughter at "
        "about 124,000 head, traders said. The estimates are compiled each morning from "
        "the floor traders and the commission house representatives of the exchange, and "
        "they are published before the opening bell so that buyers and sellers can plan."
    )
    monday = builders.article("Slaughter estimates", report.format(295, 305, 307, 311))
    later = builders.article("Slaughter estimates", report.format(287, 292, 299, 322))
    resent = builders.article("Slaughter estimates", report.format(295, 305, 307, 312))
    # Worded alike: without the figures they would be one story.
    text = stories.text_of
    assert (
        stories.similarity(
            stories.signature(stories.shingles(text(monday))),
            stories.signature(stories.shingles(text(later))),
        )
        >= stories.THRESHOLD
    )
    stories.find_stories()
    assert story_of(monday) == story_of(resent) is not None  # one figure corrected
    assert story_of(later) is None
    assert stories.numbers("a 3.80 pct rate, 2-1/8 pct, ۱۲۳ and 5,000 dlrs") == [
        "1/8",
        "123",
        "2",
        "3.80",
        "5,000",
    ]


def test_the_same_wording_weeks_apart_is_another_story(db):
    first = make(WIRE, published_on=dt.date(2020, 3, 3))
    days_later = make(WIRE, published_on=dt.date(2020, 3, 3) + dt.timedelta(days=3))
    month_later = make(WIRE, published_on=dt.date(2020, 4, 3))
    stories.find_stories()
    assert story_of(first) == story_of(days_later) is not None
    assert story_of(month_later) is None


def test_short_texts_are_not_compared():
    assert len(stories.shingles("Port Elmstead to dredge channel")) == 0
    nothing = stories.signature(stories.shingles("Port Elmstead to dredge channel"))
    assert len(nothing) == 0 and stories.band_keys(nothing) == []


def test_persian_spellings_are_one_text():
    text = (
        "وزیر امور خارجه ایران روز سه‌شنبه در نشست خبری گفت که مذاکرات هسته‌ای با کشورهای "
        "اروپایی در هفته آینده در شهر ژنو از سر گرفته خواهد شد و هیئت ایرانی با پیشنهادهای "
        "تازه‌ای به این دور از گفتگوها خواهد رفت"
    )
    # Arabic yeh and kaf, and a space where the first has a zero-width non-joiner.
    respelt = text.replace("ی", "ي").replace("ک", "ك").replace("\u200c", " ")
    assert respelt != text
    assert stories.similarity(
        stories.signature(stories.shingles(text)), stories.signature(stories.shingles(respelt))
    ) == pytest.approx(1.0)


def test_word_diff_is_bounded_and_names_what_changed():
    changes, more, removed, added = stories.word_diff(
        "the quick brown fox jumps over the lazy dog", "the quick red fox jumps over the dog"
    )
    assert [(c.removed, c.added) for c in changes] == [("brown", "red"), ("lazy", "")]
    assert (more, removed, added) == (0, 2, 1)
    many = " ".join(f"w{i}" for i in range(400))
    changed = " ".join(f"w{i}" if i % 20 else f"x{i}" for i in range(400))
    changes, more, _, _ = stories.word_diff(many, changed)
    assert len(changes) == stories.MAX_CHANGES and more == 20 - stories.MAX_CHANGES
    long_cut = stories.word_diff(many, "w0")[0][0]
    assert len(long_cut.removed.split()) == stories.MAX_CHANGE_WORDS
    assert long_cut.more_removed == 399 - stories.MAX_CHANGE_WORDS


# --- grouping ---------------------------------------------------------------------------


@pytest.fixture
def wire(db):
    """The wire story, a paper's cut reprint, the agency's corrected re-send, an unrelated
    story and another story on the same topic."""
    original = make(WIRE, published_on=dt.date(2020, 3, 3))
    cut = make(WIRE[:3], title="Dredging to begin", published_on=dt.date(2020, 3, 4))
    corrected = make(
        [WIRE[0].replace("Tuesday", "Wednesday"), *WIRE[1:]],
        title="CORRECTED - Port Elmstead to dredge northern channel from March",
        published_on=dt.date(2020, 3, 3),
    )
    other = builders.article("Lindmoor to close three libraries", body(OTHER))
    topic = builders.article("Dredging goes ahead", body(SAME_TOPIC))
    return original, cut, corrected, other, topic


def test_versions_are_grouped_into_one_story(wire):
    original, cut, corrected, other, topic = wire
    report = stories.find_stories()
    assert report.seen == 5
    assert story_of(original) is not None
    assert story_of(original) == story_of(cut) == story_of(corrected)
    assert story_of(other) is None and story_of(topic) is None
    assert Story.objects.count() == 1
    assert Story.objects.get().title == original.title  # the earliest version's


def test_a_second_pass_looks_at_nothing_new_and_a_new_reprint_joins(wire):
    stories.find_stories()
    assert stories.find_stories().seen == 0
    reprint = make(WIRE[1:], title="Channel works", published_on=dt.date(2020, 3, 5))
    report = stories.find_stories()
    assert report.seen == 1 and report.placed == 1 and report.stories_created == 0
    assert story_of(reprint) == story_of(wire[0])


def wire_records(versions) -> list[ArticleRecord]:
    """English records of ``(day in March 2020, title, paragraphs, paper)``, each named by
    its title."""
    return [
        ArticleRecord(
            title=title,
            body=body(paragraphs),
            published=dt.date(2020, 3, day),
            publication=paper,
            language="en",
            source_name=title,
        )
        for day, title, paragraphs, paper in versions
    ]


def test_an_import_groups_what_it_stores(db):
    records = wire_records(
        [
            (3, "Port Elmstead to dredge channel", WIRE, "Coast Herald"),
            (4, "Dredging from March", WIRE[:3], "Valley News"),
            (5, "Libraries to close", OTHER, "Valley News"),
        ]
    )
    report = import_records(records, find_entities=False)
    first, second, third = (Article.objects.get(pk=pk) for pk in report.created)
    assert story_of(first) == story_of(second) is not None
    assert story_of(third) is None


def stories_by_source() -> set[frozenset[str]]:
    """The archive's stories, each as the source names of its versions."""
    found: dict[int, set[str]] = {}
    for story, source in StoryVersion.objects.values_list("story_id", "article__source_name"):
        found.setdefault(story, set()).add(source)
    return {frozenset(sources) for sources in found.values()}


def test_an_import_groups_once_per_run_as_one_article_at_a_time_would(db):
    local = "A spokesman for the mayor welcomed the decision on Tuesday evening."
    versions = [
        (3, "Port Elmstead to dredge channel", WIRE, "Coast Herald"),
        (4, "Libraries to close", OTHER, "Valley News"),
        (4, "Dredging from March", WIRE[:3], "Valley News"),
        (5, "Dredging to start", [*WIRE, local], "Hill Times"),
        (5, "Three libraries shut", OTHER[:2], "Coast Herald"),
        (6, "Elmstead dredging", SAME_TOPIC, "Hill Times"),
        (6, "Channel works", WIRE[1:], "Evening Star"),
    ]

    for record in wire_records(versions):  # each import groups its one article
        import_records([record], find_entities=False)
    one_at_a_time = stories_by_source()
    assert one_at_a_time == {
        frozenset(
            {
                "Port Elmstead to dredge channel",
                "Dredging from March",
                "Dredging to start",
                "Channel works",
            }
        ),
        frozenset({"Libraries to close", "Three libraries shut"}),
    }
    Article.objects.all().delete()
    Story.objects.all().delete()

    report = import_records(wire_records(versions), find_entities=False)  # one grouping for the run
    assert len(report.created) == len(versions)
    assert stories_by_source() == one_at_a_time


def test_a_changed_text_leaves_its_story(wire):
    original, cut, corrected, *_ = wire
    stories.find_stories()
    cut.title = "Weather"
    cut.body = "Rain is expected across the coast tomorrow, with winds easing by the evening."
    cut.save()
    stories.find_stories()
    assert story_of(cut) is None
    assert story_of(original) == story_of(corrected) is not None


def test_a_stopped_pass_resumes(wire):
    calls = []

    def stop_after_first_batch(report, total):
        calls.append(report.seen)
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        stories.find_stories(batch=2, on_batch=stop_after_first_batch)
    assert calls == [2]
    report = stories.find_stories(batch=2)
    assert report.seen == 3
    assert story_of(wire[0]) == story_of(wire[1]) == story_of(wire[2]) is not None


def test_the_command_groups_and_reports(wire, capsys):
    call_command("find_stories", "--no-progress")
    out = capsys.readouterr().out
    assert "5 articles looked at" in out and "1 new stories" in out
    call_command("find_stories", "--no-progress")
    assert "0 articles looked at" in capsys.readouterr().out


# --- editors' decisions -----------------------------------------------------------------


def test_a_split_survives_a_rebuild(wire):
    original, cut, corrected, *_ = wire
    stories.find_stories()
    story = Story.objects.get()
    assert stories.split_out(story, [cut.pk]) is None  # one article alone: no new story
    assert story_of(cut) is None
    stories.find_stories(rebuild=True)
    assert story_of(cut) is None
    assert story_of(original) == story_of(corrected) == story.pk
    assert StoryExclusion.objects.filter(story=story, article=cut).exists()


def test_two_split_out_together_are_a_story_of_their_own(wire):
    original, cut, corrected, *_ = wire
    stories.find_stories()
    story = Story.objects.get()
    new = stories.split_out(story, [cut.pk, corrected.pk])
    stories.find_stories(rebuild=True)
    assert story_of(cut) == story_of(corrected) == new.pk
    assert story_of(original) == story.pk
    assert Story.objects.get(pk=new.pk).confirmed


def test_confirmed_versions_stay_when_text_changes(wire):
    original, cut, *_ = wire
    stories.find_stories()
    stories.confirm(Story.objects.all())
    cut.body = body(OTHER)
    cut.save()
    stories.find_stories(rebuild=True)
    assert story_of(cut) == story_of(original) is not None


def test_merge_keeps_one_story_and_survives_a_rebuild(wire):
    original, cut, corrected, other, topic = wire
    stories.find_stories()
    story = Story.objects.get()
    side = Story.objects.create(title="Libraries")
    StoryVersion.objects.create(story=side, article=other)
    StoryVersion.objects.create(story=side, article=topic)
    merged = stories.merge([side, story])
    assert merged.pk == min(story.pk, side.pk)
    stories.find_stories(rebuild=True)
    assert {story_of(a) for a in wire} == {merged.pk}
    assert Story.objects.count() == 1


# --- what readers see -------------------------------------------------------------------


def test_article_page_lists_other_public_versions_and_what_differs(client, wire):
    original, cut, corrected, *_ = wire
    withdrawn = make(
        [*WIRE, "A withdrawn paragraph nobody may read."],
        title="Withdrawn version of the dredging story",
        status=Article.Status.WITHDRAWN,
        published_on=dt.date(2020, 3, 4),
    )
    stories.find_stories()
    assert story_of(withdrawn) == story_of(original)
    page = client.get(original.get_absolute_url()).content.decode()
    assert "Other versions of this story (2)" in page
    assert cut.title in page and corrected.title in page
    assert withdrawn.title not in page and "nobody may read" not in page
    # The corrected re-send changed one word; the cut reprint lost its last paragraph.
    assert (
        "removed:</span> <del><bdi>Tuesday</bdi></del> "
        '<span class="visually-hidden">added:</span> <ins><bdi>Wednesday</bdi></ins>'
    ) in page
    assert "regional development loan" in page  # the cut paragraph, shown as removed
    assert "the headline" in page


def test_many_versions_are_counted_listed_and_diffed_within_bounds(
    client, db, django_assert_max_num_queries
):
    versions = [
        make(
            [*WIRE, f"Reported by correspondent number {n} of the coast desk."],
            title=f"Dredging story, edition {n}",
            published_on=dt.date(2020, 3, 3),
        )
        for n in range(stories.MAX_VERSIONS_SHOWN + 2)
    ]
    stories.find_stories()
    found = stories.other_versions(versions[0])
    assert found.count == len(versions) - 1
    assert len(found.differences) == stories.MAX_VERSIONS_SHOWN
    compared = [d for d in found.differences if d.compared]
    assert len(compared) == stories.MAX_DIFFERENCES
    with django_assert_max_num_queries(20):
        page = client.get(versions[0].get_absolute_url()).content.decode()
    assert f"Other versions of this story ({len(versions) - 1})" in page
    assert f"{stories.MAX_VERSIONS_SHOWN} of {len(versions) - 1} shown" in page


def test_article_page_of_an_article_in_no_story_has_no_block(client, wire):
    stories.find_stories()
    page = client.get(wire[3].get_absolute_url()).content.decode()
    assert "Other versions of this story" not in page


def test_a_story_of_which_only_this_version_is_public_shows_nothing(client, wire):
    original, cut, corrected, *_ = wire
    stories.find_stories()
    cut.withdraw()
    corrected.withdraw()
    page = client.get(original.get_absolute_url()).content.decode()
    assert "Other versions of this story" not in page


def test_rtl_versions_are_marked_rtl(client, db):
    text = (
        "وزیر امور خارجه ایران روز سه‌شنبه در نشست خبری گفت که مذاکرات هسته‌ای با کشورهای "
        "اروپایی در هفته آینده در شهر ژنو از سر گرفته خواهد شد و هیئت ایرانی با پیشنهادهای "
        "تازه‌ای به این دور از گفتگوها خواهد رفت"
    )
    first = builders.article("مذاکرات در ژنو", text, language="fa")
    builders.article("مذاکرات هسته‌ای", text + " به گزارش خبرگزاری", language="fa")
    stories.find_stories()
    page = client.get(first.get_absolute_url()).content.decode()
    assert "Other versions of this story (1)" in page
    assert 'class="version-changes" lang="fa" dir="rtl"' in page
    assert "<ins><bdi>به گزارش خبرگزاری</bdi></ins>" in page


@pytest.fixture
def searchable(indexed, db):
    with indexed():
        articles = [
            make(WIRE, published_on=dt.date(2020, 3, 3)),
            make(WIRE[:3], title="Dredging to begin", published_on=dt.date(2020, 3, 4)),
            make(WIRE[1:], title="Channel works", published_on=dt.date(2020, 3, 5)),
            builders.article("Dredging goes ahead", body(SAME_TOPIC)),
            builders.article("Lindmoor to close three libraries", body(OTHER)),
        ]
    stories.find_stories()
    return articles


def test_search_one_result_per_story_counts_stories(searchable):
    plain = run_search(SearchParams(q="channel"))
    assert plain.total == 4
    collapsed = run_search(SearchParams(q="channel", one_per_story=True))
    assert collapsed.total == 2 and collapsed.articles_total == 4
    assert sorted(hit.versions for hit in collapsed.hits) == [1, 3]
    assert collapsed.grouped_within is None


def test_search_one_result_per_story_pages_honestly(searchable):
    seen = []
    for page in (1, 2):
        outcome = run_search(SearchParams(q="channel", one_per_story=True, per_page=1, page=page))
        assert outcome.total == 2 and outcome.num_pages == 2 and len(outcome.hits) == 1
        seen.append(outcome.hits[0].article.pk)
    assert len(set(seen)) == 2
    past = run_search(SearchParams(q="channel", one_per_story=True, per_page=1, page=9))
    assert past.page == 2 and past.hits[0].article.pk == seen[1]


@pytest.mark.parametrize("engine", [None, POSTGRES_ENGINE], ids=["configured", "postgres"])
def test_one_result_per_story_on_each_engine(engine, db, django_capture_on_commit_callbacks):
    if engine and not ON_POSTGRES:
        pytest.skip(NOT_ON_POSTGRES)
    with search_engine(engine):
        with django_capture_on_commit_callbacks(execute=True):
            make(WIRE)
            make(WIRE[:3], title="Dredging to begin")
            builders.article("Dredging goes ahead", body(SAME_TOPIC))
        stories.find_stories()
        outcome = run_search(SearchParams(q="channel", one_per_story=True))
    assert (outcome.total, outcome.articles_total) == (2, 3)
    assert sorted(hit.versions for hit in outcome.hits) == [1, 2]


def test_search_page_switch(client, searchable):
    page = client.get(reverse("articles:search"), {"q": "channel", "story": "1"})
    text = page.content.decode()
    assert page.status_code == 200
    assert "2 results" in text and "among 4 matching articles" in text
    assert "3 versions of this story match" in text
    assert 'name="story" value="1" checked' in text
    plain = client.get(reverse("articles:search"), {"q": "channel"}).content.decode()
    assert "4 results" in plain and "versions of this story match" not in plain


def test_a_withdrawn_version_is_not_counted_in_search(searchable, indexed):
    with indexed():
        searchable[1].withdraw()
    collapsed = run_search(SearchParams(q="channel", one_per_story=True))
    assert collapsed.total == 2 and collapsed.articles_total == 3
    assert sorted(hit.versions for hit in collapsed.hits) == [1, 2]


def test_the_api_counts_published_versions(client, wire):
    original, cut, corrected, other, _ = wire
    stories.find_stories()

    def counted(article):
        url = reverse("articles:api-article", args=[article.slug])
        return client.get(url).json()["story_versions"]

    assert counted(original) == counted(cut) == 3
    assert counted(other) == 1  # in no story
    cut.withdraw()
    assert counted(original) == counted(corrected) == 2
    corrected.withdraw()
    assert counted(original) == 1
    cut.publish()
    assert counted(original) == 2


def test_api_search_results_count_published_versions(client, searchable, indexed):
    def counts():
        results = client.get(reverse("articles:api-search"), {"q": "channel"}).json()["results"]
        return sorted(hit["story_versions"] for hit in results)

    assert counts() == [1, 3, 3, 3]
    with indexed():
        searchable[1].withdraw()
    assert counts() == [1, 2, 2]


# --- a story left with one version --------------------------------------------------------


def listed_stories(admin_client, **filters):
    page = admin_client.get(reverse("admin:articles_story_changelist"), filters)
    assert page.status_code == 200
    return {
        story.pk
        for story in Story.objects.all()
        if reverse("admin:articles_story_change", args=[story.pk]) in page.content.decode()
    }


def test_deleting_versions_down_to_one_drops_the_story(client, admin_client, wire):
    original, cut, corrected, *_ = wire
    stories.find_stories()
    story = Story.objects.get()
    cut.delete()
    assert Story.objects.filter(pk=story.pk).exists()  # two versions left
    corrected.delete()
    assert not Story.objects.exists() and story_of(original) is None
    page = client.get(original.get_absolute_url()).content.decode()
    assert "Other versions of this story" not in page
    assert listed_stories(admin_client) == set()
    # The version left is free again: the next pass puts it with a new reprint.
    reprint = make(WIRE[1:], title="Channel works", published_on=dt.date(2020, 3, 5))
    stories.find_stories()
    assert story_of(original) == story_of(reprint) is not None


def test_deleting_in_bulk_drops_the_story_too(wire):
    original, cut, corrected, *_ = wire
    stories.find_stories()
    stories.confirm(Story.objects.all())  # a confirmed story of one version is no story either
    Article.objects.filter(pk__in=[cut.pk, corrected.pk]).delete()
    assert not Story.objects.exists() and story_of(original) is None


def test_a_story_split_down_to_one_keeps_the_split_but_is_not_shown(client, admin_client, wire):
    original, cut, corrected, *_ = wire
    stories.find_stories()
    story = Story.objects.get()
    new = stories.split_out(story, [cut.pk, corrected.pk])
    assert story_of(original) == story.pk  # alone, kept for what it keeps apart
    assert listed_stories(admin_client) == {new.pk}
    assert listed_stories(admin_client, versions="one") == {story.pk}
    page = client.get(original.get_absolute_url()).content.decode()
    assert "Other versions of this story" not in page
    api = client.get(reverse("articles:api-article", args=[original.slug])).json()
    assert api["story_versions"] == 1
    stories.find_stories(rebuild=True)
    assert story_of(cut) == story_of(corrected) == new.pk != story_of(original)
    # A new reprint of it joins it, and it is a story again.
    reprint = make(WIRE[1:], title="Channel works", published_on=dt.date(2020, 3, 5))
    stories.find_stories()
    assert story_of(reprint) in {story.pk, new.pk}  # (the most similar version's story)
    # Its last version deleted, the lone story goes.
    for article in (original, reprint):
        article.delete()
    assert not Story.objects.filter(pk=story.pk).exists()


def test_a_split_of_one_from_two_leaves_no_listed_story(admin_client, wire):
    original, cut, corrected, *_ = wire
    corrected.delete()
    stories.find_stories()
    story = Story.objects.get()
    stories.split_out(story, [cut.pk])
    assert listed_stories(admin_client) == set()
    stories.find_stories(rebuild=True)
    assert story_of(cut) is None and story_of(original) == story.pk


# --- admin --------------------------------------------------------------------------------


def test_admin_confirm_and_merge_actions(admin_client, wire):
    stories.find_stories()
    story = Story.objects.get()
    url = reverse("admin:articles_story_changelist")
    page = admin_client.get(url)
    assert page.status_code == 200 and story.title in page.content.decode()
    admin_client.post(url, {"action": "confirm_selected", "_selected_action": [story.pk]})
    story.refresh_from_db()
    assert story.confirmed and not story.versions.filter(by_editor=False).exists()
    side = Story.objects.create(title="Libraries")
    StoryVersion.objects.create(story=side, article=wire[3])
    StoryVersion.objects.create(story=side, article=wire[4])
    admin_client.post(url, {"action": "merge_selected", "_selected_action": [story.pk, side.pk]})
    assert Story.objects.count() == 1
    assert story_of(wire[3]) == story_of(wire[4]) == story.pk


def test_admin_split_out_selected_versions(admin_client, wire):
    original, cut, corrected, *_ = wire
    stories.find_stories()
    story = Story.objects.get()
    url = reverse("admin:articles_story_change", args=[story.pk])
    assert admin_client.get(url).status_code == 200
    versions = list(story.versions.order_by("pk"))
    data = {
        "title": story.title,
        "versions-TOTAL_FORMS": str(len(versions)),
        "versions-INITIAL_FORMS": str(len(versions)),
        "versions-MIN_NUM_FORMS": "0",
        "versions-MAX_NUM_FORMS": "1000",
    }
    for i, version in enumerate(versions):
        data[f"versions-{i}-id"] = str(version.pk)
        data[f"versions-{i}-story"] = str(story.pk)
        data[f"versions-{i}-article"] = str(version.article_id)
        if version.article_id == cut.pk:
            data[f"versions-{i}-split_out"] = "on"
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert story_of(cut) is None
    assert story_of(original) == story_of(corrected) == story.pk
    stories.find_stories(rebuild=True)
    assert story_of(cut) is None
