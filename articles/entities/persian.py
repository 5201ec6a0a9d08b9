"""Entities in Persian, Arabic and Kurdish text, where the archive has no model.

General sources, on top of the archive's own gazetteer (``articles.entities.tagging``):

- **Place names from CLDR**, as babel ships them: the names of countries, territories and
  regions, and of the cities time zones are named after, in Persian, Arabic and Central
  Kurdish ("ایران", "آلمان", "تهران", "القاهرة"). "United Nations" and "European Union"
  in that list are organisations. Beside them, the lists of ``persian_words``: Iran's
  provinces and cities, and agencies and bodies known by a short name ("ایرنا", "ناتو").
- **Cue words**, which say what the next words name: an organisation after "خبرگزاری"
  (news agency), "وزارت" (ministry), "دانشگاه" (university), "سازمان", "شرکت", "بانک",
  "حزب" …, the cue being part of the name ("خبرگزاری فارس"); a place after "استان"
  (province), "شهر" (city), "روستای" … ("استان اصفهان"); a person after a title
  ("آقای", "دکتر", "آیت‌الله" …), the title not being part of the name. A name after a
  cue runs to the next function word, punctuation, office ("وزیر") or compound verb
  ("مطرح شد": "مطرح" is no part of the name): up to four words for an organisation; for a
  place adjectives ending in "ی" or place names ("استان آذربایجان شرقی"); for a person a
  name and a family name.
- **People's names**: a given name ("محمد", "زهرا", "جورج") followed by a family name;
  and one or two rare words between a boundary and an office ("X ، سخنگوی وزارت …",
  "X نخست‌وزیر ژاپن"), a word being rare when wordfreq's Persian list says so.
- **One text names one person one way**: a family name, or a name after a title, is a
  person wherever else the same text uses it alone, if at least ``PERSON_SHARE`` of its
  uses are in a person's name (a common word, as "رئیس", is not).

``find(text)`` returns the spans, offsets into ``text`` as given. The text is compared
after ``normalise_persian_arabic`` (ي/ی, ك/ک …), as the gazetteer compares it; words
joined by a ZWNJ ("ری‌شهری", "نخست‌وزیر") are one word here.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from typing import NamedTuple

from articles.entities import Span
from articles.entities import persian_words as lists
from articles.entities.gazetteer import Gazetteer
from articles.search.analysis import normalise_persian_arabic, normalise_persian_arabic_offsets

CLDR_LOCALES = ("fa", "ar", "ckb")
# CLDR territory codes that are not places.
_ORGANISATION_TERRITORIES = {"UN", "EU"}
_NOT_PLACES = {"EZ", "QO", "XA", "XB", "ZZ", "001"}


@functools.cache
def _calendar_words() -> frozenset[str]:
    """Weekdays and months in the CLDR locales: "دوشنبه" is Monday before it is Dushanbe."""
    from babel import Locale

    words: set[str] = set()
    for code in CLDR_LOCALES:
        locale = Locale.parse(code)
        for names in (locale.days["format"]["wide"], locale.months["format"]["wide"]):
            words.update(normalise_persian_arabic(name) for name in names.values())
    return frozenset(words)


@functools.cache
def cldr_gazetteer() -> Gazetteer:
    """Names of countries, territories, regions and time-zone cities in Persian, Arabic and
    Central Kurdish, from babel's copy of CLDR, with the places and organisations of
    ``persian_words``."""
    # Imported on first use: babel's locale data is only needed for Persian-script text.
    from babel import Locale

    entries = []
    for code in CLDR_LOCALES:
        locale = Locale.parse(code)
        # An Arabic or Kurdish name that is an everyday Persian word ("ترك", leaving; "ماهي",
        # fish) would be found in every Persian text.
        foreign = code != "fa"
        for territory, name in locale.territories.items():
            if territory in _NOT_PLACES or (foreign and _common(normalise_persian_arabic(name))):
                continue
            kind = "organisation" if territory in _ORGANISATION_TERRITORIES else "place"
            entries.append((name, kind, ()))
        for zone in locale.time_zones.values():
            city = zone.get("city")
            if not city:
                continue
            key = normalise_persian_arabic(city)
            if key not in _calendar_words() and not (foreign and _common(key)):
                entries.append((city, "place", ()))
    entries += [(name, "place", ()) for name in lists.PLACES.split()]
    entries += [(name, "place", ()) for name in lists.PLACE_PHRASES]
    entries += [(name, "organisation", ()) for name in lists.ORGANISATIONS.split()]
    entries += [(name, "organisation", ()) for name in lists.ORGANISATION_PHRASES]
    return Gazetteer(entries)


def _words(text: str) -> list[str]:
    """The words of ``text`` (split at spaces only), normalised: a ZWNJ inside a word
    becomes a space, as it does in the text's tokens."""
    return [normalise_persian_arabic(word) for word in text.split()]


