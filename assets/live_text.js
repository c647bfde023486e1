// Every model answer in the page, rendered as markdown by assets/markdown.js, from the first
// token to the last and for saved messages alike. An answer's element carries `data-md`,
// `data-md-run-id` and `data-md-part`; while its run goes on the server sends only new text,
// as [run_id, offset, text, done, part] rows (done and part left out while false and
// "answer"); a finished message carries its whole text in `data-md-source` (and
// `data-md-done="true"`). Painting happens at most once per frame, at most BUDGET
// characters a frame in all, newest answer first (the chat shows its end: a thread opened
// with many long answers fills in from the bottom over a few frames, not in one long task),
// appended to the same DOM: nothing is rebuilt.
window.liveText = (() => {
  const BUDGET = 8000;
  const live = new Map(); // "runId/part" -> {text, done}
  let scheduled = false;

  const key = (runId, part) => `${runId}/${part}`;

  function take(rows, replace) {
    for (const [runId, offset, text, done = false, part = "answer"] of rows) {
      const k = key(runId, part);
      const old = live.get(k);
      const have = replace ? "" : old?.text || "";
      if (offset > have.length) continue; // a gap: the server follows up with reset()
      const next = have.slice(0, offset) + text;
      // Text the page has that changes (a rejoin sending something else) is drawn afresh.
      const rewritten = old && !next.startsWith(old.text.slice(0, Math.min(old.text.length, next.length)));
      live.set(k, { text: next, done, version: (old?.version || 0) + (rewritten ? 1 : 0) });
    }
    schedule();
  }

  // The text an element should show, whether it is complete, and whether it only grows (the
  // streamed text); null while a run goes on and its text has not arrived (the saved text of
  // a running message is only a placeholder).
  function sourceOf(el) {
    const entry = el.dataset.mdRunId && live.get(key(el.dataset.mdRunId, el.dataset.mdPart || "answer"));
    if (entry) return { ...entry, growing: true };
    if (el.dataset.mdDone !== "true") return null;
    return { text: el.dataset.mdSource || "", done: true, growing: false, version: 0 };
  }

  // Bring one element up to date, painting at most `budget` new characters; returns how many
  // it painted and whether it has more for the next frame.
  function paintOne(el, budget) {
    const source = sourceOf(el);
    if (!source) return [0, false];
    const { text, done, growing, version } = source;
    let state = el.__md;
    const runId = el.dataset.mdRunId || "";
    const replaced = state && (state.runId !== runId || state.growing !== growing ||
      state.version !== version || state.length > text.length ||
      (!growing && text !== state.source && !text.startsWith(state.source)));
    if (!state || replaced) {
      el.replaceChildren();
      state = el.__md = { renderer: window.Markdown.create(el), runId, growing, version, length: 0, source: "", ended: false };
    }
    const start = state.length;
    if (start < text.length && budget > 0) {
      const end = Math.min(text.length, start + budget);
      state.renderer.append(text.slice(start, end));
      state.length = end;
      if (!growing) state.source = text.slice(0, end);
    }
    const more = state.length < text.length;
    if (done && !more && !state.ended) {
      state.renderer.end();
      state.ended = true;
    } else if (!state.ended && state.length > start) state.renderer.paint();
    return [state.length - start, more];
  }

  function paint() {
    scheduled = false;
    let budget = BUDGET, more = false;
    const answers = Array.from(document.querySelectorAll("[data-md]")).reverse();
    for (const el of answers) {
      const [painted, left] = paintOne(el, budget);
      budget -= painted;
      more = more || left;
    }
    if (more) schedule();
  }

  function schedule() {
    if (!scheduled) {
      scheduled = true;
      requestAnimationFrame(paint);
    }
  }

  // Bubbles appear, and finished messages get their text, through React: look again then
  // (not for the renderer's own writes, nor the tree's: a frame each, for nothing).
  const bringsAnswers = (node) =>
    node.nodeType === Node.ELEMENT_NODE && (node.matches("[data-md]") || node.querySelector("[data-md]"));
  new MutationObserver((records) => {
    if (records.some((r) => r.type === "attributes" || [...r.addedNodes].some(bringsAnswers))) schedule();
  }).observe(document.documentElement, {
    subtree: true,
    childList: true,
    attributeFilter: ["data-md-source", "data-md-done", "data-md-run-id"],
  });

  return {
    write: (rows) => take(rows, false),
    reset: (rows) => take(rows, true),
  };
})();
