"""Property tests (hypothesis) of prevention's parsers: guidance Markdown and the schools CSV import."""

import csv
import io
from html.parser import HTMLParser
from urllib.parse import urlsplit

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from qorgau.core.models import AuditEntry, CriminalArticle, Helpline, Region
from qorgau.core.reference import load_reference_data
from qorgau.prevention import services
from qorgau.prevention.markup import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, URL_SCHEMES, render_markdown
from qorgau.prevention.models import School

# --- Guidance Markdown ----------------------------------------------------------------------------

ATTACKS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//x.example/x.js></SCRIPT>",
    '<img src=x onerror="alert(1)">',
    "<svg/onload=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    "[x](javascript:alert(1))",
    "[x](data:text/html;base64,PHNjcmlwdD4=)",
    "[x](vbscript:msgbox)",
    "![x](https://x.example/a.png)",
    '<p onclick="alert(1)" style="color:red">x</p>',
    "<iframe src=https://x.example></iframe>",
    "<object data=x></object><embed src=x>",
    "<form action=https://x.example><input name=q></form>",
    '<meta http-equiv="refresh" content="0;url=https://x.example">',
    "<style>body{}</style>",
    "<base href=https://x.example/>",
    '<a href="https://ok.example" onmouseover=alert(1)>ok</a>',
    "<<script>script>alert(1)<</script>/script>",
    "<!--<script>alert(1)</script>-->",
    "`<script>` and ```\n<script>alert(1)</script>\n```",
]
MARKDOWN = [
    "# T",
    "## H",
    "- item",
    "1. one",
    "**b**",
    "_i_",
    "> quote",
    "| a | b |\n|---|---|\n| 1 | 2 |",
    "[ok](https://ok.example)",
    "[tel](tel:150)",
    "\n\n",
    "    code",
]
guidance = st.lists(
    st.one_of(st.sampled_from(ATTACKS), st.sampled_from(MARKDOWN), st.text(max_size=30)),
    max_size=12,
).map("\n".join)


class Elements(HTMLParser):
    """Every start tag and attribute the browser would see."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.seen: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs):
        self.seen.append((tag, attrs))

    def handle_startendtag(self, tag, attrs):
        self.seen.append((tag, attrs))


@settings(max_examples=300, deadline=None)
@given(guidance)
def test_no_script_handler_style_or_foreign_scheme_survives_sanitising(text):
    html = render_markdown(text)
    parser = Elements()
    parser.feed(html)
    parser.close()
    for tag, attrs in parser.seen:
        assert tag in ALLOWED_TAGS, tag
        for name, value in attrs:
            assert not name.startswith("on") and name != "style"
            assert name in ALLOWED_ATTRIBUTES.get(tag, set()) | {"rel"}, (tag, name)
            if name == "href":
                scheme = urlsplit((value or "").strip()).scheme.lower()
                assert scheme in URL_SCHEMES | {""}, value


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.from_regex(r"[A-Za-zА-Яа-яӘәҒғҚқҢңӨөҰұҮүІі0-9]{3,12}", fullmatch=True),
        min_size=1,
        max_size=8,
    )
)
def test_the_words_of_a_guidance_text_are_kept(words):
    html = render_markdown(" ".join(words))
    for word in words:
        assert word in html


# --- The schools CSV import -----------------------------------------------------------------------

GOOD = {
    "region": st.sampled_from(["KZ-75", "kz-71", "KZ-19"]),
    "district": st.sampled_from(["Bostandyk", "Medeu", "Talgar"]),
    "settlement": st.sampled_from(["Almaty", "Demo Village"]),
    "settlement_kind": st.sampled_from(["town", "village", "город", "ауыл"]),
    "name": st.sampled_from(["Demo School No. 1", "Demo School No. 2", "Демо мектеп № 3"]),
    "pupils": st.sampled_from(["0", "120", "800"]),
    "languages": st.sampled_from(["kk", "ru", "kk;ru", "en"]),
}
junk = st.one_of(st.text(max_size=15), st.sampled_from(["", "KZ-99", "-5", "1e3", "klingon", '"']))


@st.composite
def school_files(draw):
    columns = draw(st.permutations(services.SCHOOL_COLUMNS))
    if draw(st.booleans()):
        columns = columns[: draw(st.integers(1, len(columns)))]
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow([c.upper() if draw(st.booleans()) else c for c in columns])
    for _ in range(draw(st.integers(0, 4))):
        writer.writerow([draw(st.one_of(GOOD[c], GOOD[c], junk)) for c in columns])
    text = buffer.getvalue()
    if draw(st.booleans()):
        text = "\ufeff" + text
    if draw(st.booleans()):
        text = text[: draw(st.integers(0, len(text)))] + draw(st.text(max_size=8))
    return text


class SchoolImportProperties(TestCase):
    def setUp(self):
        if not Region.objects.exists():
            load_reference_data(Region, CriminalArticle, Helpline)

    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
    @given(school_files(), st.booleans())
    def test_any_file_is_imported_whole_or_answered_with_its_bad_lines(self, text, good_rows):
        result = services.school_import_csv(acting_user=None, text=text, good_rows=good_rows)
        schools = School.objects.count()
        assert schools == result.created
        for error in result.errors:
            assert error.line >= 1 and error.reason
        if result.errors and not good_rows:
            assert schools == 0 and not result.imported
            assert not AuditEntry.objects.filter(action="school.import").exists()

    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.text(max_size=200))
    def test_any_text_at_all_is_answered_not_crashed_on(self, text):
        result = services.school_import_csv(acting_user=None, text=text)
        assert School.objects.count() == result.created
