"""Tests for articles.entities.persian: CLDR place names and cue words, no model."""

from articles.entities import extract
from articles.entities.persian import cldr_gazetteer, find


def found(text, language="fa"):
    return [(s.text, s.kind) for s in extract(text, language)]


def test_countries_and_cities_from_cldr_are_places():
    assert found("سفر به ایران و آلمان و تهران") == [
        ("ایران", "place"),
        ("آلمان", "place"),
        ("تهران", "place"),
    ]


def test_cldr_names_in_arabic_and_kurdish_too():
    assert ("مصر", "place") in found("زار مصر", "ar")
    assert cldr_gazetteer().lookup("ئێران").kind == "place"


def test_the_united_nations_is_an_organisation_and_weekdays_are_no_cities():
    assert cldr_gazetteer().lookup("سازمان ملل متحد").kind == "organisation"
    assert cldr_gazetteer().lookup("دوشنبه") is None  # Monday, and Dushanbe


def test_a_news_agency_ministry_and_university_are_organisations_with_their_cue():
    text = "به گزارش خبرگزاری پارسا، وزارت نیرو و دانشگاه کویر"
    assert found(text) == [
        ("خبرگزاری پارسا", "organisation"),
        ("وزارت نیرو", "organisation"),
        ("دانشگاه کویر", "organisation"),
    ]


def test_a_province_is_a_place_with_its_cue_and_its_adjective():
    assert found("در استان خاوران شمالی باران بارید") == [("استان خاوران شمالی", "place")]


def test_a_person_after_a_title_without_the_title_and_again_alone():
    text = "آقای فرهادپور گفت که فرهادپور به شهر یزد می‌رود"
    spans = found(text)
    assert spans == [("فرهادپور", "person"), ("فرهادپور", "person"), ("شهر یزد", "place")]


def test_a_word_joined_by_zwnj_to_a_cue_is_no_name():
    # "شرکت‌کنندگان" (participants) is one word, not the cue "شرکت" (company).
    assert find("شرکت\u200cکنندگان آمدند") == []


def test_a_function_word_after_a_cue_is_no_name():
    assert find("وزارت و دانشگاه در") == []


def test_offsets_hold_with_arabic_letters_and_harakat():
    text = "وَزارت نیرو در ايران"
    spans = find(text)
    assert all(text[s.start : s.end] == s.text for s in spans)
    assert [s.kind for s in spans] == ["organisation", "place"]


def test_a_keyword_of_kind_other_in_the_archive_does_not_hide_a_place_or_an_agency():
    from articles.entities.gazetteer import Gazetteer

    # A source's keywords are stored as "other"; the rules know better.
    keywords = Gazetteer([("ایران", "other", ()), ("خبرگزاری پارسا", "other", ())])
    spans = extract("خبرگزاری پارسا از ایران", "fa", keywords)
    assert [(s.text, s.kind) for s in spans] == [
        ("خبرگزاری پارسا", "organisation"),
        ("ایران", "place"),
    ]


def test_a_place_name_read_as_an_adjective_after_a_noun_is_no_place():
    # "مالی" is Mali, and "financial" after a noun ("سال مالی", the financial year).
    assert found("بودجه سال مالی تصویب شد") == []
    assert found("سفر به مالی") == [("مالی", "place")]


def test_a_given_name_and_a_family_name_are_a_person():
    assert found("جلسه با حضور زهرا کرمانی‌نژاد برگزار شد") == [("زهرا کرمانی‌نژاد", "person")]


def test_a_title_takes_a_given_name_and_a_family_name_but_not_the_office_after_them():
    assert found("دکتر مسعود رحیمیان ، مدیر گروه گفت") == [("مسعود رحیمیان", "person")]
    assert found("آقای فرامرزیان وزیر نیرو گفت") == [
        ("فرامرزیان", "person"),
        ("نیرو", "organisation"),  # the ministry
    ]


def test_a_rare_word_before_an_office_after_a_comma_is_a_person():
    spans = found("به گزارش رویتر ، ناکاتومو نخست‌وزیر ژاپن گفت")
    assert ("ناکاتومو", "person") in spans
    # An everyday word before an office is nobody: "کشور" (country).
    assert ("کشور", "person") not in found("در این کشور رئیس دولت گفت")


def test_an_organisation_ends_before_a_compound_verb():
    assert found("این پیشنهاد در شورای نگهبان مطرح شد") == [("شورای نگهبان", "organisation")]


def test_words_joined_by_zwnj_are_one_word_of_a_name():
    text = "آقای ری‌شهری گفت"
    assert found(text) == [("ری‌شهری", "person")]


def test_iranian_provinces_and_cities_are_places_without_a_cue():
    assert found("از تبریز تا کرمانشاه و خوزستان") == [
        ("تبریز", "place"),
        ("کرمانشاه", "place"),
        ("خوزستان", "place"),
    ]


def test_the_agency_of_a_dateline_is_an_organisation():
    assert ("واحد مرکزی خبر", "organisation") in found("تبریز ـ واحد مرکزی خبر : امروز باران بارید")
    assert ("کیهان", "organisation") in found("شیراز ـ خبرنگار کیهان : امروز")


def test_a_rare_word_before_a_verb_of_saying_is_a_person():
    assert found("ناکاتومو گفت که سفر می‌کند") == [("ناکاتومو", "person")]


def test_the_ministry_after_a_minister_is_an_organisation_without_the_office():
    spans = found("وزیر آموزش و پرورش گفت")
    assert spans == [("آموزش و پرورش", "organisation")]


def test_an_arabic_name_that_is_an_everyday_persian_word_is_no_place():
    # "ماهي" (Mahé in Arabic) is "fish" in Persian.
    assert found("او ماهی خرید") == []


def test_courts_police_and_leagues_are_organisations_with_their_cue_but_not_buildings():
    assert found("رای دیوان عدالت اداری را پلیس راهور اجرا کرد") == [
        ("دیوان عدالت اداری", "organisation"),
        ("پلیس راهور", "organisation"),
    ]
    # A hospital or a school is as much a building as a body: no cue of an organisation.
    assert "organisation" not in {kind for _, kind in found("در بیمارستان مهر بستری شد")}


def test_bodies_known_by_a_name_no_cue_begins():
    assert found("پنتاگون و صلیب سرخ بیانیه دادند") == [
        ("پنتاگون", "organisation"),
        ("صلیب سرخ", "organisation"),
    ]


def test_a_verb_of_saying_in_any_person_and_a_preposition_end_a_name():
    assert found("دکتر کیوانفر گفتند که") == [("کیوانفر", "person")]
    assert found("دکتر کیوانفر درخصوص بودجه") == [("کیوانفر", "person")]


def test_counts_and_function_words_are_not_extracted():
    from articles.entities.gazetteer import Gazetteer

    # a source's keyword that is a count, in the archive's gazetteer, and a function word
    gazetteer = Gazetteer([("۱۴ رشته", "other", []), ("آنچه", "person", [])])
    text = "در ۱۴ رشته ورزشی آنچه گفته شد در تهران بود."
    found = [(s.text, s.kind) for s in extract(text, "fa", gazetteer)]
    assert found == [("تهران", "place")]
