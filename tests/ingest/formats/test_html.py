"""Tests for articles.ingest.formats.html, on made-up pages."""

import datetime as dt
import socket

import pytest

from articles.ingest.formats.html import page_language, parse_html
from articles.ingest.record import UnreadableDocument

ARTICLE_PAGE = """<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<title>Harbour board splits | The Marrow Gazette</title>
<meta property="og:title" content="Harbour board splits over the future of the old fish market">
<meta property="og:site_name" content="The Marrow Gazette">
<meta name="author" content="Jane Ortega, Tom Reyes">
<meta property="article:published_time" content="2024-03-14T08:30:00+00:00">
<meta property="article:section" content="Local news">
<link rel="canonical" href="https://www.marrow-gazette.example/local/2024/03/14/fish-market">
</head>
<body>
<header><nav><a href="/">Home</a> <a href="/local">Local</a> <a href="/sport">Sport</a>
<a href="/login">Sign in</a></nav></header>
<main><article>
<h1>Harbour board splits over the future of the old fish market</h1>
<p class="byline">By Jane Ortega and Tom Reyes</p>
<p>The harbour board of the coastal town of Marrow met on Monday to decide the future of the
old fish market, which has stood empty since the last trawler company left the port.</p>
<p>Several councillors said the building could house a museum of the fleet,<br>while others
wanted to sell the site to a <em>developer</em> who has promised flats and a promenade.</p>
<h2>Residents fear for the view</h2>
<ul><li>One shopkeeper called the plan a betrayal.</li><li>Another wants a vote.</li></ul>
<p>Residents said they feared that the developer&rsquo;s plan would block the view of the bay
from the old town and bring heavy traffic to its narrow streets.</p>
</article></main>
<aside><h3>Most read</h3><ul><li><a href="/a">Lifeboat crew rescues two kayakers</a></li>
<li><a href="/b">Ferry fares rise again</a></li></ul></aside>
<footer><p>&copy; 2024 The Marrow Gazette. All rights reserved.</p></footer>
</body>
</html>
"""

LOGIN_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sign in | The Marrow Gazette</title></head>
<body><nav><a href="/">Home</a> <a href="/local">Local</a> <a href="/sport">Sport</a></nav>
<main><h1>Sign in</h1><form method="post"><label>E-mail <input name="email"></label>
<label>Password <input type="password" name="password"></label><button>Sign in</button></form>
<p><a href="/reset">Forgot your password?</a></p></main>
<footer>&copy; 2024 The Marrow Gazette</footer></body></html>
"""

# No language, site name, author or date in the markup; German text; a known publication's URL.
BARE_PAGE = """<html><head><title>Neue Fähre für die Insel</title>
<link rel="canonical" href="https://www.afgazad.com/news/ferry.html"></head>
<body><article><h1>Neue Fähre für die Insel</h1>
<p>Die Gemeinde hat am Montag beschlossen, eine neue Fähre für die Verbindung zur Insel zu
kaufen, nachdem das alte Schiff im Winter mehrmals ausgefallen war.</p>
<p>Der Bürgermeister sagte, die Fähre werde im Sommer geliefert und solle doppelt so viele
Fahrgäste befördern können wie bisher.</p>
</article></body></html>
"""


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the HTML reader tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


@pytest.fixture
def article(no_network):
    return parse_html(ARTICLE_PAGE, source_name="fish-market.html")


def test_metadata_from_the_markup(article):
    assert article.title == "Harbour board splits over the future of the old fish market"
    assert article.authors == ["Jane Ortega", "Tom Reyes"]
    assert article.published == dt.date(2024, 3, 14)
    assert article.publication == "The Marrow Gazette"
    assert article.publication_url == "https://www.marrow-gazette.example"
    assert article.section == "Local news"
    assert article.language == "en"
    assert article.source_url == "https://www.marrow-gazette.example/local/2024/03/14/fish-market"
    assert article.source_name == "fish-market.html"
    assert article.raw_text == ARTICLE_PAGE


def test_body_is_the_main_text_one_blank_line_between_blocks(article):
    assert article.body.split("\n\n") == [
        "The harbour board of the coastal town of Marrow met on Monday to decide the future of "
        "the old fish market, which has stood empty since the last trawler company left the port.",
        "Several councillors said the building could house a museum of the fleet, while others "
        "wanted to sell the site to a developer who has promised flats and a promenade.",
        "Residents fear for the view",
        "One shopkeeper called the plan a betrayal.",
        "Another wants a vote.",
        "Residents said they feared that the developer\u2019s plan would block the view of the bay "
        "from the old town and bring heavy traffic to its narrow streets.",
    ]


def test_language_detected_when_the_markup_has_none_and_known_site_named_as_archive_does():
    article = parse_html(BARE_PAGE)
    assert article.language == "de"
    assert article.title == "Neue Fähre für die Insel"
    assert article.publication == "Afghanistan Azad"
    assert article.publication_url == "https://www.afgazad.com"
    assert (article.authors, article.published, article.section) == ([], None, "")


def test_a_date_only_in_the_text_is_not_taken_for_the_publication_date():
    page = BARE_PAGE.replace("</article>", "</article><footer>&copy; 2023 Inselbote</footer>")
    assert parse_html(page).published is None


def test_page_without_an_article(no_network):
    with pytest.raises(UnreadableDocument, match="no article text found"):
        parse_html(LOGIN_PAGE)


@pytest.mark.parametrize("html", ["", "<html><body></body></html>", "<<<>>>\x00"])
def test_pages_with_nothing_to_read(html):
    with pytest.raises(UnreadableDocument):
        parse_html(html)


@pytest.mark.parametrize(
    ("html", "language"),
    [
        ('<html lang="fa-IR" dir="rtl">', "fa"),
        ("<HTML xml:lang='ps'>", "ps"),
        ('<html><head><meta http-equiv="Content-Language" content="de">', "de"),
        ("<html><body>", ""),
    ],
)
def test_page_language(html, language):
    assert page_language(html) == language
