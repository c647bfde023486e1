"""The incremental markdown renderer (assets/markdown.js) on its own, in Chromium: streamed in
any pieces it builds the same DOM as the whole text at once, never rebuilds what it finished,
and never lets model text run as HTML or as a script URL."""

import random
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page

from demo_agent.model import markdown_document

SCRIPT = Path(__file__).resolve().parents[2] / "assets" / "markdown.js"

# Renders `text` whole into one element and in `pieces` (painting between them) into another.
RENDER_BOTH = """([text, pieces]) => {
  const whole = document.createElement("div");
  const once = Markdown.create(whole); once.append(text); once.end();
  const streamed = document.createElement("div");
  const renderer = Markdown.create(streamed);
  for (const piece of pieces) { renderer.append(piece); renderer.paint(); }
  renderer.end();
  return [whole.innerHTML, streamed.innerHTML];
}"""

RENDER = """(text) => {
  const el = document.createElement("div");
  const r = Markdown.create(el); r.append(text); r.end();
  document.body.replaceChildren(el);
  return el.innerHTML;
}"""


@pytest.fixture
def md(page: Page) -> Page:
    page.set_content("<body></body>")
    page.add_script_tag(path=str(SCRIPT))
    return page


def hrefs(links: Locator) -> list[str]:
    """The ``href`` of each link, as written (not resolved)."""
    return links.evaluate_all("links => links.map(a => a.getAttribute('href'))")


def pieces_of(text: str, seed: int, longest: int) -> list[str]:
    rnd, pieces, at = random.Random(seed), [], 0
    while at < len(text):
        size = rnd.randint(1, longest)
        pieces.append(text[at : at + size])
        at += size
    return pieces


@pytest.mark.parametrize("longest", [1, 7, 60], ids=["chars", "words", "lines"])
def test_a_streamed_answer_ends_as_the_same_dom_as_the_whole_text(md: Page, longest: int):
    text = markdown_document(400)
    for seed in range(3):
        whole, streamed = md.evaluate(RENDER_BOTH, [text, pieces_of(text, seed, longest)])
        assert streamed == whole


def test_the_demo_markdown_has_every_kind_of_block(md: Page):
    md.evaluate(RENDER, markdown_document(200))
    for selector in ["h2", "ul > li", "ul ul > li", "ol > li", "blockquote p", "strong", "em",
                     "p code", "pre code[data-language='python']", "table th", "table td",
                     "a[href='https://example.com/1']"]:  # fmt: skip
        assert md.locator(selector).count() > 0, selector
    assert md.locator("td[style*='right']").count() > 0  # the ---: column


def test_finished_blocks_are_kept_not_rebuilt_as_more_text_arrives(md: Page):
    kept = md.evaluate(
        """() => {
      const el = document.createElement("div");
      const r = Markdown.create(el);
      r.append("# Title\\n\\nFirst paragraph with **bold** and more words ");
      r.paint();
      const heading = el.querySelector("h1"), bold = el.querySelector("strong");
      for (let i = 0; i < 200; i++) { r.append(`word${i} `); r.paint(); }
      r.append("\\n\\n- a list\\n\\n```js\\nlet x = 1;\\n");
      r.paint();
      const code = el.querySelector("code");
      r.append("let y = 2;\\n```\\n");
      r.end();
      return heading === el.querySelector("h1") && bold === el.querySelector("strong")
        && code === el.querySelector("pre code") && code.textContent === "let x = 1;\\nlet y = 2;";
    }"""
    )
    assert kept


def test_open_emphasis_is_drawn_while_streaming_and_closes_in_place(md: Page):
    states = md.evaluate(
        """() => {
      const el = document.createElement("div");
      const r = Markdown.create(el);
      r.append("Some **bold te"); r.paint();
      const during = el.innerHTML;
      r.append("xt** done"); r.end();
      return [during, el.innerHTML];
    }"""
    )
    assert states == [
        "<p>Some <strong>bold te</strong></p>",
        "<p>Some <strong>bold text</strong> done</p>",
    ]