# Words that say what the next words name. Persian, Arabic and Central Kurdish.
ORGANISATION_CUES = _words(
    "خبرگزاری وزارت وزارتخانه دانشگاه دانشکده پژوهشگاه سازمان شرکت بانک حزب شورای مجلس "
    "کمیته کمیسیون انجمن اتحادیه بنیاد ستاد موسسه مؤسسه روزنامه هفته‌نامه ماهنامه باشگاه "
    "فدراسیون سپاه ارتش جبهه جنبش صندوق خبرگزاریهای تیم سفارت سفارتخانه دولت بیمه "
    "اتاق نهاد مرکز کانون هیات هیئت هیأت دبیرخانه فرمانداری استانداری شهرداری دادگستری "
    "دادگاه کارخانه نیروی قوه پارلمان کنگره آژانس تلویزیون رادیو مجمع رژیم دفتر شبکه "
    "اداره فراکسیون دیوان پلیس گروهک ائتلاف فرهنگستان پژوهشکده "
    "لیگ گمرک بورس کمیساریای سندیکای کنفدراسیون آکادمی "
    "نهضت قرارگاه کنسرسیوم "
    "وكالة وزارة منظمة شركة بنك حزب لجنة هيئة جمعية اتحاد مؤسسة صحيفة نادي حركة جبهة "
    "ئاژانسی وەزارەتی زانکۆی پارتی ڕێکخراوی کۆمپانیای"
)
PLACE_CUES = _words(
    "استان شهر شهرستان روستای روستا جزیره جزایر دریای رود رودخانه کوه کوههای منطقه "
    "بندر خلیج ایالت قاره اقیانوس "
    "محافظة مدينة ولاية قرية جزيرة بحر نهر جبل إقليم "
    "پارێزگای شاری"
)
# Titles before a person's name (not part of it).
PERSON_CUES = _words(
    "آقای خانم دکتر مهندس آیت‌الله آیت‌اله حجت‌الاسلام حجت‌الاسلام‌والمسلمین والمسلمین "
    "سردار سرلشکر سرتیپ سرهنگ سرگرد سروان ژنرال امیر پروفسور شیخ استاد "
    "رئیس‌جمهور رئیس‌جمهوری "
    "السيد السيدة الدكتور الشيخ "
    "بەڕێز د."
)
# Function words, common verbs and punctuation-like words: where a name after a cue ends.
FUNCTION_WORDS = set(
    _words(
        "و در به از که با را این آن برای تا بر هم نیز یک های ها است بود شد کرد می نمی "
        "گفت گفته کرده شده داشت دارد باید خود وی او ما آنها اما یا ای چه چون پس پیش بین "
        "درباره طی توسط سوی روی زیر پیرو ضمن اظهار افزود نوشت اعلام کرد هر همه "
        "دارند داشتند کردند کنند کند شود شوند داد دادند گزارش خبر "
        "كه چند دو سه چهار پنج اول دوم سوم دیگر دیگری ولی بلکه همچنین اینکه آنکه اکنون "
        "هنوز حتی فقط تنها بسیار خیلی بیش کمتر بیشتر آنگاه سپس آنان ایشان درصدد خواستار "
        "علی‌رغم طبق براساس بعد قبل درخصوص خصوص پیرامون "
        "في من إلى عن مع أن إن هذا هذه التي الذي قال كان و"
    )
)
# Words of time, and words that qualify one ("سابق", former): no name goes on through them.
TIME_WORDS = set(
    _words(
        "روز امروز دیروز فردا شب صبح عصر ظهر سال ماه هفته جاری گذشته آینده سابق وقت کنونی فعلی جدید"
    )
)
STOP_WORDS = FUNCTION_WORDS | TIME_WORDS
ROLE_WORDS = set(_words(lists.ROLE_WORDS))
# Verbs of saying, after the name of who said it.
SPEECH_VERBS = set(_words("گفت افزود اظهار تصریح خاطرنشان تأکید تاکید نوشت می‌گوید گفته‌است"))
# The other persons of those verbs, and "believes": no part of a name ("قالیباف گفتند").
SAYING = SPEECH_VERBS | set(
    _words(
        "معتقد معتقدند "
        + " ".join(
            stem + ending
            for stem in ("گفت", "افزود", "نوشت")
            for ending in ("م", "ی", "یم", "ید", "ند", "ه")
        )
    )
)
LIGHT_VERBS = set(_words(lists.LIGHT_VERBS))
GIVEN_NAMES = set(_words(lists.GIVEN_NAMES))
# Family names often end so: "احمدی", "حسن‌زاده", "محمدپور", "کریم‌نیا", "ملکیان".
FAMILY_ENDINGS = ("ی", "زاده", "پور", "نیا", "یان", "فر", "لو", "وند", "راد")
# An office whose next words name the ministry ("وزیر امور خارجه"), without the office.
MINISTER_CUES = set(_words("وزیر وزرای"))
_CUES = (
    {cue: "organisation" for cue in ORGANISATION_CUES}
    | {cue: "place" for cue in PLACE_CUES}
    | {cue: "person" for cue in PERSON_CUES}
)
# A word of the normalised text: letters and marks.
_WORD = re.compile(r"[^\W\d_](?:\w*[^\W\d_])?")
MAX_NAME_WORDS = 4
MAX_PERSON_WORDS = 3
PERSON_SHARE = 0.2
# A word this frequent in Persian (wordfreq's Zipf scale: 5 is once in 100,000 words) is an
# everyday word ("روز", "کشور", "موجود"), not a name no cue announces.
COMMON_ZIPF = 5.0
# With no cue but an office after it, a name must be rarer ("اخیرا", "دیدار" are not).
RARE_ZIPF = 4.0


