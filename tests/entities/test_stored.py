"""Today's rules on entities stored by earlier imports: ``manage.py clean_entities``."""

import json

import pytest
from django.core.management import call_command

from articles.entities.stored import clean_stored_entities
from articles.models import Entity, Mention
from tests import builders

pytestmark = pytest.mark.django_db

PERSON, ORG, PLACE, OTHER = (
    Entity.Kind.PERSON,
    Entity.Kind.ORGANISATION,
    Entity.Kind.PLACE,
    Entity.Kind.OTHER,
)


@pytest.fixture(autouse=True)
def _index(search_index):
    return search_index


def mention(
    entity, body="Plain body text.", positions=(), kind=None, origin="auto", language="en", **extra
):
    article = builders.article(body=body, language=language)
    return Mention.objects.create(
        article=article,
        entity=entity,
        kind=entity.kind if kind is None else kind,
        positions=[list(p) for p in positions],
        count=max(1, len(positions)),
        origin=origin,
        **extra,
    )


def test_numbers_and_amounts_go_with_their_mentions():
    amount = builders.entity("107bn", ORG)
    mention(amount)
    score = builders.entity("4,161.0", PLACE)
    mention(score)
    mention(score)
    report = clean_stored_entities()
    assert not Entity.objects.filter(pk__in=[amount.pk, score.pk]).exists()
    assert not Mention.objects.exists()
    assert report.counts() == {"removed": 2}


def test_a_trimmed_name_is_renamed_where_no_entity_has_it():
    body = "Shares rose. - Elon Musk said so."
    dashed = builders.entity("- Elon Musk", PERSON)
    m = mention(dashed, body=body, positions=[(13, 24)])
    clean_stored_entities()
    dashed.refresh_from_db()
    m.refresh_from_db()
    assert dashed.name == "Elon Musk" and dashed.merged_into is None
    assert m.positions == [[15, 24]]  # the mark in the text is trimmed too


def test_a_trimmed_name_joins_the_entity_that_has_it():
    musk = builders.entity("Elon Musk", PERSON)
    body = "Elon Musk spoke. <Elon Musk> again."
    kept = mention(musk, body=body, positions=[(0, 9)])
    bracketed = builders.entity("<Elon Musk>", PERSON)
    Mention.objects.create(
        article=kept.article, entity=bracketed, kind=PERSON, positions=[[17, 28]], count=1
    )
    elsewhere = mention(bracketed, body="<Elon Musk> came.", positions=[(0, 11)])
    report = clean_stored_entities()
    bracketed.refresh_from_db()
    assert bracketed.merged_into == musk  # its old address redirects
    musk.refresh_from_db()
    assert musk.aliases == []  # a wrong name is no alias to look for
    same = Mention.objects.get(article=kept.article)
    assert same.entity == musk and same.count == 2
    assert same.positions == [[0, 9], [18, 27]]
    elsewhere.refresh_from_db()
    assert elsewhere.entity == musk and elsewhere.positions == [[1, 10]]
    assert [c.action for c in report.changes] == ["merged"]


def test_a_group_word_becomes_a_group_and_keeps_it():
    republicans = builders.entity("Republicans", ORG)
    for _ in range(3):
        mention(republicans, body="Republicans voted.", positions=[(0, 11)])
    clean_stored_entities()
    republicans.refresh_from_db()
    assert republicans.kind == Entity.Kind.GROUP  # settling kinds afterwards agrees
    assert set(republicans.mentions.values_list("kind", flat=True)) == {"group"}


def test_a_kind_follows_the_weight_of_its_mentions():
    putin = builders.entity("Putin", PLACE)
    for _ in range(3):
        mention(putin, kind=PERSON)
    mention(putin, kind=PLACE)
    report = clean_stored_entities()
    putin.refresh_from_db()
    assert putin.kind == PERSON and report.kinds_settled == 1


def test_a_glued_name_hands_its_articles_back_for_extraction():
    glued = builders.entity("Marty MakaryTrump", PERSON)
    m = mention(glued, body="Marty MakaryTrump said.", positions=[(0, 17)])
    report = clean_stored_entities()
    assert report.to_extract == {m.article_id}
    assert not Entity.objects.filter(pk=glued.pk).exists()


def test_a_source_tag_follows_the_source_rule():
    topic = builders.entity("economy", OTHER)  # a site's keyword in lower case: a topic
    mention(topic, origin="source", kind="")
    name = builders.entity("Brexit", OTHER)
    mention(name, origin="source", kind="")
    clean_stored_entities()
    assert not Entity.objects.filter(pk=topic.pk).exists()
    assert Entity.objects.filter(pk=name.pk, name="Brexit").exists()