@pytest.mark.parametrize(
    "source",
    [
        "[click](javascript:alert(1))",
        "[click](JaVaScRiPt:alert(1))",
        "[click](data:text/html,<script>alert(1)</script>)",
        "[click](vbscript:msgbox)",
        "[click](/relative/path)",
        "<javascript:alert(1)>",
        "![img](javascript:alert(1))",
        "![img](data:image/svg+xml,<svg onload=alert(1)>)",
    ],
)
def test_links_and_images_with_other_schemes_are_plain_text(md: Page, source: str):
    md.evaluate(RENDER, f"Look: {source} end")
    assert md.locator("a, img").count() == 0
    assert source in md.locator("p").inner_text()


def test_http_https_and_mailto_links_are_live_and_open_safely(md: Page):
    md.evaluate(
        RENDER,
        "[a](https://example.com/x) [b](http://example.org) [c](mailto:me@example.com) "
        "<https://auto.example.com> <you@example.org> ![pic](https://example.com/p.png)",
    )
    assert hrefs(md.locator("a")) == [
        "https://example.com/x",
        "http://example.org/",
        "mailto:me@example.com",
        "https://auto.example.com/",
        "mailto:you@example.org",
        "https://example.com/p.png",
    ]
    assert md.locator("a").nth(4).inner_text() == "you@example.org"
    assert md.locator("a").first.get_attribute("rel") == "noopener noreferrer nofollow"
    # An image is a link to it, never loaded (its address could carry what the model read).
    assert md.locator("img").count() == 0
    assert md.locator("a.md-image").inner_text() == "Image: pic"


def test_raw_html_is_shown_as_text_and_never_runs(md: Page):
    text = '<img src=x onerror="window.__ran=1"> <script>window.__ran=2</script> <b>bold</b>'
    md.evaluate(RENDER, text)
    assert md.locator("body img, body script, body b").count() == 0
    assert md.locator("p").inner_text() == text
    assert md.evaluate("window.__ran") is None


def test_a_code_block_shows_its_language_and_a_copy_button(md: Page):
    md.evaluate(RENDER, "```python\nprint('<b>hi</b>')\n```")
    assert md.locator(".md-code-lang").inner_text() == "python"
    assert md.locator("pre code").inner_text() == "print('<b>hi</b>')"
    assert md.get_by_test_id("copy-code").count() == 1


def test_a_code_block_is_coloured_once_it_closes_and_its_text_stays_inert(md: Page):
    states = md.evaluate(
        """() => {
      const el = document.createElement("div");
      document.body.replaceChildren(el);
      const r = Markdown.create(el);
      r.append('```python\\n# say hi\\ndef hi():\\n    return "<img src=x onerror=alert(1)>"\\n');
      r.paint();
      const colours = (code) => code.querySelectorAll("[class^='md-tok-']");
      const open = colours(el).length;
      r.append("```\\n\\n```zig\\nfn main() void {}\\n```\\n");
      r.end();
      const [python, zig] = el.querySelectorAll("code");
      const spans = (code) => [...colours(code)].map((s) => [s.className, s.textContent]);
      return [open, spans(python), python.textContent, spans(zig)];
    }"""
    )
    open_spans, python, text, zig = states
    assert open_spans == 0  # while it streams, plain text
    assert python == [
        ["md-tok-comment", "# say hi"],
        ["md-tok-keyword", "def"],
        ["md-tok-keyword", "return"],
        ["md-tok-string", '"<img src=x onerror=alert(1)>"'],
    ]
    assert text == '# say hi\ndef hi():\n    return "<img src=x onerror=alert(1)>"'  # copied as is
    assert md.locator("img").count() == 0
    assert zig == []  # a language it does not know stays plain


# A long code block while it streams, and once closed: plain (a language it does not
# colour) and coloured. Its lines go in parts; blank lines sit around the parts' edges.
STREAM_CODE = """([text, pieces]) => {
  const box = document.createElement("div");
  box.className = "markdown";
  document.body.replaceChildren(box);
  const r = Markdown.create(box);
  const seen = [];
  const look = () => {
    const code = box.querySelector("pre code");
    const plain = document.createElement("div");
    plain.className = "markdown";
    plain.innerHTML = "<div class='md-code'><pre><code></code></pre></div>";
    plain.querySelector("code").textContent = code.innerText;
    document.body.append(plain);
    seen.push({text: code.innerText, height: box.querySelector("pre").offsetHeight,
               plainHeight: plain.querySelector("pre").offsetHeight,
               parts: code.querySelectorAll(".md-code-part").length});
    plain.remove();
  };
  for (const piece of pieces) { r.append(piece); r.paint(); }
  look();
  r.append("```\\n"); r.end();
  look();
  return seen;
}"""