_SPACED_TITLES = {
    ("آیت", "الله"),
    ("آیت", "اله"),
    ("حجت", "الاسلام"),
    ("حجت الاسلام", "والمسلمین"),
}


class _Token(NamedTuple):
    start: int  # in the original text
    end: int
    key: str  # normalised; the parts of a word joined by a ZWNJ with a space between


def _tokens(text: str) -> list[_Token]:
    normalised, offsets = normalise_persian_arabic_offsets(text)
    tokens: list[_Token] = []
    for match in _WORD.finditer(normalised):
        start, end = offsets[match.start()], offsets[match.end()]
        gap = text[tokens[-1].end : start] if tokens else ""
        joined = gap != "" and gap.strip("\u200c") == ""
        # A title written with a space: "آیت الله", "حجت الاسلام" as "آیت‌الله".
        spaced_title = gap.strip(" ") == "" and (
            tokens and (tokens[-1].key, match.group()) in _SPACED_TITLES
        )
        if joined or spaced_title:
            last = tokens.pop()
            tokens.append(_Token(last.start, end, f"{last.key} {match.group()}"))
        else:
            tokens.append(_Token(start, end, match.group()))
    return tokens


@functools.cache
def _zipf(word: str) -> float:
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "fa")


def _common(word: str) -> bool:
    return _zipf(word) >= COMMON_ZIPF


def _verb(tokens: list[_Token], i: int) -> bool:
    key = tokens[i].key
    return key in LIGHT_VERBS or key.startswith(("می ", "نمی ", "خواهد", "خواهند"))


class _Reader:
    """One text's tokens and the spans found so far, none overlapping."""

    def __init__(self, text: str):
        self.text = text
        self.tokens = _tokens(text)
        self.taken = [False] * len(self.tokens)
        self.spans: list[Span] = []

    def adjacent(self, i: int) -> bool:
        """Whether tokens ``i`` and ``i + 1`` are separated by spaces only (no line break,
        no punctuation)."""
        if i + 1 >= len(self.tokens):
            return False
        gap = self.text[self.tokens[i].end : self.tokens[i + 1].start]
        return gap != "" and gap.strip(" ") == ""

    def free(self, i: int) -> bool:
        return 0 <= i < len(self.tokens) and not self.taken[i]

    def name_word(self, i: int, person: bool = False) -> bool:
        """Whether token ``i`` may be part of a name: no function word, cue, office or verb,
        and not the predicate of a compound verb that follows it ("مطرح شد"; a rare word
        before a verb is a person's name, "به هاشمیان داد", and a place a place)."""
        if not self.free(i):
            return False
        key = self.tokens[i].key
        if key in STOP_WORDS or key in _CUES or key in ROLE_WORDS or key in SAYING:
            return False
        if _verb(self.tokens, i):
            return False
        if not (self.adjacent(i) and _verb(self.tokens, i + 1)):
            return True
        if cldr_gazetteer().lookup(key) is not None:
            return True  # "به یزد می‌رود"
        return person and not _common(key)

    def add(self, first: int, last: int, kind: str) -> None:
        start, end = self.tokens[first].start, self.tokens[last].end
        self.spans.append(Span(start, end, self.text[start:end], kind))
        for i in range(first, last + 1):
            self.taken[i] = True

    def person_after(self, i: int) -> int | None:
        """The last token of a person's name that begins at token ``i``: a name, and a family
        name after it when the first is a given name or the second is rare or shaped like a
        family name; None when token ``i`` cannot begin a name."""
        places = cldr_gazetteer()
        if not self.name_word(i, person=True) or places.lookup(self.tokens[i].key):
            return None  # "رئیس‌جمهور آمریکا"
        last = i
        while (
            last - i + 1 < MAX_PERSON_WORDS
            and self.adjacent(last)
            and self.name_word(last + 1, person=True)
            and (
                self.tokens[last].key in GIVEN_NAMES
                or _family_name(self.tokens[last + 1].key)
                or not _common(self.tokens[last + 1].key)
            )
            and self.tokens[last + 1].key not in _calendar_words()
            and not places.lookup(self.tokens[last + 1].key)
        ):
            last += 1
            if self.tokens[last].key not in GIVEN_NAMES:
                break  # a family name ends the name
        return last


