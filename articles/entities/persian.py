"""Entities in Persian, Arabic and Kurdish text, where the archive has no model.

Two general sources, on top of the archive's own gazetteer (``articles.entities.tagging``):

- **Place names from CLDR**, as babel ships them: the names of countries, territories and
  regions, and of the cities time zones are named after, in Persian, Arabic and Central
  Kurdish ("ایران", "آلمان", "تهران", "القاهرة"). "United Nations" and "European Union"
  in that list are organisations.
- **Cue words**, which say what the next words name: an organisation after "خبرگزاری"
  (news agency), "وزارت" (ministry), "دانشگاه" (university), "سازمان", "شرکت", "بانک",
  "حزب" …, the cue being part of the name ("خبرگزاری فارس"); a place after "استان"
  (province), "شهر" (city), "روستای" … ("استان اصفهان"); a person after a title
  ("آقای", "دکتر", "آیت‌الله" …), the title not being part of the name. A name after a
  cue runs to the next function word or punctuation: one word, and more while they are
  adjectives ending in "ی" ("وزارت امور خارجه" needs the gazetteer; "استان آذربایجان
  شرقی" does not) or place names. A word once named a person after a title is a person
  wherever else the same text uses it alone.

``find(text)`` returns the spans, offsets into ``text`` as given. The text is compared
after ``normalise_persian_arabic`` (ي/ی, ك/ک, ZWNJ …), as the gazetteer compares it.
"""

from __future__ import annotations

import functools
import re
from collections import Counter

from articles.entities import Span
from articles.entities.gazetteer import Gazetteer
from articles.search.analysis import normalise_persian_arabic, normalise_persian_arabic_offsets

CLDR_LOCALES = ("fa", "ar", "ckb")
# CLDR territory codes that are not places.
_ORGANISATION_TERRITORIES = {"UN", "EU"}
_NOT_PLACES = {"EZ", "QO", "XA", "XB", "ZZ", "001"}


@functools.cache
def cldr_gazetteer() -> Gazetteer:
    """Names of countries, territories, regions and time-zone cities in Persian, Arabic and
    Central Kurdish, from babel's copy of CLDR."""
    # Imported on first use: babel's locale data is only needed for Persian-script text.
    from babel import Locale

    entries = []
    for code in CLDR_LOCALES:
        locale = Locale.parse(code)
        # A city named like a weekday or month ("دوشنبه", Dushanbe and Monday) is left out.
        calendar = {
            normalise_persian_arabic(name)
            for names in (locale.days["format"]["wide"], locale.months["format"]["wide"])
            for name in names.values()
        }
        for territory, name in locale.territories.items():
            if territory in _NOT_PLACES:
                continue
            kind = "organisation" if territory in _ORGANISATION_TERRITORIES else "place"
            entries.append((name, kind, ()))
        for zone in locale.time_zones.values():
            city = zone.get("city")
            if city and normalise_persian_arabic(city) not in calendar:
                entries.append((city, "place", ()))
    return Gazetteer(entries)


def _words(text: str) -> list[str]:
    return [normalise_persian_arabic(word) for word in text.split()]


# Words that say what the next words name. Persian, Arabic and Central Kurdish.
ORGANISATION_CUES = _words(
    "خبرگزاری وزارت وزارتخانه دانشگاه دانشکده پژوهشگاه سازمان شرکت بانک حزب شورای مجلس "
    "کمیته کمیسیون انجمن اتحادیه بنیاد ستاد موسسه مؤسسه روزنامه هفته‌نامه ماهنامه باشگاه "
    "فدراسیون سپاه ارتش جبهه جنبش صندوق خبرگزاریهای تیم سفارت سفارتخانه دولت بیمه "
    "اتاق نهاد مرکز کانون هیات هیئت دبیرخانه فرمانداری استانداری شهرداری دادگستری دادگاه "
    "کارخانه نیروی قوه پارلمان کنگره آژانس تلویزیون رادیو "
    "وكالة وزارة جامعة منظمة شركة بنك حزب لجنة هيئة جمعية اتحاد مؤسسة صحيفة نادي حركة جبهة "
    "ئاژانسی وەزارەتی زانکۆی پارتی ڕێکخراوی کۆمپانیای"
)
PLACE_CUES = _words(
    "استان شهر شهرستان روستای روستا کشور جزیره جزایر دریای رود رودخانه کوه کوههای منطقه "
    "بندر خلیج ایالت قاره اقیانوس "
    "محافظة مدينة ولاية قرية جزيرة بحر نهر جبل إقليم "
    "پارێزگای شاری"
)
# Titles before a person's name (not part of it).
PERSON_CUES = _words(
    "آقای خانم دکتر مهندس آیت‌الله آیت‌اله حجت‌الاسلام سردار سرلشکر سرتیپ امیر "
    "پروفسور شیخ "
    "رئیس‌جمهور رئیس‌جمهوری "
    "السيد السيدة الدكتور الشيخ "
    "بەڕێز د."
)
# Function words, common verbs and punctuation-like words: where a name after a cue ends.
STOP_WORDS = set(
    _words(
        "و در به از که با را این آن برای تا بر هم نیز یک های ها است بود شد کرد می نمی "
        "گفت گفته کرده شده داشت دارد باید خود وی او ما آنها اما یا ای چه چون پس پیش بین "
        "درباره طی توسط سوی روی زیر پیرو ضمن اظهار افزود نوشت اعلام کرد هر همه "
        "دارند داشتند کردند کنند کند شود شوند داد دادند گزارش خبر "
        "في من إلى على عن مع أن إن هذا هذه التي الذي قال كان و"
    )
)
_CUES = (
    {cue: "organisation" for cue in ORGANISATION_CUES}
    | {cue: "place" for cue in PLACE_CUES}
    | {cue: "person" for cue in PERSON_CUES}
)
# A word of the text: letters, marks and ZWNJ (U+200C) inside a word.
_WORD = re.compile(r"[^\W\d_](?:[\w\u200c]*\w)?")
MAX_NAME_WORDS = 4
PERSON_SHARE = 0.2