@pytest.mark.parametrize("language", ["text", "python"])
def test_a_long_code_block_reads_copies_and_lays_out_as_its_lines(page: Page, language: str):
    # The clipboard needs a secure origin: a loopback one, answered by Playwright itself.
    origin = "http://127.0.0.1:9"
    page.route(
        f"{origin}/", lambda route: route.fulfill(body="<body></body>", content_type="text/html")
    )
    page.goto(f"{origin}/")
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=origin)
    page.add_script_tag(path=str(SCRIPT))
    page.add_style_tag(path=str(SCRIPT.parent / "app.css"))
    lines = [f"    value_{i} = {i}  # line {i}" if i % 7 else "" for i in range(1, 351)]
    lines[97:103] = ["", "x = 1", "", "", "y = 2", ""]  # blank lines where a part may end
    code = "\n".join(lines)
    text = f"```{language}\n{code}\n"
    streaming, closed = page.evaluate(STREAM_CODE, [text, pieces_of(text, 5, 90)])
    assert streaming["parts"] > 1  # what this test is about
    for state in (streaming, closed):
        assert state["text"] == code  # as selected and copied by hand, blank lines included
        assert state["height"] == state["plainHeight"]  # no line lost or added between parts
    page.get_by_test_id("copy-code").click()
    assert page.evaluate("navigator.clipboard.readText()") == code


# Languages beyond the first five: each one's comments, strings, numbers and keywords (or
# keys, tags, attributes), and what must stay plain (a Rust lifetime is no string, the
# quotes of an HTML text are not an attribute's).
MORE_LANGUAGES = [
    ("go", 'func main() { // hi\n\tfmt.Println("x", 42)\n}', [
        ["keyword", "func"], ["comment", "// hi"], ["string", '"x"'], ["number", "42"]]),
    ("rust", "fn first<'a>(s: &'a str) -> char { 'x' }", [
        ["keyword", "fn"], ["string", "'x'"]]),
    ("yaml", "name: demo # the app\nreplicas: 3\nenabled: true", [
        ["property", "name"], ["comment", "# the app"], ["property", "replicas"],
        ["number", "3"], ["property", "enabled"], ["keyword", "true"]]),
    ("html", '<p class="note">It\'s <b>here</b>, isn\'t it</p><!-- end -->', [
        ["keyword", "<p"], ["property", "class"], ["string", '"note"'], ["keyword", ">"],
        ["keyword", "<b"], ["keyword", ">"], ["keyword", "</b"], ["keyword", ">"],
        ["keyword", "</p"], ["keyword", ">"], ["comment", "<!-- end -->"]]),
    ("css", ".a { color: #fff; margin: 4px; } /* c */", [
        ["property", "color"], ["number", "#fff"], ["property", "margin"], ["number", "4px"],
        ["comment", "/* c */"]]),
]  # fmt: skip


@pytest.mark.parametrize(("language", "code", "spans"), MORE_LANGUAGES, ids=lambda v: v[:4])
def test_more_languages_are_coloured(md: Page, language: str, code: str, spans: list):
    md.evaluate(RENDER, f"```{language}\n{code}\n```")
    found = md.locator("code span").evaluate_all(
        "spans => spans.map(s => [s.className.replace('md-tok-', ''), s.textContent])"
    )
    assert found == spans
    assert md.locator("pre code").inner_text() == code  # tabs kept


def test_four_spaces_make_code_unless_they_go_on_a_paragraph(md: Page):
    md.evaluate(
        RENDER,
        "Run:\n\n    $ pip install x\n    $ run\n\n\n    after two blanks\n\nA paragraph\n"
        "    goes on here\n\n- item\n\n      code in the item\n",
    )
    assert md.locator("pre code").all_inner_texts() == [
        "$ pip install x\n$ run\n\n\nafter two blanks",
        "code in the item",
    ]
    assert md.locator("li pre").count() == 1
    assert md.locator("p").all_inner_texts()[1] == "A paragraph goes on here"