def _family_name(key: str) -> bool:
    return len(key) > 3 and key.replace(" ", "").endswith(FAMILY_ENDINGS)


def find(text: str) -> list[Span]:
    """Places, organisations and people in ``text`` by CLDR names, cue words and name
    patterns, left to right, none overlapping."""
    reader = _Reader(text)
    _datelines(reader)
    _after_cues(reader)
    _given_names(reader)
    _before_offices(reader)
    _elsewhere(reader)
    for span in cldr_gazetteer().find(text):
        if not _overlaps(reader, span) and not _adjective(text, span):
            reader.spans.append(span)
    return sorted(reader.spans)


def _overlaps(reader: _Reader, span: Span) -> bool:
    return any(s.start < span.end and span.start < s.end for s in reader.spans)


# A dateline: a place at the start of a line, a dash, the agency or paper, a colon:
# "تهران ـ ایرنا :", "شیراز - خبرنگار کیهان :".
_DATELINE = re.compile(
    r"^[ \t]*(?P<place>[^\W\d_][^\n:ـ–\-]{0,30}?)[ \t]*[ـ–\-][ \t]*"
    r"(?P<source>[^\W\d_][^\n:،,.ـ–\-]{0,40}?)[ \t]*:",
    re.MULTILINE,
)
REPORTER = _words("خبرنگار خبرنگاران")


def _datelines(reader: _Reader) -> None:
    """The news agency or paper of a dateline (after a place of one to three words) is an
    organisation; "خبرنگار" (reporter) before the paper's name is not part of it."""
    for match in _DATELINE.finditer(reader.text):
        if len(match.group("place").split()) > 3:
            continue
        start, end = match.span("source")
        inside = [k for k, t in enumerate(reader.tokens) if start <= t.start and t.end <= end]
        if inside and reader.tokens[inside[0]].key in REPORTER:
            inside = inside[1:]
        if not inside or len(inside) > MAX_NAME_WORDS or not all(map(reader.free, inside)):
            continue
        if reader.tokens[inside[0]].key in FUNCTION_WORDS:
            continue  # "کیش ـ به گفته …"
        reader.add(inside[0], inside[-1], "organisation")


def _after_cues(reader: _Reader) -> None:
    tokens, places = reader.tokens, cldr_gazetteer()
    i = 0
    while i < len(tokens):
        minister = tokens[i].key in MINISTER_CUES
        kind = "organisation" if minister else _CUES.get(tokens[i].key)
        if kind is None or not reader.adjacent(i):
            i += 1
            continue
        first = i + 1
        if kind == "person":
            # Titles in a row: "حجت‌الاسلام والمسلمین", "آقای دکتر".
            while _CUES.get(tokens[first].key) == "person" and reader.adjacent(first):
                first += 1
            last = reader.person_after(first)
            following = tokens[first].key
            if last is None or (_common(following) and following not in GIVEN_NAMES):
                i = first  # "رئیس‌جمهور در این دیدار": no name after the title
                continue
            reader.add(first, last, "person")
            i = last + 1
            continue
        following = tokens[first].key
        # An organisation's name may begin with another cue: "مجلس شورای اسلامی".
        if not (
            reader.name_word(first) or (kind == "organisation" and _CUES.get(following) == kind)
        ):
            i += 1
            continue
        if kind == "place" and _common(following) and places.lookup(following) is None:
            i += 1  # "منطقه عموما", "شهرستان برگزار": no name follows
            continue
        last = first
        while (
            last + 1 - first < MAX_NAME_WORDS
            and reader.adjacent(last)
            and reader.name_word(last + 1)
            and _continues(tokens[last + 1].key, kind, places)
            and not (minister and places.lookup(tokens[last + 1].key))  # "وزیر خارجه آمریکا"
        ):
            last += 1
        if kind == "organisation" and last - first < 2 and _and_name(reader, last):
            last += 2  # "بانک صنعت و معدن", "وزارت آموزش و پرورش"
        if minister and places.lookup(tokens[first].key):
            i += 1
            continue
        reader.add(first if minister else i, last, kind)
        i = last + 1


