import datetime as dt

import bibtexparser
import pytest
from bibtexparser.middlewares import LatexDecodingMiddleware
from django.urls import reverse

from articles.citations import Citation, Name, bibtex, bibtex_escape, plain_text, ris, split_name
from articles.models import Article
from tests import builders

TITLE = "Russia and Turkey intensify military cooperation over US objections"
URL = "https://archive.example/articles/russia-and-turkey/"
RETRIEVED = dt.date(2025, 5, 1)


def cite(**kwargs) -> Citation:
    fields = {
        "title": TITLE,
        "url": URL,
        "retrieved": RETRIEVED,
        "authors": ["Ulas Atesci", "Nancy Thomas"],
        "publication": "Afghanistan Azad",
        "published_on": dt.date(2019, 9, 5),
        "language": "en",
    }
    return Citation(**{**fields, **kwargs})


@pytest.mark.parametrize(
    "name, parts",
    [
        ("Ulas Atesci", Name("Atesci", "Ulas")),
        ("Recep Tayyip Erdogan", Name("Erdogan", "Recep Tayyip")),
        ("Ludwig van Beethoven", Name("van Beethoven", "Ludwig")),
        ("Bashar al-Assad", Name("al-Assad", "Bashar")),
        ("Abdullah bin Zayed", Name("bin Zayed", "Abdullah")),
        ("Thomas, Nancy", Name("Thomas", "Nancy")),
        ("  Nancy   Thomas ", Name("Thomas", "Nancy")),
        ("Reuters", Name("Reuters")),
        ("Staff and agencies", Name("Staff and agencies")),
        ("علی رضایی", Name("علی رضایی")),
    ],
)
def test_split_name(name, parts):
    assert split_name(name) == parts


def test_plain_text_with_two_authors():
    assert plain_text(cite()) == (
        "Atesci, Ulas, and Nancy Thomas. “Russia and Turkey intensify military cooperation "
        f"over US objections.” Afghanistan Azad, 5 September 2019. {URL}. "
        "Retrieved from NewsArchive."
    )


def test_plain_text_with_one_author_three_authors_and_none():
    assert plain_text(cite(authors=["Ulas Atesci"])).startswith("Atesci, Ulas. “Russia and Turkey")
    assert plain_text(cite(authors=["A Be", "C De", "E Fe"])).startswith(
        "Be, A, C De, and E Fe. “Russia"
    )
    assert plain_text(cite(authors=[])).startswith("“Russia and Turkey")


def test_plain_text_without_date_or_publication_and_with_a_question():
    text = plain_text(cite(title="Why now?", publication="", published_on=None, authors=[]))
    assert text == f"“Why now?” {URL}. Retrieved from NewsArchive."


def test_plain_text_keeps_persian_names_as_written():
    text = plain_text(cite(authors=["علی رضایی"], title="خبر", language="fa"))
    # Right-to-left parts sit between Unicode isolates (FSI … PDI), so the Latin punctuation
    # around them keeps its place when the citation is displayed.
    assert text.startswith("\u2068علی رضایی\u2069. “\u2068خبر\u2069.”")


def test_plain_text_leaves_latin_citations_without_isolates():
    text = plain_text(cite())
    assert "\u2068" not in text and "\u2069" not in text


def test_bibtex_with_two_authors():
    entry = bibtex(cite())
    assert entry.startswith("@article{atesci2019russia,\n")
    assert "  author = {Atesci, Ulas and Thomas, Nancy},\n" in entry
    assert "  title = {{" + TITLE + "}},\n" in entry
    assert "  journal = {Afghanistan Azad},\n" in entry
    assert "  year = {2019},\n  month = sep,\n  day = {5},\n" in entry
    assert f"  url = {{{URL}}},\n" in entry
    assert "  urldate = {2025-05-01},\n" in entry
    assert entry.endswith("}\n")
    assert entry.count("{") == entry.count("}")


def test_bibtex_with_one_author_and_without_author_or_publication():
    assert "author = {Atesci, Ulas}," in bibtex(cite(authors=["Ulas Atesci"]))
    entry = bibtex(cite(authors=[], publication="", published_on=None))
    assert entry.startswith("@misc{newsarchiverussia,")
    assert "author" not in entry and "journal" not in entry and "year" not in entry


def test_bibtex_braces_names_it_must_not_split():
    entry = bibtex(cite(authors=["Staff and agencies", "علی رضایی"]))
    assert "author = {{Staff and agencies} and {علی رضایی}}," in entry


def test_bibtex_escapes_special_characters():
    assert bibtex_escape(r"50% of R&D_costs #1 {x} $3 ~ ^ \ ") == (
        r"50\% of R\&D\_costs \#1 \{x\} \$3 \textasciitilde{} \textasciicircum{} "
        r"\textbackslash{}"
    )
    entry = bibtex(cite(title="Profits up 50% at AT&T {again}\nin Q3", publication="Dow & Co"))
    assert r"title = {{Profits up 50\% at AT\&T \{again\} in Q3}}," in entry
    assert r"journal = {Dow \& Co}," in entry
    assert entry.count("{") - entry.count(r"\{") == entry.count("}") - entry.count(r"\}")


def test_ris_with_two_authors():
    record = ris(cite(section="World", summary="Two lines\nof summary."))
    assert record.split("\r\n") == [
        "TY  - NEWS",
        "AU  - Atesci, Ulas",
        "AU  - Thomas, Nancy",
        f"TI  - {TITLE}",
        "T2  - Afghanistan Azad",
        "SE  - World",
        "PY  - 2019",
        "DA  - 2019/09/05/",
        "AB  - Two lines of summary.",
        f"UR  - {URL}",
        "Y2  - 2025/05/01/",
        "LA  - English",
        "DB  - NewsArchive",
        "ER  - ",
        "",
    ]