def test_a_line_held_as_a_possible_table_header_keeps_all_its_text(md: Page):
    text = "- [ ] | a | b | is no table\n\nEnd."
    whole, streamed = md.evaluate(
        RENDER_BOTH, [text, ["- [ ] |", " a | b | is no", " table\n\nEnd."]]
    )
    assert streamed == whole
    assert "| a | b | is no table" in whole


def test_a_code_span_holding_backticks_drops_its_padding_spaces(md: Page):
    md.evaluate(RENDER, "Write `` `x` `` or ``a ` b`` or `` ` `` here.")
    assert md.locator("code").all_inner_texts() == ["`x`", "a ` b", "`"]


def test_code_keeps_its_tabs_inside_a_list_item_too(md: Page):
    md.evaluate(RENDER, "1. Build:\n   ```make\n   all:\n   \tgo build ./...\n   ```\n")
    assert md.locator("li pre code").inner_text() == "all:\n\tgo build ./..."


# What models write beyond the demo's document: list items holding code blocks, task lists,
# bare URLs, hard line breaks, an escaped pipe in a table's code, a table right under its
# caption line, a Wikipedia link, a heading with closing hashes, entity references.
EVERYDAY = """## Setup ##

1. **Install**

   ```bash
   pip install langgraph
   ```

2. Run it with `python main.py`.

- [x] done item
- [ ] open item

Docs: https://docs.example.com/a_(b)_c, or (https://example.org/x).
Line one ends with two spaces  
line two ends with a backslash\\
line three.

| Option | Meaning |
|---|---|
| `a \\| b` | either |

Compared with the others:
| Model | Speed |
|:--|--:|
| A&amp;B | 3&nbsp;s |

See [Mercury (planet)](https://en.wikipedia.org/wiki/Mercury_(planet) "Mercury") &lt;b&gt; &#35;1
and `&amp;` in code.
"""


@pytest.mark.parametrize("longest", [1, 7, 60], ids=["chars", "words", "lines"])
def test_everyday_markdown_streamed_in_pieces_ends_as_the_whole_text_does(md: Page, longest):
    for seed in range(3):
        whole, streamed = md.evaluate(RENDER_BOTH, [EVERYDAY, pieces_of(EVERYDAY, seed, longest)])
        assert streamed == whole


def test_task_lists_bare_urls_hard_breaks_and_escaped_pipes(md: Page):
    md.evaluate(RENDER, EVERYDAY)
    assert md.locator("ol > li pre code").first.inner_text() == "pip install langgraph"
    boxes = md.locator("li.md-task > input[type=checkbox]")
    assert boxes.evaluate_all("bs => bs.map(b => [b.disabled, b.checked])") == [
        [True, True],
        [True, False],
    ]
    assert md.locator("li.md-task p").all_inner_texts() == ["done item", "open item"]
    assert hrefs(md.locator("p", has_text="Docs:").locator("a")) == [
        "https://docs.example.com/a_(b)_c",
        "https://example.org/x",
    ]
    assert md.locator("p br").count() == 2
    assert (
        "two spaces\nline two ends with a backslash\nline three."
        in md.locator("p", has_text="Line one").inner_text()
    )
    assert md.locator("td code").first.inner_text() == "a | b"


def test_captioned_tables_wikipedia_links_closing_hashes_and_entities(md: Page):
    md.evaluate(RENDER, EVERYDAY)
    assert md.locator("h2").inner_text() == "Setup"
    caption = md.locator("p", has_text="Compared with the others:")
    assert caption.inner_text() == "Compared with the others:"  # the table is not in it
    assert md.locator("table").last.locator("th").all_inner_texts() == ["Model", "Speed"]
    assert md.locator("table").last.locator("td").all_inner_texts() == ["A&B", "3\u00a0s"]
    link = md.locator("a", has_text="Mercury (planet)")
    assert link.get_attribute("href") == "https://en.wikipedia.org/wiki/Mercury_(planet)"
    last = md.locator("p").last
    assert last.inner_text().endswith("<b> #1 and &amp; in code.")
    assert last.locator("b").count() == 0