def test_editors_curation_is_never_touched():
    reviewed = builders.entity("63.7", ORG)
    reviewed.reviewed = True
    reviewed.save()
    mention(reviewed)
    aliased = builders.entity("- Acme", ORG)
    aliased.aliases = ["Acme Corp"]
    aliased.save()
    mention(aliased)
    rejected = builders.entity("860bn", ORG)
    mention(rejected, rejected=True)
    added = builders.entity("<Camco Inc>", ORG)
    mention(added, origin="manual")
    report = clean_stored_entities()
    for entity in (reviewed, aliased, rejected, added):
        before = (entity.name, entity.kind, entity.mentions.count())
        entity.refresh_from_db()
        assert (entity.name, entity.kind, entity.mentions.count()) == before
    assert {pk for pk, _, _ in report.left_for_editors} == {rejected.pk, added.pk}
    assert report.changes == []


def test_a_short_name_merged_into_junk_gets_its_mentions_back():
    glued = builders.entity("Donald TrumpMarty Makary", PERSON)
    short = builders.entity("Makary", PERSON)
    mention(glued, body="Donald TrumpMarty Makary met.", positions=[(0, 24)])
    mention(short, body="Makary spoke.", positions=[(0, 6)])
    from articles.entities.resolution import resolve_short_names

    assert resolve_short_names() == 1
    clean_stored_entities()
    short.refresh_from_db()
    assert short.merged_into is None and not short.reviewed
    assert short.mentions.count() == 1


def test_the_command_dry_run_changes_nothing_and_keeps_a_record(tmp_path, capsys):
    amount = builders.entity("$5m", ORG)
    mention(amount)
    record = tmp_path / "record.json"
    call_command("clean_entities", "--dry-run", "--record", str(record))
    out = capsys.readouterr().out
    assert "removed" in out and "'$5m'" in out and "would be changed: 1 removed" in out
    assert Entity.objects.filter(pk=amount.pk).exists()
    saved = json.loads(record.read_text())
    assert saved["dry_run"] is True
    assert saved["changes"][0]["name"] == "$5m"
    call_command("clean_entities", "--record", str(record))
    assert not Entity.objects.filter(pk=amount.pk).exists()
    assert json.loads(record.read_text())["dry_run"] is False


def test_names_today_s_rules_keep_stay_as_they_are():
    kept = [
        builders.entity("Donald Trump", PERSON),
        builders.entity("Schalke 04", ORG),
        builders.entity("McDonald", PERSON),
        builders.entity("U.S.", PLACE),
        builders.entity("خبرگزاری فارس", ORG),
    ]
    for entity in kept:
        mention(entity)
    report = clean_stored_entities()
    assert report.changes == []
    assert Entity.objects.count() == len(kept)


def test_counts_in_arabic_script_and_function_words_go():
    count = builders.entity("۱۴ رشته", OTHER)  # 14 fields: a source's keyword
    mention(count, origin="source", kind="", body="متن", language="fa")
    found = builders.entity("۳ نفر", PERSON)  # three people
    mention(found, body="متن", language="fa")
    which = builders.entity("التي", PERSON)  # which
    mention(which, body="نص", language="ar")
    kyiv = builders.entity("كيف", PLACE)  # Kyiv in Persian, "how" in Arabic
    mention(kyiv, body="متن", language="fa")
    kamel = builders.entity("کامل", PERSON)  # "complete", and Hussein Kamel's surname
    mention(kamel, body="متن", language="fa")
    mention(builders.entity("حسین کامل", PERSON), body="متن", language="fa")
    report = clean_stored_entities()
    assert report.counts() == {"removed": 3}
    assert set(Entity.objects.current().values_list("name", flat=True)) == {"كيف", "حسین کامل"}
    kamel.refresh_from_db()
    assert kamel.merged_into.name == "حسین کامل"  # resolution, after the cleanup


def test_english_function_words_go_and_a_name_written_with_a_capital_stays():
    junk = builders.entity("the", PERSON)
    mention(junk)
    glued = builders.entity('X."which', ORG)  # what trimming leaves is a function word
    mention(glued)
    shop = builders.entity("Next", ORG)  # a retailer: the capital says it is a name
    mention(shop)
    report = clean_stored_entities()
    assert report.counts() == {"removed": 2}
    assert list(Entity.objects.values_list("name", flat=True)) == ["Next"]
