// The answer being streamed, and the thinking above it. The server sends only what is new, as
// (run_id, part, offset, text); this keeps each part's whole text and paints it at most once per
// frame, appending to one text node. Text only: nothing here is ever parsed as HTML.
window.liveText = (() => {
  const texts = new Map(); // "runId\npart" -> text
  let scheduled = false;
  let retries = 0;

  function paint() {
    scheduled = false;
    let missing = false;
    for (const [key, text] of texts) {
      const [runId, part] = key.split("\n");
      const el = document.querySelector(
        `[data-live-run-id="${CSS.escape(runId)}"][data-live-part="${part}"]`
      );
      if (!el) { if (text) missing = true; continue; }
      const painted = el.__paintedLength;
      if (painted === text.length) continue;
      if (painted !== undefined && painted < text.length && el.firstChild) {
        el.firstChild.appendData(text.slice(painted));
      } else {
        el.textContent = text;
      }
      el.__paintedLength = text.length;
    }
    // The bubble may render a frame after its first text arrives: look again, for a while.
    if (missing && retries++ < 120) schedule();
  }

  function schedule() {
    if (!scheduled) { scheduled = true; requestAnimationFrame(paint); }
  }

  function set(runId, part, text) {
    texts.set(`${runId}\n${part}`, text);
  }

  return {
    write(runId, part, offset, chunk) {
      const have = texts.get(`${runId}\n${part}`) || "";
      if (offset > have.length) return; // a gap: the server follows up with reset()
      set(runId, part, offset === have.length ? have + chunk : have.slice(0, offset) + chunk);
      retries = 0;
      schedule();
    },
    reset(runId, answer, thinking) {
      set(runId, "answer", answer);
      set(runId, "thinking", thinking || "");
      retries = 0;
      schedule();
    },
  };
})();
