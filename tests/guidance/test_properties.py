"""Property tests (hypothesis) of the guidance Markdown: nothing that can run survives sanitising."""

from html.parser import HTMLParser
from urllib.parse import urlsplit

from hypothesis import given, settings
from hypothesis import strategies as st

from qorgau.guidance.markup import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, URL_SCHEMES, render_markdown

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
