// The answer being streamed. The server sends only what is new, as (run_id, offset, text);
// this keeps each run's whole text and paints it at most once per frame, appending to one text
// node. Text only: nothing here is ever parsed as HTML.
window.liveText = (() => {
  const texts = new Map();
  let scheduled = false;
  let retries = 0;

  function paint() {
    scheduled = false;
    let missing = false;
    for (const [runId, text] of texts) {
      const el = document.querySelector(`[data-live-run-id="${CSS.escape(runId)}"]`);
      if (!el) { missing = true; continue; }
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

  return {
    write(runId, offset, chunk) {
      const have = texts.get(runId) || "";
      if (offset > have.length) return; // a gap: the server follows up with reset()
      texts.set(runId, offset === have.length ? have + chunk : have.slice(0, offset) + chunk);
      retries = 0;
      schedule();
    },
    reset(runId, text) {
      texts.set(runId, text);
      retries = 0;
      schedule();
    },
  };
})();
