// Markdown rendered incrementally, as text arrives: `window.Markdown.create(el)` gives a renderer
// with `append(text)`, `end()` and `paint()`. Append-only: a finished block is never looked at
// again; of the open block only what is still undecided is redrawn on `paint()`, so the work per
// token stays constant however long the answer grows.
//
// Lines: a line's kind (heading, list item, code, table row, ...) is decided from its first
// characters; from then on its text streams into its block. Inline text (emphasis, code, links)
// is committed up to the last space where no construct is open; only the rest (the "tail") is
// redrawn. Safety: the DOM is built with createElement and text nodes only, never from HTML
// strings; raw HTML shows as text; links are live only for http, https and mailto URLs; an
// image is a link to it (http and https only), never loaded.
window.Markdown = (() => {
  const MAX_OPEN = 2000; // an inline construct open for this many characters is plain text
  const PUNCT = /[!-/:-@[-`{-~\p{P}\p{S}]/u;
  const SPACE = /\s/;
  // The characters that may open or close something inline (`h`: a bare URL); every other
  // character is plain text, and runs of them are taken at once.
  const STARTERS = "\\s\\\\`*_~[\\]!<&h";
  const PLAIN = new RegExp(`[^${STARTERS}]*`, "y");
  const STARTER = new RegExp(`[${STARTERS}]`);
  const MARKER_ONLY = /^[\s>*+\-#`~|_=\d.):]*$/; // could still become any kind of line
  const LINK_SCHEMES = new Set(["http:", "https:", "mailto:"]);
  const IMAGE_SCHEMES = new Set(["http:", "https:"]);

  // -- inline -----------------------------------------------------------------------------

  const isSpace = (c) => c === undefined || SPACE.test(c);
  const isPunct = (c) => c !== undefined && PUNCT.test(c);
  const isPlain = (c) => !STARTER.test(c);

  // Entity references decode to their characters (as text, like all text here): the numeric
  // ones, and the named ones models write; other names stay as written.
  const ENTITY = /^&(?:#(\d{1,7})|#[xX]([\da-fA-F]{1,6})|([A-Za-z][A-Za-z\d]{1,31}));/;
  const NAMED = {
    amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: "\u00a0", copy: "©", reg: "®",
    trade: "™", hellip: "…", mdash: "—", ndash: "–", lsquo: "‘", rsquo: "’", ldquo: "“",
    rdquo: "”", laquo: "«", raquo: "»", times: "×", divide: "÷", deg: "°", plusmn: "±",
    middot: "·", bull: "•", larr: "←", rarr: "→", uarr: "↑", darr: "↓", harr: "↔", rArr: "⇒",
    le: "≤", ge: "≥", ne: "≠", asymp: "≈", infin: "∞", euro: "€", pound: "£", yen: "¥",
    cent: "¢", sect: "§", para: "¶", micro: "µ", check: "✓", ensp: "\u2002", emsp: "\u2003",
    thinsp: "\u2009", zwj: "\u200d", zwnj: "\u200c",
  };
  function entity(src) {
    const m = ENTITY.exec(src);
    if (!m) return null;
    if (m[3]) return Object.hasOwn(NAMED, m[3]) ? { text: NAMED[m[3]], length: m[0].length } : null;
    const code = m[1] ? Number(m[1]) : parseInt(m[2], 16);
    const valid = code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff);
    return { text: String.fromCodePoint(valid ? code : 0xfffd), length: m[0].length };
  }

  // `<me@example.com>`: an email autolink (CommonMark's address form).
  const EMAIL = /^<([\w.!#$%&'*+/=?^`{|}~-]+@[a-zA-Z\d](?:[a-zA-Z\d-]{0,61}[a-zA-Z\d])?(?:\.[a-zA-Z\d](?:[a-zA-Z\d-]{0,61}[a-zA-Z\d])?)*)>/;

  function safeUrl(url, schemes) {
    if (!/^[a-z]+:/i.test(url)) return null; // relative URLs point into the app: no
    try {
      const parsed = new URL(url);
      return schemes.has(parsed.protocol) ? parsed.href : null;
    } catch {
      return null;
    }
  }

  // A bare http(s) URL (GFM's autolinks): up to a space or `<`, less the punctuation that
  // usually ends the sentence around it, and a `)` it did not open.
  const BARE_URL = /^https?:\/\/[^\s<]/;
  function bareUrl(src) {
    let url = /^[^\s<]*/.exec(src)[0];
    for (;;) {
      const trimmed = url.replace(/[?!.,:;*_~'"]+$/, "");
      const opened = trimmed.split("(").length, closed = trimmed.split(")").length;
      url = trimmed.endsWith(")") && closed > opened ? trimmed.slice(0, -1) : trimmed;
      if (url === trimmed) return url;
    }
  }

  // The destination of `[text](dest "title")` after its "(": a URL, which may hold balanced
  // parentheses (Wikipedia's `Foo_(bar)`), or anything in `<...>`, then an optional title.
  const DESTINATION = String.raw`[ \t]*(<[^<>\n]*>|(?:[^\s()<>]|\([^\s()<>]*\))*)(?:[ \t]+(?:"[^"\n]*"|'[^'\n]*'))?[ \t]*`;
  const LINK_TAIL = new RegExp(`^${DESTINATION}\\)`);
  // What may still grow into one: the text so far ends inside it.
  const LINK_TAIL_START = /^[ \t]*(?:<[^<>\n]*|(?:[^\s()<>]|\([^\s()<>]*\)?)*(?:[ \t]+(?:"[^"\n]*"?|'[^'\n]*'?)?)?[ \t]*)$/;
  const OPEN_LINK = "open";
  // {end, url} of the destination starting at `from`; OPEN_LINK while the text that arrived
  // may still become one, else null.
  function linkDestination(src, from) {
    const rest = src.slice(from, from + MAX_OPEN);
    const m = LINK_TAIL.exec(rest);
    if (!m) return from + rest.length === src.length && LINK_TAIL_START.test(rest) ? OPEN_LINK : null;
    const url = m[1].startsWith("<") ? m[1].slice(1, -1) : m[1];
    return { end: from + m[0].length, url };
  }

  // Parse inline markdown. Returns {nodes, safe}: nodes as plain objects, and the last offset
  // where nothing was open and no token could still grow (everything before it is final:
  // after a space, or after a run of plain characters with the next one there). With `final`, open
  // constructs are plain text; without, they are drawn as if closed at the end.
  function parseInline(src, final, before) {
    const out = [];
    const stack = []; // open constructs; each one's marker is already in `out` as text
    let text = "";
    let safe = 0;
    let growing = false; // a `<` or a bare URL since the last space: either may still grow
    let i = 0;
    const flush = () => {
      if (text) out.push(text);
      text = "";
    };
    const prev = (at) => (at ? src[at - 1] : before);
    const wrap = (opener, node) => {
      flush();
      node.c = out.splice(opener.at + 1);
      out.pop();
      stack.length = stack.indexOf(opener); // openers inside it stay text
      out.push(node);
    };
    while (i < src.length) {
      if (stack.length && i - stack[0].pos > MAX_OPEN) stack.shift(); // stays text
      const c = src[i];
      if (c === "\\" && isPunct(src[i + 1])) {
        text += src[i + 1];
        i += 2;
      } else if (src[i + (c === "\\" ? 1 : 0)] === "\n" && (c === "\\" || / {2,}$/.test(text))) {
        text = text.replace(/ +$/, ""); // a hard line break: `\` or two spaces at a line's end
        flush();
        out.push({ t: "br" });
        i += c === "\\" ? 2 : 1;
      } else if (c === "`") {
        let n = 1;
        while (src[i + n] === "`") n++;
        const close = new RegExp(`(?<!\`)\`{${n}}(?!\`)`, "g");
        close.lastIndex = i + n;
        const m = close.exec(src);
        if (m && m.index - i <= MAX_OPEN) {
          flush();
          const v = src.slice(i + n, m.index).replace(/\n/g, " ");
          // A space at each end is padding, dropped (`` `x` `` shows `x`, backticks and all).
          out.push({ t: "code", v: /^ [^]* $/.test(v) && v.trim() ? v.slice(1, -1) : v });
          i = m.index + n;
        } else if (!final && !m && src.length - i <= MAX_OPEN && i + n < src.length) {
          flush(); // an open code span: drawn as code to the end, nothing after it is final
          out.push({ t: "code", v: src.slice(i + n) });
          return { nodes: out, safe };
        } else {
          text += "`".repeat(n);
          i += n;
        }
      } else if (c === "*" || c === "_" || c === "~") {
        let n = 1;
        while (src[i + n] === c) n++;
        const last = prev(i);
        const next = src[i + n];
        const raw = c.repeat(n);
        const left = !isSpace(next) && (!isPunct(next) || isSpace(last) || isPunct(last));
        const right = !isSpace(last) && (!isPunct(last) || isSpace(next) || isPunct(next));
        const usable = c === "~" ? n === 2 : n <= 3;
        const canOpen = usable && next !== undefined && left && (c !== "_" || !right || isPunct(last));
        const canClose = usable && right && (c !== "_" || !left || isPunct(next));
        const opener = canClose && [...stack].reverse().find((s) => s.ch === c && s.n === n);
        if (opener) {
          const tag = c === "~" ? "del" : n === 1 ? "em" : "strong";
          wrap(opener, { t: tag });
          if (n === 3) out[out.length - 1] = { t: "em", c: [out[out.length - 1]] };
        } else if (canOpen) {
          flush();
          stack.push({ ch: c, n, raw, at: out.length, pos: i });
          out.push(raw);
        } else {
          text += raw;
        }
        i += n;
      } else if (c === "[" || (c === "!" && src[i + 1] === "[")) {
        const raw = c === "!" ? "![" : "[";
        flush();
        stack.push({ ch: "[", raw, image: c === "!", at: out.length, pos: i });
        out.push(raw);
        i += raw.length;
      } else if (c === "]" && stack.some((s) => s.ch === "[")) {
        const opener = [...stack].reverse().find((s) => s.ch === "[");
        const dest = src[i + 1] === "(" ? linkDestination(src, i + 2) : null;
        if (dest && dest !== OPEN_LINK) {
          const source = src.slice(opener.pos, dest.end);
          wrap(opener, opener.image ? { t: "img", url: dest.url, source } : { t: "a", url: dest.url, source });
          i = dest.end;
        } else {
          const pending = !final && (src[i + 1] === undefined || dest === OPEN_LINK);
          if (!pending) stack.splice(stack.indexOf(opener), 1);
          text += "]";
          i += 1;
        }
      } else if (c === "h" && (isSpace(prev(i)) || "*_~(".includes(prev(i))) && !stack.some((s) => s.ch === "[") && BARE_URL.test(src.slice(i, i + 9))) {
        const url = bareUrl(src.slice(i, i + MAX_OPEN));
        flush();
        out.push({ t: "a", url, source: url, c: [url] });
        i += url.length;
        growing = true;
      } else if (c === "&") {
        const ref = entity(src.slice(i, i + 40));
        text += ref ? ref.text : c;
        i += ref ? ref.length : 1;
        growing ||= !ref; // `&am` may still become `&amp;`
      } else if (c === "<") {
        const m = /^<((?:https?|mailto):[^\s<>]*)>/i.exec(src.slice(i, i + MAX_OPEN));
        const email = !m && EMAIL.exec(src.slice(i, i + 256));
        if (m || email) {
          flush();
          const url = m ? m[1] : `mailto:${email[1]}`;
          out.push({ t: "a", url, source: (m || email)[0], c: [(m || email)[1]] });
          i += (m || email)[0].length;
        } else {
          text += c;
          i += 1;
          growing = true;
        }
      } else if (isSpace(c)) {
        text += c;
        i += 1;
        growing = false;
        if (stack.length === 0 && src[i] !== undefined && !isSpace(src[i])) {
          flush();
          safe = i;
        }
      } else {
        // A character that started nothing here, and the run of characters after it that start
        // nothing, taken at once. Where nothing is open the run is final too, so text without
        // spaces (Chinese, Japanese) commits as it streams, not only at its paragraph's end;
        // but a run that reaches the end of what arrived led by `h`, `\\` or `!` may still
        // become a URL, a line break or an image: only what is before it is final then.
        const start = i;
        PLAIN.lastIndex = i + 1;
        const end = PLAIN.test(src) ? PLAIN.lastIndex : i + 1;
        text += src.slice(i, end);
        i = end;
        if (stack.length === 0 && !growing) safe = src[i] !== undefined || isPlain(c) ? i : start;
      }
    }
    flush();
    // Open constructs: plain text when final (their markers are already text); while streaming
    // `*` and `~~` are drawn as if closed at the end (`_` and `[` wait: snake_case is common).
    if (!final) {
      for (const opener of [...stack].reverse()) {
        if (opener.ch === "*" || opener.ch === "~") wrap(opener, { t: opener.ch === "~" ? "del" : opener.n === 1 ? "em" : "strong" });
      }
    }
    return { nodes: out, safe };
  }

  const plainText = (nodes) => nodes.map((n) => (typeof n === "string" ? n : n.v ?? plainText(n.c || []))).join("");

  // Each run of text is a text node of its own: a text node already in the page is never
  // appended to (a growing node costs its whole length on each append, and a long paragraph
  // committed into one node made each frame cost the paragraph).
  function build(nodes, parent) {
    let text = "";
    const endText = () => {
      if (text) parent.appendChild(document.createTextNode(text));
      text = "";
    };
    for (const node of nodes) {
      if (typeof node === "string") {
        text += node;
        continue;
      }
      endText();
      let el;
      if (node.t === "br") {
        parent.appendChild(document.createElement("br"));
        continue;
      }
      if (node.t === "code") {
        el = document.createElement("code");
        el.textContent = node.v;
      } else if (node.t === "a" || node.t === "img") {
        // An image is a link to it, never loaded: a model could write what it read into an
        // image's address, and loading it would send that to whoever owns the address.
        const image = node.t === "img";
        const href = safeUrl(node.url, image ? IMAGE_SCHEMES : LINK_SCHEMES);
        if (!href) {
          build([node.source], parent); // not a live link: its source as text
          continue;
        }
        el = document.createElement("a");
        el.href = href;
        el.target = "_blank";
        el.rel = "noopener noreferrer nofollow";
        if (image) {
          el.className = "md-image";
          el.textContent = `Image: ${plainText(node.c) || href}`;
        } else build(node.c, el);
      } else {
        el = document.createElement(node.t); // em, strong, del
        build(node.c, el);
      }
      parent.appendChild(el);
    }
    endText();
  }

  // Inline text that grows: committed up to its last safe point, the tail redrawn on paint().
  class InlineStream {
    constructor(el) {
      this.el = el;
      this.tail = "";
      this.before = " ";
      this.drawn = []; // the tail's nodes, removed on the next draw
      this.dirty = false;
    }
    append(text) {
      this.tail += text;
      this.dirty = true;
      const { safe } = parseInline(this.tail, false, this.before);
      if (safe > 0) {
        this.undraw();
        build(parseInline(this.tail.slice(0, safe), true, this.before).nodes, this.el);
        this.before = this.tail[safe - 1];
        this.tail = this.tail.slice(safe);
      }
    }
    paint() {
      if (!this.dirty) return;
      this.dirty = false;
      this.undraw();
      const fragment = document.createElement("span");
      build(parseInline(this.tail, false, this.before).nodes, fragment);
      this.drawn = [...fragment.childNodes];
      this.el.append(...this.drawn);
    }
    end() {
      this.undraw();
      build(parseInline(this.tail.replace(/\s+$/, ""), true, this.before).nodes, this.el);
      this.tail = "";
    }
    undraw() {
      for (const node of this.drawn) node.remove();
      this.drawn = [];
    }
  }

  // -- blocks -----------------------------------------------------------------------------

  const el = (tag, className) => {
    const node = document.createElement(tag);
    if (className) node.className = className;
    return node;
  };
  const expandTabs = (line) => line.replace(/^\t+/, (tabs) => "    ".repeat(tabs.length));
  // `raw` less the first `count` characters of expandTabs(raw), its tabs otherwise kept: code
  // keeps its tabs (Go's indentation, a Makefile's recipes).
  function dropExpanded(raw, count) {
    const leading = /^\t*/.exec(raw)[0].length;
    let col = 0, i = 0;
    for (; col < count && i < raw.length; i++) {
      const width = i < leading ? 4 : 1;
      if (col + width > count) return " ".repeat(col + width - count) + raw.slice(i + 1);
      col += width;
    }
    return raw.slice(i);
  }
  const indentOf = (line) => /^ */.exec(line)[0].length;
  const HEADING = /^ {0,3}(#{1,6})(?:[ \t]+|$)(.*)$/;
  const FENCE = /^ {0,3}(`{3,}|~{3,})\s*([^`\s]*)/;
  const RULE = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
  const QUOTE = /^ {0,3}> ?/;
  const LIST = /^ {0,3}([-*+]|(\d{1,9})([.)]))( {1,4}|\t|$)/;
  const TABLE_ROW = /^ {0,3}\|/;
  const TASK = /^\[([ xX])\](?:[ \t]+|$)/; // `- [x] done`: a list item's checkbox
  const DELIMITER_ROW = /^ {0,3}\|?(?:\s*:?-+:?\s*\|)+\s*(?::?-+:?\s*)?$/;

  function cells(line) {
    const body = line.trim().replace(/^\|/, "").replace(/(?<!\\)\|$/, "");
    return body.split(/(?<!\\)\|/).map((cell) => cell.trim().replace(/\\\|/g, "|"));
  }

  const CODE_PART_LINES = 100;

  // A code block's text: its parts' lines (see startCode), or its colours' text.
  function codeText(code) {
    const parts = code.querySelectorAll(":scope > .md-code-part");
    return parts.length ? Array.from(parts, (part) => part.textContent).join("\n") : code.textContent;
  }

  // One code block: its text grows line by line; the copy button copies what is there.
  function codeBlock(language) {
    const box = el("div", "md-code");
    const head = el("div", "md-code-head");
    const label = el("span", "md-code-lang");
    label.textContent = language || "text";
    const copy = el("button", "md-copy");
    copy.type = "button";
    copy.textContent = "Copy";
    copy.dataset.testid = "copy-code";
    const pre = el("pre");
    const code = el("code");
    if (language) code.dataset.language = language;
    pre.append(code);
    head.append(label, copy);
    box.append(head, pre);
    copy.addEventListener("click", (event) => {
      event.stopPropagation();
      navigator.clipboard?.writeText(codeText(code)).then(
        () => { copy.textContent = "Copied"; },
        () => { copy.textContent = "Copy failed"; },
      );
    });
    return { box, code };
  }

  // -- syntax colours --------------------------------------------------------------------
  // A closed code block in a language below is scanned once: its comments, strings, numbers
  // and keywords become spans (their text as text nodes, like everything here). Other
  // languages, and blocks over HIGHLIGHT_LIMIT characters, stay plain.

  const HIGHLIGHT_LIMIT = 100_000;
  const words = (list) => `\\b(?:${list.split(" ").join("|")})\\b`;
  const NUMBER = String.raw`\b(?:0[xX][\da-fA-F_]+|\d[\d_]*(?:\.\d+)?(?:[eE][+-]?\d+)?)\b`;
  const QUOTED = String.raw`"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'`;
  const GRAMMARS = {
    python: [
      ["comment", String.raw`#[^\n]*`],
      ["string", String.raw`[rbfuRBFU]{0,2}(?:"""[\s\S]*?"""|'''[\s\S]*?'''|${QUOTED})`],
      ["number", NUMBER],
      ["keyword", words("and as assert async await break class continue def del elif else except False finally for from global if import in is lambda None nonlocal not or pass raise return True try while with yield")],
    ],
    javascript: [
      ["comment", String.raw`//[^\n]*|/\*[\s\S]*?\*/`],
      ["string", String.raw`${QUOTED}|\x60(?:\\.|[^\x60\\])*\x60`],
      ["number", NUMBER],
      ["keyword", words("async await break case catch class const continue default delete do else enum export extends false finally for function if implements import in instanceof interface let new null of return static super switch this throw true try type typeof undefined var void while yield")],
    ],
    json: [
      ["property", String.raw`"(?:\\.|[^"\\\n])*"(?=\s*:)`],
      ["string", String.raw`"(?:\\.|[^"\\\n])*"`],
      ["number", String.raw`-?\b\d+(?:\.\d+)?(?:[eE][+-]?\d+)?\b`],
      ["keyword", words("true false null")],
    ],
    shell: [
      ["comment", String.raw`(?<!\S)#[^\n]*`],
      ["string", QUOTED],
      ["variable", String.raw`\$(?:\w+|\{[^}\n]*\})`],
      ["keyword", words("case do done elif else esac export fi for function if in local return then until while")],
    ],
    sql: [
      ["comment", String.raw`--[^\n]*`],
      ["string", String.raw`'(?:''|[^'])*'`],
      ["number", NUMBER],
      ["keyword", words("and as asc between by case create delete desc distinct drop else end exists from group having in inner insert into is join left like limit not null on or order outer right select set table then union update values when where with")],
    ],
    yaml: [
      ["comment", String.raw`(?<!\S)#[^\n]*`],
      ["property", String.raw`[\w.-]+(?=[ \t]*:(?:\s|$))`],
      ["string", QUOTED],
      ["number", String.raw`(?<![\w.-])-?\d+(?:\.\d+)?(?![\w.-])`],
      ["keyword", words("true false null yes no on off")],
    ],
    markup: [
      ["comment", String.raw`<!--[\s\S]*?-->`],
      ["keyword", String.raw`</?[\w:-]+|/?>`],
      ["property", String.raw`[\w:-]+(?==)`],
      ["string", String.raw`(?<==)(?:"[^"]*"|'[^']*')`], // attribute values, not the text's quotes
    ],
    css: [
      ["comment", String.raw`/\*[\s\S]*?\*/`],
      ["string", QUOTED],
      ["property", String.raw`[\w-]+(?=\s*:[^{};]*[;}])`],
      ["number", String.raw`-?\b\d+(?:\.\d+)?(?:px|em|rem|%|vh|vw|s|ms|deg)?\b|#[\da-fA-F]{3,8}\b`],
      ["keyword", String.raw`@[\w-]+|!important`],
    ],
    go: cFamily("break case chan const continue default defer else fallthrough for func go goto if import interface map package range return select struct switch type var nil true false"),
    rust: cFamily("as async await break const continue crate else enum extern false fn for if impl in let loop match mod move mut pub ref return self Self static struct super trait true type unsafe use where while"),
    java: cFamily("abstract boolean break byte case catch char class const continue default do double else enum extends final finally float for if implements import instanceof int interface long new null package private protected public return short static super switch this throw throws true false try var void while"),
    c: cFamily("auto bool break case char class const constexpr continue default delete do double else enum explicit extern false float for if include define inline int long namespace new nullptr private protected public return short signed sizeof static struct switch template this throw true try typedef typename union unsigned using virtual void volatile while"),
  };
  // Go, Rust, Java, C, C++, C#: comments, strings and characters, numbers, their own keywords.
  function cFamily(keywords) {
    return [
      ["comment", String.raw`//[^\n]*|/\*[\s\S]*?\*/`],
      ["string", String.raw`"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])'|\x60[^\x60]*\x60`], // 'c' only: Rust's 'a
      ["number", NUMBER],
      ["keyword", words(keywords)],
    ];
  }
  const LANGUAGES = {
    python: "python", py: "python", javascript: "javascript", js: "javascript", jsx: "javascript",
    typescript: "javascript", ts: "javascript", tsx: "javascript", json: "json",
    bash: "shell", sh: "shell", shell: "shell", zsh: "shell", console: "shell", sql: "sql",
    yaml: "yaml", yml: "yaml", html: "markup", xml: "markup", svg: "markup", vue: "markup",
    css: "css", scss: "css", go: "go", golang: "go", rust: "rust", rs: "rust", java: "java",
    kotlin: "java", c: "c", cpp: "c", "c++": "c", h: "c", hpp: "c", csharp: "c", cs: "c",
  };
  const SCANNERS = Object.fromEntries(Object.entries(GRAMMARS).map(([name, rules]) => [name, {
    pattern: new RegExp(rules.map(([, rule]) => `(${rule})`).join("|"), name === "sql" ? "gi" : "g"),
    kinds: rules.map(([kind]) => kind),
  }]));

  function highlight(code, language) {
    const scanner = SCANNERS[LANGUAGES[language.toLowerCase()]];
    const text = codeText(code);
    if (!scanner || !text || text.length > HIGHLIGHT_LIMIT) return;
    const nodes = [];
    let at = 0;
    for (const match of text.matchAll(scanner.pattern)) {
      if (!match[0]) continue;
      if (match.index > at) nodes.push(text.slice(at, match.index));
      const kind = scanner.kinds[match.slice(1).findIndex((group) => group !== undefined)];
      const span = el("span", `md-tok-${kind}`);
      span.textContent = match[0];
      nodes.push(span);
      at = match.index + match[0].length;
    }
    if (at < text.length) nodes.push(text.slice(at));
    code.replaceChildren(...nodes);
  }

  class Renderer {
    constructor(root) {
      this.root = root;
      this.containers = [{ type: "root", el: root }];
      this.leaf = null; // {type: "para"|"heading"|"fence"|"table"|"head", ...}
      this.line = ""; // the current line's text so far
      this.sink = null; // where the rest of the current line goes, once its kind is decided
      this.preview = []; // nodes drawn for an undecided line, removed on the next paint
      this.ended = false;
    }

    append(text) {
      let start = 0;
      for (let nl = text.indexOf("\n"); nl !== -1; nl = text.indexOf("\n", start)) {
        this.feed(text.slice(start, nl), true);
        start = nl + 1;
      }
      if (start < text.length) this.feed(text.slice(start), false);
    }

    feed(piece, complete) {
      if (this.sink) this.sink(piece);
      else {
        this.line += piece;
        const sink = this.decide(this.line, complete);
        if (sink) {
          this.sink = sink;
          this.line = "";
        }
      }
      if (complete) {
        if (this.sink) this.sink(null);
        this.sink = null;
        this.line = "";
      }
    }

    paint() {
      for (const node of this.preview) node.remove();
      this.preview = [];
      if (this.leaf?.inline) this.leaf.inline.paint();
      if (this.line && !this.sink && this.leaf?.type === "table") {
        const row = this.leaf.row(this.line);
        this.leaf.body.append(row);
        this.preview.push(row);
      }
    }

    end() {
      if (this.ended) return;
      if (this.line || this.sink) this.feed("", true);
      this.closeLeaf();
      this.paint();
      this.ended = true;
    }

    // Decide what a line is (once its first characters allow it) and apply it; returns a sink
    // for the rest of the line, or null when more characters are needed.
    decide(raw, complete) {
      let rest = expandTabs(raw);
      let matched = 1;
      for (; matched < this.containers.length; matched++) {
        const c = this.containers[matched];
        if (c.type === "quote") {
          const m = QUOTE.exec(rest);
          if (!m) break;
          rest = rest.slice(m[0].length);
        } else if (c.type === "item") {
          if (!rest.trim()) {
            if (!complete) return null;
          } else if (indentOf(rest) >= c.indent) rest = rest.slice(c.indent);
          else break;
        }
      }
      const all = matched === this.containers.length;
      if (this.leaf?.type === "fence" && all) {
        if (!complete && /^ {0,3}[`~]*$/.test(rest)) return null;
        const m = FENCE.exec(rest);
        if (m && m[1][0] === this.leaf.fence[0] && m[1].length >= this.leaf.fence.length && !rest.trim().slice(m[1].length).trim()) {
          this.closeLeaf();
          return () => {};
        }
        return this.leaf.line(dropExpanded(raw, expandTabs(raw).length - rest.length));
      }
      if (!complete && this.undecided(rest)) return null;
      let task = null;
      const lazy = !all && this.leaf?.type === "para" && rest.trim();
      if (lazy && !this.blockStart(rest, this.containers[matched - 1])) return this.leaf.line(rest);
      this.closeContainers(matched);
      for (;;) { // new containers: block quotes and list items
        const quote = QUOTE.exec(rest);
        if (quote) {
          this.closeLeaf();
          if (this.top.type === "list") this.closeContainers(this.containers.length - 1);
          this.open({ type: "quote", el: el("blockquote") });
          rest = rest.slice(quote[0].length);
          continue;
        }
        const item = LIST.exec(rest);
        if (item && !RULE.test(rest) && !(this.leaf?.type === "para" && !this.interrupts(item, rest, this.top))) {
          this.closeLeaf();
          this.openItem(item, rest);
          rest = rest.slice(item[0].length);
          task = TASK.exec(rest);
          continue;
        }
        break;
      }
      if (this.top.type === "list") this.closeContainers(this.containers.length - 1);
      if (task && this.top.type === "item" && rest.startsWith(task[0])) {
        const box = el("input");
        box.type = "checkbox";
        box.disabled = true;
        box.toggleAttribute("checked", task[1] !== " ");
        this.top.el.classList.add("md-task");
        this.top.el.append(box);
        rest = rest.slice(task[0].length);
      }
      return this.leafFor(rest, complete, raw);
    }

    // Whether an unfinished line (its container markers aside) may still become another kind.
    undecided(rest) {
      let text = rest;
      for (let m = QUOTE.exec(text) || LIST.exec(text); m && m[0]; m = QUOTE.exec(text) || LIST.exec(text)) {
        text = text.slice(m[0].length);
      }
      return MARKER_ONLY.test(text) || FENCE.test(text) || TABLE_ROW.test(text) || /^\[[ xX]?\]?[ \t]*$/.test(text);
    }

    blockStart(rest, parent) {
      const item = LIST.exec(rest);
      return HEADING.test(rest) || FENCE.test(rest) || RULE.test(rest) || QUOTE.test(rest) || (item && this.interrupts(item, rest, parent));
    }

    // A list item continues its list; starting a new one, it interrupts a paragraph only when
    // it has text and, if ordered, starts at 1.
    interrupts(item, rest, parent) {
      if (parent?.type === "list" && parent.kind === (item[2] !== undefined ? item[3] : item[1])) return true;
      return rest.slice(item[0].length).trim() !== "" && (!item[2] || item[2] === "1");
    }

    // `raw`: the whole line as it came (an indented code line keeps its tabs).
    leafFor(rest, complete, raw) {
      const code = () => dropExpanded(raw, expandTabs(raw).length - rest.length + 4);
      if (this.leaf?.type === "indented") {
        // Blank lines are the code's only if more of it follows: held until then.
        if (!rest.trim()) {
          this.leaf.blanks += 1;
          return () => {};
        }
        if (indentOf(rest) >= 4) {
          const text = "\n".repeat(this.leaf.blanks) + code();
          this.leaf.blanks = 0;
          return this.leaf.line(text);
        }
        this.closeLeaf();
      }
      if (!rest.trim()) {
        if (this.leaf?.type === "head") this.flushHead();
        this.closeLeaf();
        return () => {};
      }
      const heading = HEADING.exec(rest);
      if (heading) {
        this.closeLeaf();
        const h = el(`h${heading[1].length}`);
        this.add(h);
        const inline = new InlineStream(h);
        // A closing run of `#` after a space (`## Title ##`) is no text: held back until the
        // line goes on, dropped when it ends.
        let held = "", before = " ";
        const feed = (more) => {
          const text = held + more;
          const run = /#+[ \t]*$/.exec(text);
          const closing = run && /[ \t]/.test(run.index ? text[run.index - 1] : before);
          held = closing ? text.slice(run.index) : "";
          const shown = text.slice(0, text.length - held.length);
          if (shown) inline.append(shown);
          before = shown ? shown[shown.length - 1] : before;
        };
        feed(heading[2]);
        this.leaf = { type: "heading", inline };
        return (more) => (more === null ? this.closeLeaf() : feed(more));
      }
      const fence = FENCE.exec(rest);
      if (fence) {
        this.startCode("fence", fence[2], { fence: fence[1] });
        return () => {};
      }
      if (RULE.test(rest) && complete) {
        this.closeLeaf();
        this.add(el("hr"));
        return () => {};
      }
      if (this.leaf?.type === "head") {
        if (DELIMITER_ROW.test(rest) && cells(rest).length === cells(this.leaf.text).length) {
          this.leaf.para?.close();
          this.startTable(this.leaf.text, cells(rest));
          return () => {};
        }
        this.flushHead();
      }
      if (this.leaf?.type === "table") {
        if (rest.includes("|")) {
          this.leaf.body.append(this.leaf.row(rest));
          return () => {};
        }
        this.closeLeaf();
      }
      if (indentOf(rest) >= 4 && this.leaf?.type !== "para") {
        return this.startCode("indented", "", { blanks: 0 }).line(code()); // 4 spaces: code
      }
      if (TABLE_ROW.test(rest)) {
        // A table's header row, or a paragraph's line: the next line tells. A table may
        // interrupt a paragraph (GFM; models write "Compared:" right above one).
        const para = this.leaf?.type === "para" ? this.leaf : null;
        if (!para) this.closeLeaf();
        const head = { type: "head", text: rest, para };
        this.leaf = head;
        return (more) => more && (head.text += more); // the rest of the line, if it goes on
      }
      if (this.leaf?.type === "para") return this.leaf.line(rest);
      this.closeLeaf();
      return this.startParagraph(rest);
    }

    // A code block (fenced, or indented by 4 spaces): its lines stream in as text nodes, in
    // parts of CODE_PART_LINES lines, each a block (the browser then lays out only the part
    // that grows, not the whole code again every frame: a 5,000-line block cost 15 ms and
    // more a frame, growing with it); the break between parts is the line break. Once closed
    // the block gets its colours.
    startCode(type, language, more) {
      this.closeLeaf();
      const block = codeBlock(language);
      this.add(block.box);
      let part = null;
      let lines = 0; // in the part
      let lastEmpty = false; // an empty line ending a part would not show: parts end on text
      this.leaf = {
        type,
        line: (text) => {
          if (!part || (lines >= CODE_PART_LINES && text && !lastEmpty)) {
            part = block.code.appendChild(el("span", "md-code-part"));
            lines = 0;
          } else part.appendChild(document.createTextNode("\n"));
          lines += 1;
          lastEmpty = !text;
          part.appendChild(document.createTextNode(text));
          return (rest) => {
            if (!rest) return;
            lastEmpty = false;
            part.appendChild(document.createTextNode(rest));
          };
        },
        close: () => {
          block.box.classList.add("md-code-closed");
          highlight(block.code, language);
        },
        ...more,
      };
      return this.leaf;
    }

    startParagraph(rest) {
      const p = el("p");
      this.add(p);
      const inline = new InlineStream(p);
      let first = true;
      this.leaf = {
        type: "para",
        inline,
        line: (text) => {
          inline.append((first ? "" : "\n") + text.replace(/^\s+/, ""));
          first = false;
          return (more) => more && inline.append(more);
        },
        close: () => inline.end(),
      };
      return this.leaf.line(rest);
    }

    // The held line was no table's header: a line of its paragraph, or a paragraph of its own.
    flushHead() {
      const { text, para } = this.leaf;
      this.leaf = para;
      if (para) para.line(text);
      else this.startParagraph(text);
    }

    startTable(header, aligns) {
      const align = aligns.map((a) => (a.endsWith(":") ? (a.startsWith(":") ? "center" : "right") : a.startsWith(":") ? "left" : ""));
      const row = (line, tag) => {
        const tr = el("tr");
        cells(line).slice(0, align.length).forEach((text, k) => {
          const cell = el(tag);
          if (align[k]) cell.style.textAlign = align[k];
          build(parseInline(text, true, " ").nodes, cell);
          tr.append(cell);
        });
        return tr;
      };
      const table = el("table");
      const head = el("thead");
      const body = el("tbody");
      head.append(row(header, "th"));
      table.append(head, body);
      const wrapper = el("div", "md-table");
      wrapper.append(table);
      this.leaf = null;
      this.add(wrapper);
      this.leaf = { type: "table", body, row: (line) => row(line, "td") };
    }

    openItem(item, rest) {
      const ordered = item[2] !== undefined;
      const kind = ordered ? item[3] : item[1];
      let list = this.top;
      if (list.type !== "list" || list.kind !== kind) {
        if (list.type === "list") this.closeContainers(this.containers.length - 1);
        const node = el(ordered ? "ol" : "ul");
        if (ordered && item[2] !== "1") node.start = Number(item[2]);
        list = { type: "list", kind, el: node };
        this.open(list);
      }
      const after = rest.slice(item[0].length);
      const spaces = item[4] === "\t" ? 1 : item[4].length;
      const indent = indentOf(rest) + item[1].length + (after.trim() && spaces <= 4 ? spaces : 1);
      this.open({ type: "item", indent, el: el("li") });
    }

    get top() {
      return this.containers[this.containers.length - 1];
    }

    open(container) {
      this.add(container.el);
      this.containers.push(container);
    }

    add(node) {
      this.top.el.append(node);
    }

    closeLeaf() {
      if (this.leaf?.type === "head") this.flushHead();
      const leaf = this.leaf;
      this.leaf = null;
      if (leaf?.inline && leaf.type === "heading") leaf.inline.end();
      leaf?.close?.();
    }

    closeContainers(keep) {
      if (keep >= this.containers.length) return;
      this.closeLeaf();
      this.containers.length = keep;
    }
  }

  return {
    create: (root) => new Renderer(root),
    parseInline, // for tests
  };
})();
