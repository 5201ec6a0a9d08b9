"""Tests for articles.ingest.formats.text: plain text and Markdown."""

import datetime as dt

import pytest

from articles.ingest.formats.text import parse_markdown, parse_plain_text

# A plain text article as an editor saves it: title, byline, date, lines wrapped at 80.
WRAPPED = """Harbour board splits over the old fish market

By Jane Ortega and Tom Reyes
14 March 2024

The harbour board of the coastal town of Marrow met on Monday to decide the
future of the old fish market, which has stood empty since the last trawler
company left the port in the spring.

Several councillors said the building could house a museum of the fleet,
while others wanted to sell the site to a developer.
"""

# One paragraph per line, no blank lines, a short paragraph right under the title.
UNWRAPPED = (
    "Ferry fares rise again\n"
    "The board met on Monday.\n"
    "The ferry company said on Friday that fares to the island would rise by a tenth from "
    "April, the third rise in two years, blaming the price of fuel and new safety rules.\n"
    "Islanders said the rise would hit commuters hardest and asked the province to step in "
    "with a subsidy, as it did for the crossing to the northern islands last year.\n"
)


class TestPlainText:
    def test_title_byline_date_and_wrapped_paragraphs(self):
        article = parse_plain_text(WRAPPED, source_name="harbour.txt")
        assert article.title == "Harbour board splits over the old fish market"
        assert article.authors == ["Jane Ortega", "Tom Reyes"]
        assert article.published == dt.date(2024, 3, 14)
        assert article.language == "en"
        assert article.source_name == "harbour.txt"
        assert article.raw_text == WRAPPED
        assert article.body == (
            "The harbour board of the coastal town of Marrow met on Monday to decide the future "
            "of the old fish market, which has stood empty since the last trawler company left "
            "the port in the spring.\n\n"
            "Several councillors said the building could house a museum of the fleet, while "
            "others wanted to sell the site to a developer."
        )

    def test_one_paragraph_per_long_line_and_only_the_first_line_is_the_title(self):
        article = parse_plain_text(UNWRAPPED)
        assert article.title == "Ferry fares rise again"
        paragraphs = article.body.split("\n\n")
        assert len(paragraphs) == 3
        assert paragraphs[0] == "The board met on Monday."
        assert paragraphs[2].startswith("Islanders said")
        assert (article.authors, article.published) == ([], None)

    def test_a_date_in_the_body_is_not_the_publication_date(self):
        text = "Title\n\nThe market opened on 5 May 2021 and closed a year later, said the board."
        article = parse_plain_text(text)
        assert article.published is None
        assert article.body.startswith("The market opened on 5 May 2021")

    def test_empty(self):
        article = parse_plain_text("\n \n")
        assert (article.title, article.body, article.language) == ("", "", "")


MARKDOWN_WITH_FRONT_MATTER = """---
title: "Harbour board splits over the old fish market"
author: [Jane Ortega, Tom Reyes]
date: 2024-03-14T08:30:00Z
source: https://www.marrow-gazette.example/local/fish-market
section: Local news
language: en-GB
---

# Harbour board splits over the old fish market

The **harbour board** of the coastal town of [Marrow](https://example.org/marrow) met on
Monday to decide the _future_ of the old fish_market_site.

## Residents fear for the view

- One shopkeeper called the plan a `betrayal`.
- Another asked for a public consultation.

![The market hall](hall.jpg)

> Nobody asked us, said a fisherman.

```
Code is kept as it is: *not emphasis*
```

Read the [council's notice][notice] online.

[notice]: https://example.org/notice
"""


class TestMarkdown:
    @pytest.fixture
    def article(self):
        return parse_markdown(MARKDOWN_WITH_FRONT_MATTER, source_name="harbour.md")

    def test_front_matter(self, article):
        assert article.title == "Harbour board splits over the old fish market"
        assert article.authors == ["Jane Ortega", "Tom Reyes"]
        assert article.published == dt.date(2024, 3, 14)
        assert article.source_url == "https://www.marrow-gazette.example/local/fish-market"
        assert article.publication == "Marrow Gazette"
        assert article.publication_url == "https://www.marrow-gazette.example"
        assert article.section == "Local news"
        assert article.language == "en"
        assert article.raw_text == MARKDOWN_WITH_FRONT_MATTER

    def test_body_without_markup(self, article):
        assert article.body.split("\n\n") == [
            "The harbour board of the coastal town of Marrow met on Monday to decide the future "
            "of the old fish_market_site.",
            "Residents fear for the view",
            "One shopkeeper called the plan a betrayal.",
            "Another asked for a public consultation.",
            "Nobody asked us, said a fisherman.",
            "Code is kept as it is: *not emphasis*",
            "Read the council's notice online.",
        ]

    def test_heading_title_and_byline_and_date_below_it(self):
        text = (
            "# Ferry fares rise again\n\n*By Jane Ortega*\n\n_14 March 2024_\n\n"
            "The ferry company said on Friday that fares to the island would rise by a tenth.\n"
        )
        article = parse_markdown(text)
        assert article.title == "Ferry fares rise again"
        assert article.authors == ["Jane Ortega"]
        assert article.published == dt.date(2024, 3, 14)
        assert article.body == (
            "The ferry company said on Friday that fares to the island would rise by a tenth."
        )
        assert article.language == "en"

    def test_front_matter_authors_in_a_list_and_a_source_that_is_a_name(self):
        text = (
            "---\nauthors:\n  - Jane Ortega\n  - 'Tom Reyes'\ndate: 14 March 2024\n"
            "source: The Marrow Gazette\n---\nFerry fares rise again\n\nFares rise by a tenth.\n"
        )
        article = parse_markdown(text)
        assert article.authors == ["Jane Ortega", "Tom Reyes"]
        assert article.published == dt.date(2024, 3, 14)
        assert article.publication == "The Marrow Gazette"
        assert article.source_url == ""
        assert article.title == "Ferry fares rise again"

    def test_setext_heading_title(self):
        article = parse_markdown("Ferry fares rise again\n======\n\nFares rise by a tenth.\n")
        assert article.title == "Ferry fares rise again"
        assert article.body == "Fares rise by a tenth."