def find(text: str) -> list[Span]:
    """Places, organisations and people in ``text`` by CLDR names and cue words, left to
    right, none overlapping."""
    normalised, offsets = normalise_persian_arabic_offsets(text)
    words = list(_WORD.finditer(normalised))
    places = cldr_gazetteer()
    spans: list[Span] = []
    people: Counter = Counter()
    i = 0
    while i < len(words):
        kind = _CUES.get(words[i].group())
        if (
            kind is None
            or i + 1 == len(words)
            or not _adjacent(text, offsets, words[i], words[i + 1])
        ):
            i += 1
            continue
        first = i + 1
        following = words[first].group()
        # An organisation's name may begin with another cue: "مجلس شورای اسلامی".
        if following in STOP_WORDS or (following in _CUES and _CUES[following] != kind):
            i += 1
            continue
        last = first
        if kind != "person":
            while (
                last + 1 < len(words)
                and last + 1 - first < MAX_NAME_WORDS
                and _adjacent(text, offsets, words[last], words[last + 1])
                and _continues(words[last + 1].group(), kind, places)
            ):
                last += 1
        start = words[i if kind != "person" else first].start()
        end = words[last].end()
        if kind == "person":
            people[words[first].group()] += 1
        spans.append(Span(offsets[start], offsets[end], text[offsets[start] : offsets[end]], kind))
        i = last + 1
    spans += _elsewhere(text, offsets, words, people, spans)
    covered = {offset for s in spans for offset in range(s.start, s.end)}
    for span in places.find(text):
        if not covered.intersection(range(span.start, span.end)) and not _adjective(text, span):
            spans.append(span)
    return sorted(spans)


_PREVIOUS_WORD = re.compile(r"([^\W\d_][\w\u200c]*)[ \u200c]+$")


def _adjective(text: str, span: Span) -> bool:
    """Whether a one-word place name ending in "ی" is used as an adjective: right after a
    noun, as in "سال مالی" (the financial year, not Mali) or "ماهی" after a verb's object,
    and not after a preposition or a cue ("در مالی", "کشور مالی")."""
    name = normalise_persian_arabic(span.text)
    if " " in name or not name.endswith("ی"):
        return False
    before = _PREVIOUS_WORD.search(text, max(0, span.start - 40), span.start)
    if before is None:
        return False
    word = normalise_persian_arabic(before.group(1))
    return word not in STOP_WORDS and word not in _CUES


def _adjacent(text: str, offsets: list[int], a: re.Match, b: re.Match) -> bool:
    """Whether two words of the normalised text are two words of ``text`` with only spaces
    between them: not a line break or punctuation, and not a ZWNJ, which joins the parts of
    one word ("شرکت‌کننده", participant, is not the cue "شرکت")."""
    gap = text[offsets[a.end()] : offsets[b.start()]]
    return gap != "" and gap.strip(" ") == ""


def _continues(word: str, kind: str, places: Gazetteer) -> bool:
    """Whether ``word`` may go on a name of ``kind`` begun after a cue: for an organisation
    any word but a function word or a cue of another kind; for a place an adjective ending
    in "ی" or a place name."""
    if word in STOP_WORDS or (word in _CUES and _CUES[word] != kind):
        return False
    if kind == "organisation":
        return True
    return (word.endswith("ی") and len(word) > 2) or places.lookup(word) is not None


def _elsewhere(text, offsets, words, people: Counter, spans) -> list[Span]:
    """The other uses, alone, of words named a person after a title, if at least one use in
    ``PERSON_SHARE`` of the word is after a title (a common word, as "رئیس", is not)."""
    uses = Counter(word.group() for word in words if word.group() in people)
    names = {word for word, n in people.items() if n >= PERSON_SHARE * uses[word]}
    covered = {offset for s in spans for offset in range(s.start, s.end)}
    found = []
    for word in words:
        start, end = offsets[word.start()], offsets[word.end()]
        if word.group() in names and start not in covered:
            found.append(Span(start, end, text[start:end], "person"))
    return found
