"""Tests for articles.ingest.pages: pages of a dump and the furniture around the article.

Every document here is made up for the test: invented outlets, names and addresses.
"""

from articles.ingest.pages import article_lines, find_furniture, read_pages

WIDE = "a line of text as wide as the column is, set in the body type, running on"


def body(text: str) -> list[str]:
    pages = read_pages(text)
    return [line.text for line in article_lines(pages, find_furniture(pages))]


def furniture(text: str) -> list[str]:
    pages = read_pages(text)
    return [pages[page][index].text for page, index in sorted(find_furniture(pages))]


class TestReadPages:
    def test_lines_keep_their_indent_and_columns(self):
        page = read_pages("      Centred title\nwww.harbourpost.example        3\n")[0]
        assert (page[0].text, page[0].indent, page[0].columns) == ("Centred title", 6, ())
        assert page[1].columns == ("www.harbourpost.example", "3")

    def test_form_feeds_separate_pages(self):
        assert [len(page) for page in read_pages("one\ftwo\nthree")] == [1, 2]


class TestPageJoins:
    def test_a_paragraph_ending_at_the_foot_of_a_page_stays_apart(self):
        text = f"{WIDE}\n{WIDE}\nThe end.\n\n1\n\f2\n\nThe next paragraph starts here.\n\f"
        assert body(text) == [WIDE, WIDE, "The end.", "", "The next paragraph starts here."]

    def test_a_paragraph_running_over_a_page_is_joined(self):
        text = f"{WIDE}\n{WIDE}\n\nPage 1\n\fwww.example.org 2\n\n{WIDE}.\n\f"
        assert body(text) == [WIDE, WIDE, f"{WIDE}."]

    def test_a_word_split_over_the_page_break_meets_its_tail(self):
        text = f"{WIDE}\nthe council's harbour com-\nMarrow Gazette   Page 1 of 2\f"
        text += f"Marrow Gazette   Page 2 of 2\nmittee met on Monday.\n{WIDE}\n"
        assert body(text)[1:3] == ["the council's harbour com-", "mittee met on Monday."]


class TestFurniture:
    def test_a_running_header_printed_twice_goes(self):
        text = f"The Lantern Weekly\n\nTitle here\n{WIDE}\n{WIDE}\n\fThe Lantern Weekly\n{WIDE}\n"
        assert furniture(text) == ["The Lantern Weekly", "The Lantern Weekly"]

    def test_recurring_dated_lines_at_the_top_go_even_on_the_first_page(self):
        # What a browser prints at the top of each page: the date and time, and the title.
        printed = "14/03/2024, 09:12 Fish market | Marrow Gazette"
        text = f"{printed}\n\nFish market\n\nBody one\n\f{printed}\n\nand two.\n\f"
        assert body(text) == ["Fish market", "", "Body one", "and two."]

    def test_a_footer_of_columns_with_an_address_goes_on_a_one_page_article(self):
        text = f"Title here\n{WIDE}\n{WIDE}.\nlanternweekly.example/news          1\n"
        assert furniture(text) == ["lanternweekly.example/news 1"]

    def test_a_copyright_line_at_the_foot_goes(self):
        text = f"Title here\n{WIDE}\n{WIDE}.\n(c) 2003 Lantern Press Ltd. All rights reserved.\n"
        assert furniture(text) == ["(c) 2003 Lantern Press Ltd. All rights reserved."]

    def test_a_running_title_on_a_later_page_goes(self):
        title = "Tram depot to close after ninety years"
        text = f"Lantern Weekly\n{title}\n{WIDE}\n{WIDE}\n\f"
        text += f"Lantern Weekly        Tram depot to close after …\n{WIDE}\n{WIDE}\n"
        assert "Lantern Weekly Tram depot to close after …" in furniture(text)

    def test_a_short_line_ending_a_paragraph_at_a_page_top_stays(self):
        text = f"Tram depot to close\n{WIDE}\n{WIDE}\n\fsaid.\n{WIDE}\n{WIDE}\n\fsaid.\n{WIDE}\n"
        assert furniture(text) == []


def test_a_running_head_whose_title_asks_a_question_goes():
    text = f"Lantern Weekly\nIs the harbour safe?\n{WIDE}\n{WIDE}\n\f"
    text += f"Lantern Weekly          Is the harbour safe?\n{WIDE}\n{WIDE}\n"
    assert furniture(text) == ["Lantern Weekly Is the harbour safe?"]