def test_a_bare_url_is_never_a_script_and_never_nested_in_a_link(md: Page):
    md.evaluate(
        RENDER,
        "javascript:alert(1) and data:text/html,x stay text; [see https://a.example](https://b.example) "
        'https://c.example/<img src=x onerror="window.__ran=1">',
    )
    assert hrefs(md.locator("a")) == ["https://b.example/", "https://c.example/"]
    assert md.locator("a a, img").count() == 0
    assert md.evaluate("window.__ran") is None


# Chinese has no spaces: the inline text is committed only at the paragraph's end (and
# parsing it once took time growing with the square of its length).
CHINESE = (
    "天空之所以是蓝色的，是因为**瑞利散射**：短波长的蓝光被大气分子散射得更多。"
    "参见`scatter()`函数。" * 40
) + "\n\n第二段。"


@pytest.mark.parametrize("longest", [1, 7, 60], ids=["chars", "words", "lines"])
def test_text_without_spaces_streamed_in_pieces_ends_as_the_whole_text_does(md: Page, longest):
    whole, streamed = md.evaluate(RENDER_BOTH, [CHINESE, pieces_of(CHINESE, 0, longest)])
    assert streamed == whole
    md.evaluate(RENDER, CHINESE)
    assert md.locator("p").first.locator("strong").count() == 40
    assert md.locator("p").first.locator("code").count() == 40


# Constructs that straddle the points where text without spaces is committed.
WITHOUT_SPACES = (
    "甲<https://a.example/x_y>乙<mailto:me@example.com>丙**粗体**丁*斜*戊`代码`己"
    "[链接](https://b.example/p_q)庚~~删~~辛\\*星\\*壬![图](https://c.example/i.png)癸_下_"
) * 30


@pytest.mark.parametrize("longest", [1, 2, 3, 5, 8], ids=lambda n: f"pieces-of-{n}")
def test_constructs_inside_text_without_spaces_survive_any_split(md: Page, longest: int):
    for seed in range(4):
        whole, streamed = md.evaluate(
            RENDER_BOTH, [WITHOUT_SPACES, pieces_of(WITHOUT_SPACES, seed, longest)]
        )
        assert streamed == whole
    md.evaluate(RENDER, WITHOUT_SPACES)
    assert md.locator("p a").count() == 30 * 4 and md.locator("p a.md-image").count() == 30


# Random texts of tokens that straddle commit points (a seeded generator, so a failure repeats),
# each rendered whole and streamed in random pieces of 1 to 6 characters; returns mismatches.
RANDOM_SPLITS = """([seed, cases]) => {
  let x = seed;
  const rnd = (n) => { x = (x * 1103515245 + 12345) & 0x7fffffff; return x % n; };
  const atoms = ["天", "空", "h", "https://", "a.b/", " https://x.y", "/p_q", ".", "。", "z", "<",
    ">", "*", "**", "_", "~~", "`", "[", "]", "(", ")", "!", "\\\\", " ", "  ", "\\n", "a", ",",
    "mailto:m@x.y", "x_y", "- ", "1. ", "# ", "> ", "|", "\\n\\n", "[ ] ", "](", "](h", "(b)",
    "&", "&amp;", "&#35;", "#", " ##", "|-|", "<m@x.y>", "@", "    x", "\\t", "| a | b |"];
  const bad = [];
  for (let k = 0; k < cases; k++) {
    let text = "";
    for (let n = 5 + rnd(40); n > 0; n--) text += atoms[rnd(atoms.length)];
    const whole = document.createElement("div");
    const once = Markdown.create(whole); once.append(text); once.end();
    const streamed = document.createElement("div");
    const renderer = Markdown.create(streamed);
    for (let at = 0, m = 0; at < text.length; at += m) {
      m = 1 + rnd(6);
      renderer.append(text.slice(at, at + m)); renderer.paint();
    }
    renderer.end();
    if (whole.innerHTML !== streamed.innerHTML) bad.push(text);
  }
  return bad;
}"""


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_texts_streamed_in_random_pieces_end_as_the_whole_text_does(md: Page, seed):
    assert md.evaluate(RANDOM_SPLITS, [seed, 3000]) == []
