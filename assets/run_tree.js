// The run tree panel's tree, kept in the page and changed by deltas from the server:
// `window.runTree.update({rows, removed, elapsed_ms, finished, reset})` (removed, finished and
// reset left out when empty or false). New rows come whole but for the fields that have their
// default (EMPTY_ROW), changed rows as run_id and the changed fields; `reset` replaces the
// whole tree (a page that (re)joined, another run, the plumbing filter). The clock, the
// waterfall bars and the run's totals (from the rows) are kept here. Text only: names and
// errors are set with textContent, never parsed as HTML.
window.runTree = (() => {
  const TICK_MS = 250;
  // A row's fields when the server leaves them out (it sends no empty ones).
  const EMPTY_ROW = {
    parent_id: "", name: "", kind: "", status: "", step: -1, duration_label: "",
    duration_ms: -1, answer_tokens: 0, thinking_tokens: 0, summary: "", is_plumbing: false,
    is_root: false, error: "", start_ms: 0, end_ms: -1, ttft_ms: -1, tokens_per_s: -1,
    input_tokens: -1, output_tokens: -1, tool_call_tokens: 0,
  };
  const nodes = new Map(); // run_id -> {row, el, line, children}
  let clock = { base: 0, at: performance.now(), finished: true };
  let timer = null;

  const elapsedNow = () => (clock.finished ? clock.base : clock.base + performance.now() - clock.at);

  function formatDuration(ms) {
    if (ms < 1000) return `${Math.round(ms)} ms`;
    if (ms < 60000) return `${(ms / 1000).toFixed(1)} s`;
    const s = Math.round(ms / 1000);
    return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, "0")} s`;
  }

  function span(tag, className, text) {
    const el = document.createElement(tag);
    el.className = className;
    if (text !== undefined) el.textContent = text;
    return el;
  }

  function root() {
    return document.getElementById("tree-root");
  }

  // A model's tokens: usage_metadata as reported so far (a provider may send its input
  // tokens first and its output only with the last chunk), never fewer out than it streamed.
  const reportsUsage = (row) => row.input_tokens >= 0 || row.output_tokens >= 0;
  const written = (row) => row.answer_tokens + row.tool_call_tokens; // all but the thinking
  const outputTokens = (row) => Math.max(row.output_tokens, written(row) + row.thinking_tokens, 0);

  // A run's numbers: a model's time to first token and speed, its thinking tokens, and its
  // tokens (in→out when it reports usage, else the answer and tool-call tokens so far).
  function numbers(row) {
    const parts = [];
    if (row.ttft_ms >= 0) parts.push(`TTFT ${formatDuration(row.ttft_ms)}`);
    if (row.tokens_per_s >= 0) parts.push(`${row.tokens_per_s.toFixed(0)} tok/s`);
    if (row.thinking_tokens > 0) parts.push(`${row.thinking_tokens} think`);
    if (reportsUsage(row)) parts.push(`${Math.max(row.input_tokens, 0)}→${outputTokens(row)} tok`);
    else if (written(row) > 0) parts.push(`${written(row)} tok`);
    return parts.map((part) => part.replaceAll(" ", "\u00a0")).join(" · "); // breaks between figures only
  }

  // A node's elements, built once and cloned for each run (a fan-out adds hundreds at once).
  // Plain elements and a fold button, not <details open>: the browser queues a task firing
  // `toggle` for every open <details> it creates (600 tasks, ~50 ms, in a fan-out's burst).
  const PROTOTYPE = (() => {
    const el = span("div", "tree-node");
    el.dataset.testid = "tree-node";
    const head = span("div", "node-head");
    head.dataset.leaf = "true";
    const fold = span("button", "node-fold", "▸");
    fold.type = "button";
    fold.title = "Fold or unfold the runs inside";
    fold.setAttribute("aria-label", fold.title); // not the arrow's own name
    fold.setAttribute("aria-expanded", "true");
    const line = span("div", "node-row");
    line.dataset.selected = "false";
    line.append(
      span("span", "status-dot"),
      span("span", "node-kind"),
      span("span", "node-name"),
      span("span", "small dim node-summary"),
      span("span", "small dim node-step"),
      span("span", "small dim node-numbers"),
      span("span", "small dim duration"),
    );
    line.querySelector(".node-numbers").dataset.testid = "model-numbers";
    const track = span("div", "waterfall-track");
    track.append(span("div", "waterfall-bar"));
    line.append(track);
    head.append(fold, line);
    el.append(head, span("div", "node-children"));
    return el;
  })();

  function create(row) {
    const el = PROTOTYPE.cloneNode(true);
    const [head, children] = el.children;
    const line = head.lastChild;
    el.dataset.runId = row.run_id;
    line.querySelector(".node-name").title = row.run_id;
    return { row, el, line, children };
  }

  // Write the fields that changed into a node's element (only those: every attribute written
  // costs style work, and hundreds of nodes change at once in a fan-out).
  function render(node, fields) {
    const { row, el, line } = node;
    const [dot, kind, name, summary, step, figures, duration, track] = line.children;
    const bar = track.firstChild;
    const has = (...keys) => keys.some((key) => key in fields);
    if (has("parent_id")) el.dataset.parentId = row.parent_id || "";
    if (has("name", "step")) {
      el.dataset.name = row.name || "";
      name.textContent = row.name || "";
      step.textContent = row.step >= 0 ? `step ${row.step}` : "";
    }
    if (has("kind", "is_root")) {
      el.dataset.kind = row.kind || "";
      kind.textContent = row.is_root ? "graph" : row.kind;
      kind.dataset.kind = row.kind || "";
    }
    if (has("status", "error")) {
      el.dataset.status = dot.dataset.status = bar.dataset.status = row.status || "";
      dot.title = row.error ? `${row.status}: ${row.error}` : row.status;
    }
    if (has("is_plumbing")) el.dataset.plumbing = String(Boolean(row.is_plumbing));
    if (has("summary")) summary.textContent = summary.title = row.summary || "";
    if (has("ttft_ms", "tokens_per_s", "thinking_tokens", "input_tokens", "output_tokens", "answer_tokens", "tool_call_tokens")) {
      figures.textContent = figures.title = numbers(row);
    }
    if (has("duration_ms", "duration_label")) {
      el.dataset.durationMs = row.duration_ms >= 0 ? String(row.duration_ms) : "";
      duration.textContent = row.duration_label || "";
    }
  }

  function place(node) {
    const parent = nodes.get(node.row.parent_id);
    const container = parent ? parent.children : root();
    if (node.el.parentNode !== container) {
      const old = node.el.parentNode;
      container.append(node.el);
      markLeaf(old);
      markLeaf(container);
    }
  }

  function markLeaf(container) {
    const owner = container?.parentNode;
    if (!owner?.classList?.contains("tree-node")) return;
    const leaf = String(!container.firstChild);
    if (owner.firstChild.dataset.leaf !== leaf) owner.firstChild.dataset.leaf = leaf;
  }

  // The waterfall bars, scaled to the run's length so far, in whole percents of the track: a
  // bar is written only when its rounded place changed (with hundreds of runs, every style
  // written costs). `drawn`: the nodes to place (all of them when the scale may have moved).
  function bars(drawn = nodes.values()) {
    const now = elapsedNow();
    const total = Math.max(now, 1);
    for (const node of drawn) {
      const { row, line } = node;
      const start = row.start_ms || 0;
      const end = row.end_ms >= 0 ? row.end_ms : now;
      const left = Math.round(Math.min(Math.max((start / total) * 100, 0), 99));
      const width = Math.round(Math.min(Math.max(((end - start) / total) * 100, 1), 100 - left));
      if (node.bar === left * 1000 + width) continue;
      node.bar = left * 1000 + width;
      const bar = line.lastChild.firstChild;
      bar.style.left = `${left}%`;
      bar.style.width = `${width}%`;
    }
    const header = document.getElementById("tree-totals");
    if (header) header.textContent = totalsText();
  }

  // While the run goes on: the clock and totals every tick, the whole waterfall rescaled every
  // tick for a small tree, about once per node-count ms for a big one (600 runs: 0.6 s).
  let rescaledAt = 0;
  function tick() {
    const now = performance.now();
    const rescale = now - rescaledAt >= Math.max(TICK_MS, nodes.size);
    if (rescale) rescaledAt = now;
    bars(rescale ? nodes.values() : []);
  }

  // The run in a few numbers, from the rows: wall time, model and tool calls, and the models'
  // tokens (as their nodes count them: reported, else streamed).
  function totalsText() {
    if (!nodes.size) return "";
    let models = 0, tools = 0, input = 0, output = 0, reported = false;
    for (const { row } of nodes.values()) {
      if (row.kind === "tool") tools += 1;
      if (row.kind !== "chat_model" && row.kind !== "llm") continue;
      models += 1;
      reported = reported || reportsUsage(row);
      input += Math.max(row.input_tokens, 0);
      output += outputTokens(row);
    }
    const plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;
    const parts = [formatDuration(elapsedNow()), plural(models, "model call"), plural(tools, "tool call")];
    if (reported) parts.push(`${plural(input + output, "token")} (in ${input} · out ${output})`);
    else if (output > 0) parts.push(`${plural(output, "token")} streamed`);
    return parts.join(" · ");
  }

  function select() {
    const panel = document.querySelector("[data-selected-run-id]");
    const selected = panel ? panel.dataset.selectedRunId : "";
    for (const { row, line } of nodes.values()) {
      const value = String(row.run_id === selected);
      if (line.dataset.selected !== value) line.dataset.selected = value;
    }
  }

  function update(delta) {
    const container = root();
    if (!container) {
      requestAnimationFrame(() => update(delta)); // the panel renders a frame later
      return;
    }
    if (delta.reset) {
      container.replaceChildren();
      nodes.clear();
    }
    const touched = [];
    for (const fields of delta.rows) {
      let node = nodes.get(fields.run_id);
      let changed = fields;
      if (node) Object.assign(node.row, fields);
      else {
        node = create({ ...EMPTY_ROW, ...fields });
        nodes.set(fields.run_id, node);
        changed = node.row; // a new node: every field is drawn
      }
      render(node, changed);
      place(node);
      touched.push(node);
    }
    for (const runId of delta.removed || []) {
      const node = nodes.get(runId);
      if (!node) continue;
      nodes.delete(runId);
      const old = node.el.parentNode;
      node.el.remove();
      markLeaf(old);
    }
    const finished = Boolean(delta.finished);
    clock = { base: delta.elapsed_ms, at: performance.now(), finished };
    container.dataset.finished = String(finished);
    bars(delta.reset || finished ? nodes.values() : touched); // the final scale places every bar
    select();
    clearInterval(timer);
    timer = finished ? null : setInterval(tick, TICK_MS);
  }

  // The fold button (outside the row: a click on the row selects the run instead).
  document.addEventListener("click", (event) => {
    const fold = event.target.closest?.("#tree-root .node-fold");
    if (!fold) return;
    const expanded = fold.getAttribute("aria-expanded") !== "true";
    fold.setAttribute("aria-expanded", String(expanded));
    fold.closest(".tree-node").dataset.folded = String(!expanded);
  });
  new MutationObserver(select).observe(document.documentElement, {
    subtree: true,
    attributeFilter: ["data-selected-run-id"],
  });

  return { update };
})();