def _and_name(reader: _Reader, last: int) -> bool:
    """Whether "و" (and) after token ``last`` joins a second word to an organisation's name:
    one name word, no cue of another name ("وزارت نیرو و دانشگاه کویر") nor a place, at
    the end of the name (punctuation, a function word or a verb after it)."""
    tokens = reader.tokens
    if not (reader.adjacent(last) and tokens[last + 1].key == "و" and reader.adjacent(last + 1)):
        return False
    second = last + 2
    if not reader.name_word(second) or cldr_gazetteer().lookup(tokens[second].key):
        return False
    after = second + 1
    return (
        not reader.adjacent(second)
        or tokens[after].key in FUNCTION_WORDS
        or _verb(tokens, after)
        or tokens[after].key.endswith("ی")
    )


def _continues(word: str, kind: str, places: Gazetteer) -> bool:
    """Whether ``word`` may go on a name of ``kind`` begun after a cue: for an organisation
    any name word; for a place an adjective ending in "ی" or a place name."""
    if kind == "organisation":
        return True
    return (word.endswith("ی") and len(word) > 2) or places.lookup(word) is not None


def _given_names(reader: _Reader) -> None:
    """A given name followed by a family name (or another given name and a family name)."""
    i = 0
    while i < len(reader.tokens):
        if reader.tokens[i].key in GIVEN_NAMES and reader.free(i):
            last = reader.person_after(i)
            if last is not None and last > i:
                reader.add(i, last, "person")
                i = last + 1
                continue
        i += 1


def _before_offices(reader: _Reader) -> None:
    """One or two rare words between a boundary (start of a line, punctuation, a function
    word) and an office or a verb of saying: "… ، یوشیرو موری نخست‌وزیر ژاپن", "آصفی ،
    سخنگوی وزارت", "نتانیاهو گفت"."""
    tokens, text, places = reader.tokens, reader.text, cldr_gazetteer()

    def rare_name(k: int) -> bool:
        key = tokens[k].key
        return (
            reader.name_word(k, person=True)
            and _zipf(key) < RARE_ZIPF
            and not STOP_WORDS.intersection(key.split())  # "دراین‌حال"
            and not places.lookup(key)
        )

    for i, token in enumerate(tokens):
        if i == 0 or (token.key not in ROLE_WORDS and token.key not in SPEECH_VERBS):
            continue
        gap = text[tokens[i - 1].end : token.start]
        # An office may stand after a comma, a verb of saying right after the name.
        separators = " ،," if token.key in ROLE_WORDS else " "
        if gap == "" or gap.strip(separators) != "" or not rare_name(i - 1):
            continue
        first = i - 1
        if first > 0 and reader.adjacent(first - 1) and rare_name(first - 1):
            first -= 1
        before = first - 1
        if before >= 0 and reader.adjacent(before) and tokens[before].key not in STOP_WORDS:
            continue  # no boundary before the name: "مراسم X وزیر" is no name of one word
        reader.add(first, i - 1, "person")


def _elsewhere(reader: _Reader) -> None:
    """The other uses, alone, of a one-word person's name or of the family name of a
    fuller one, if at least ``PERSON_SHARE`` of the word's uses are in a person's name."""
    people: Counter = Counter()
    for span in reader.spans:
        if span.kind == "person":
            people[_words(span.text)[-1] if span.text.split() else span.text] += 1
    names = {normalise_persian_arabic(word) for word in people}
    if not names:
        return
    uses = Counter(token.key for token in reader.tokens if token.key in names)
    names = {word for word in names if people.get(word, 0) >= PERSON_SHARE * uses[word]}
    for i, token in enumerate(reader.tokens):
        if token.key in names and reader.free(i):
            reader.add(i, i, "person")


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
    return word not in FUNCTION_WORDS and word not in _CUES
