"""The narrative with the words that set its priority marked (`intake.highlight`), and what the stored
reasons mean to the pages (`intake.explain`): pure functions, no database."""

import re
import unicodedata

from django.template.defaultfilters import linebreaksbr
from hypothesis import given
from hypothesis import strategies as st

from qorgau.intake.explain import (
    Reason,
    crisis_helplines,
    explained_reasons,
    mentions_self_harm,
    quoted_words,
)
from qorgau.intake.highlight import highlight, marked_parts

MEETING = {
    "code": "meeting",
    "priority": "P1",
    "label": {
        "en": "A meeting with the child is arranged",
        "ru": "Назначена встреча с ребёнком",
        "kk": "Баламен кездесу белгіленген",
    },
    "quotes": ["erteń", "kezdesemiz"],
}


def marked(html: str) -> list[str]:
    return re.findall(r"<mark>(.*?)</mark>", html, flags=re.S)


class TestHighlight:
    def test_kazakh_latin_words_are_marked_whole_and_whatever_their_case(self):
        html = highlight("Ol maǵan ERTEŃ sabaqtan keıin kezdesemiz dep jazdy. erteńgi", ["erteń"])
        assert marked(html) == ["ERTEŃ"]  # not inside "erteńgi"
        assert marked(highlight("MAǴAN jazdy", ["maǵan"])) == ["MAǴAN"]
        assert marked(highlight("keıin KEIIN", ["keıin"])) == ["keıin", "KEIIN"]  # ı is I upper

    def test_cyrillic_words_are_marked_every_time_they_stand(self):
        html = highlight("Встретимся завтра. Он написал: встретимся!", ["встретимся"])
        assert marked(html) == ["Встретимся", "встретимся"]
        assert marked(highlight("Ертең кездесеміз, ертеңгі", ["ертең"])) == ["Ертең"]

    def test_a_letter_with_a_combining_accent_is_part_of_its_word(self):
        decomposed = unicodedata.normalize("NFD", "maǵan erteń")
        assert marked(highlight(decomposed, ["maǵan"])) == [unicodedata.normalize("NFD", "maǵan")]
        assert marked(highlight(decomposed, ["mag"])) == []  # "g" of "ǵ" is not a word end
        assert marked(highlight("maǵan", [unicodedata.normalize("NFD", "maǵan")])) == ["maǵan"]

    def test_the_longest_quote_wins_and_overlaps_are_one_mark(self):
        html = highlight("после школы завтра, и в школе", ["школы", "после школы", "школы завтра"])
        assert marked(html) == ["после школы завтра"]
        html = highlight("after school and school", ["school", "after school"])
        assert marked(html) == ["after school", "school"]

    def test_a_quote_with_a_space_matches_across_spaces_and_a_line_break(self):
        html = highlight("встретимся после\r\nшколы", ["после школы"])
        assert marked(html) == ["после<br>школы"]

    def test_the_narrative_stays_escaped_whatever_is_quoted(self):
        narrative = "<script>alert('x')</script> he said & \"we meet\" <b>tomorrow</b>"
        html = highlight(narrative, ["<script>", "tomorrow", '& "we meet"'])
        assert "<script>" not in html and "<b>" not in html
        assert marked(html) == ["&lt;script&gt;", "&amp; &quot;we meet&quot;", "tomorrow"]
        assert "&lt;/script&gt;" in html

    def test_regex_metacharacters_in_a_quote_are_plain_text(self):
        narrative = "a+b (a+b) ab aab .* x|y [z] \\d 5"
        html = highlight(narrative, [".*", "a+b", "(", "x|y", "[z]", "\\d", "*", "?", ""])
        assert marked(html) == ["a+b", "(a+b", ".*", "x|y", "[z]", "\\d"]
        assert marked(highlight("anything at all", [".*", "\\w+", "(?i)a"])) == []

    def test_emoji_and_punctuation_quotes_need_no_word_boundary(self):
        assert marked(highlight("stop🔪🔪 now", ["🔪"])) == ["🔪🔪"]

    def test_no_quotes_is_linebreaksbr(self):
        narrative = "one\r\ntwo\rthree\n<i>four</i>"
        assert highlight(narrative, []) == linebreaksbr(narrative)
        assert highlight("", ["x"]) == ""

    def test_what_is_not_a_word_is_left_alone(self):
        assert marked(highlight("he will meet me", [None, 3, "", "  ", ["meet"], "meet"])) == [
            "meet"
        ]
        assert marked(highlight("x" * 500, ["x" * 300])) == []  # longer than any quote can be

    @given(st.text(max_size=300), st.lists(st.text(max_size=12), max_size=6))
    def test_only_marks_are_added_to_what_linebreaksbr_gives(self, narrative, words):
        html = highlight(narrative, words)
        assert re.sub(r"</?mark>", "", html) == linebreaksbr(narrative)
        assert "<mark></mark>" not in html
        parts = marked_parts(narrative, words)
        assert "".join(part.text for part in parts) == narrative.replace("\r\n", "\n").replace(
            "\r", "\n"
        )
        assert all(part.text for part in parts)

    @given(st.text(alphabet="aáǵıńeAÁǴIŃE кКеЕң.,\n", max_size=120), st.data())
    def test_each_word_of_the_narrative_quoted_is_marked(self, narrative, data):
        words = re.findall(r"\w+", narrative)
        if not words:
            return
        quote = data.draw(st.sampled_from(words))
        html = highlight(narrative, [quote])
        assert any(m.casefold() == quote.casefold() for m in marked(html))