def test_ris_with_one_author_and_none():
    assert "AU  - Atesci, Ulas\r\nTI  - " in ris(cite(authors=["Ulas Atesci"]))
    record = ris(cite(authors=[], publication="", published_on=None, language="fa"))
    assert "AU  -" not in record and "T2  -" not in record and "PY  -" not in record
    assert "LA  - Persian\r\n" in record


def test_ris_values_stay_on_one_line():
    record = ris(cite(title="A title\nER  - \r\nTY  - JOUR\x00"))
    assert record.count("\r\n") == len(record.splitlines())
    assert "TI  - A title ER - TY - JOUR\r\n" in record
    assert record.count("TY  - ") == 1 and record.count("ER  - ") == 1


# Through the site ------------------------------------------------------------------------


@pytest.mark.django_db
def test_article_page_shows_the_citation_and_download_links(client):
    article = builders.article(
        title=TITLE,
        authors=["Ulas Atesci", "Nancy Thomas"],
        pub=builders.publication("Afghanistan Azad"),
    )
    html = client.get(article.get_absolute_url()).content.decode()
    permalink = f"http://testserver{article.get_absolute_url()}"
    assert "Cite this article" in html
    assert (
        f"Atesci, Ulas, and Nancy Thomas. “{TITLE}.” Afghanistan Azad, 5 September 2019. "
        f"{permalink}. Retrieved from NewsArchive." in html
    )
    assert f'<link rel="canonical" href="{permalink}">' in html
    assert reverse("articles:cite-bibtex", args=[article.slug]) in html
    assert reverse("articles:cite-ris", args=[article.slug]) in html


@pytest.mark.django_db
def test_citation_on_the_page_is_escaped(client):
    article = builders.article(title="<script>alert(1)</script>", authors=["<b>Bold</b> Name"])
    html = client.get(article.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in html and "<b>Bold" not in html


@pytest.mark.django_db
def test_bibtex_download(client):
    article = builders.article(title="AT&T in 100% of cases", authors=["Nancy Thomas"])
    response = client.get(reverse("articles:cite-bibtex", args=[article.slug]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/x-bibtex; charset=utf-8"
    assert f'filename="{article.slug}.bib"' in response["Content-Disposition"]
    body = response.content.decode()
    assert body.startswith("@article{thomas2019att,")
    assert r"title = {{AT\&T in 100\% of cases}}," in body
    assert f"url = {{http://testserver{article.get_absolute_url()}}}," in body


@pytest.mark.django_db
@pytest.mark.parametrize("title", ["خبر تازه از تهران", "AT&T in 100% of cases"])
def test_bibtex_tools_read_the_whole_url(client, title):
    """bibtexparser, decoding LaTeX as it does for reference managers, reads the title and
    the whole permalink, percent-encoded Persian slug included."""
    article = builders.article(title=title, authors=["علی رضایی"], language="fa")
    permalink = f"http://testserver{article.get_absolute_url()}"
    response = client.get(reverse("articles:cite-bibtex", args=[article.slug]))
    library = bibtexparser.parse_string(
        response.content.decode(), append_middleware=[LatexDecodingMiddleware()]
    )
    assert not library.failed_blocks
    [entry] = library.entries
    assert entry["url"] == permalink
    assert entry["title"] == title
    assert entry["author"] == "علی رضایی"


def test_bibtex_url_escapes_what_latex_reads_as_comments_and_parameters():
    url = "https://archive.example/articles/%D8%AE%D8%A8%D8%B1/#cite"
    entry = bibtex(cite(url=url))
    assert r"  url = {https://archive.example/articles/\%D8\%AE\%D8\%A8\%D8\%B1/\#cite}," in entry


@pytest.mark.django_db
def test_ris_download(client):
    article = builders.article(authors=["Ulas Atesci", "Nancy Thomas"])
    response = client.get(reverse("articles:cite-ris", args=[article.slug]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-research-info-systems; charset=utf-8"
    assert f'filename="{article.slug}.ris"' in response["Content-Disposition"]
    body = response.content.decode()
    assert body.startswith("TY  - NEWS\r\nAU  - Atesci, Ulas\r\nAU  - Thomas, Nancy\r\n")
    assert f"UR  - http://testserver{article.get_absolute_url()}\r\n" in body


@pytest.mark.django_db
def test_persian_slug_gives_a_download_filename(client):
    article = builders.article(title="خبر تازه", authors=["علی رضایی"], language="fa")
    response = client.get(reverse("articles:cite-ris", args=[article.slug]))
    assert response.status_code == 200
    assert "filename*=utf-8''" in response["Content-Disposition"]
    assert "AU  - علی رضایی\r\n" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "status", [Article.Status.DRAFT, Article.Status.REVIEW, Article.Status.WITHDRAWN]
)
@pytest.mark.parametrize("name", ["articles:cite-bibtex", "articles:cite-ris"])
def test_unpublished_articles_have_no_citation(client, status, name):
    article = builders.article(status=status)
    assert client.get(reverse(name, args=[article.slug])).status_code == 404


@pytest.mark.django_db
def test_unknown_slug_has_no_citation(client):
    assert client.get("/articles/no-such-article/cite.bib").status_code == 404