class TestExplainedReasons:
    def test_each_reason_has_its_label_in_the_language_and_its_words(self):
        raise_rule = {"code": "linked_offender", "raise": 1, "label": {"en": "Linked", "ru": "Св"}}
        reasons = explained_reasons([MEETING, raise_rule], "kk")
        assert reasons == [
            Reason("meeting", "Баламен кездесу белгіленген", ["erteń", "kezdesemiz"]),
            Reason("linked_offender", "Св", []),  # no Kazakh label: Russian, as reason_labels
        ]
        assert explained_reasons([MEETING], "en")[0].label == MEETING["label"]["en"]

    def test_an_old_reason_without_quotes_reads_as_before(self):
        old = {key: value for key, value in MEETING.items() if key != "quotes"}
        assert explained_reasons([old, "P2 by category"], "ru") == [
            Reason("meeting", "Назначена встреча с ребёнком", []),
            Reason("", "P2 by category", []),
        ]
        assert explained_reasons(None, "ru") == [] and explained_reasons({"a": 1}, "ru") == []

    def test_bad_quotes_are_dropped_and_repeats_shown_once(self):
        reason = dict(MEETING, quotes=["erteń", " erteń ", "", None, 7, "kezdesemiz"])
        assert explained_reasons([reason], "en")[0].quotes == ["erteń", "kezdesemiz"]
        assert explained_reasons([dict(MEETING, quotes="erteń")], "en")[0].quotes == []

    def test_an_unreadable_text_without_a_label_says_so(self):
        assert explained_reasons([{"code": "unreadable"}], "en")[0].label == (
            "Could not read the text"
        )

    def test_all_quotes_once_for_the_narrative(self):
        reasons = [Reason("a", "A", ["x", "y"]), Reason("b", "B", ["y", "z"])]
        assert quoted_words(reasons) == ["x", "y", "z"]

    def test_self_harm_is_read_from_the_reason_codes(self):
        assert mentions_self_harm([MEETING, {"code": "self_harm", "priority": "P1"}])
        assert not mentions_self_harm([MEETING, "self_harm", {"label": "self_harm"}])
        assert not mentions_self_harm(None)

    def test_the_crisis_lines_are_150_111_112_in_that_order(self):
        class Line:
            def __init__(self, number):
                self.number = number

        lines = [Line(n) for n in ["102", "112", "103", "111", "150"]]
        assert [line.number for line in crisis_helplines(lines)] == ["150", "111", "112"]
        assert [line.number for line in crisis_helplines(lines[:2])] == ["112"]
