// The page's layout on any screen, a projector's 1024×768 included: the thread list and the
// run tree fold away (`toggle`), the tree is widened or narrowed by dragging the handle
// between it and the chat, the question box gets the focus back when a run ends, and a
// fan-out's row stays where it was clicked while its branches open or fold below it.
window.pageLayout = (() => {
  const MIN_TREE = 260;
  const page = () => document.querySelector(".page");

  // Fold or unfold "threads" or "tree"; the default depends on the screen's width (CSS).
  function toggle(part) {
    const target = document.querySelector(part === "threads" ? ".thread-list" : ".tree-panel");
    const root = page();
    if (!target || !root) return;
    const shown = part === "threads" ? getComputedStyle(target).display !== "none" : root.dataset.tree !== "folded";
    root.dataset[part] = part === "threads" ? (shown ? "closed" : "open") : shown ? "folded" : "open";
  }

  function focusWhenEnabled(id, tries = 120) {
    const el = document.getElementById(id);
    if (el && !el.disabled) el.focus();
    else if (tries > 0) requestAnimationFrame(() => focusWhenEnabled(id, tries - 1));
  }

  document.addEventListener("pointerdown", (down) => {
    const handle = down.target.closest?.(".tree-resizer");
    const root = page();
    if (!handle || !root) return;
    down.preventDefault();
    handle.setPointerCapture(down.pointerId);
    const columns = root.querySelector(".columns").getBoundingClientRect();
    const move = (event) => {
      const width = Math.min(Math.max(columns.right - event.clientX, MIN_TREE), columns.width - 320);
      root.style.setProperty("--tree-width", `${Math.round(width)}px`);
      root.dataset.tree = "open";
    };
    const up = () => {
      handle.removeEventListener("pointermove", move);
      handle.removeEventListener("pointerup", up);
    };
    handle.addEventListener("pointermove", move);
    handle.addEventListener("pointerup", up);
  });

  // The chat stays pinned to its newest message: without this, the branches that open below a
  // row would push it out of view. Held until the row says it flipped (aria-expanded) and a
  // few frames more for the branches to draw, at most 3 s, never against the person's scrolling.
  document.addEventListener("click", (click) => {
    const clicked = click.target.closest?.(".message.branches");
    const scroller = clicked?.closest(".message-scroller");
    if (!clicked || !scroller) return;
    const selector = `.message.branches[data-fan-out="${CSS.escape(clicked.dataset.fanOut)}"]`;
    const expanded = clicked.getAttribute("aria-expanded");
    const top = clicked.getBoundingClientRect().top;
    const until = performance.now() + 3000;
    let scrolled = false, settled = 0;
    const stop = () => (scrolled = true);
    const own = ["wheel", "touchmove", "keydown"];
    for (const kind of own) scroller.addEventListener(kind, stop, { passive: true });
    const hold = () => {
      const row = scroller.querySelector(selector);
      if (row && !scrolled) {
        scroller.scrollTop += row.getBoundingClientRect().top - top;
        if (row.getAttribute("aria-expanded") !== expanded) settled += 1;
        if (settled < 3 && performance.now() < until) return requestAnimationFrame(hold);
      }
      for (const kind of own) scroller.removeEventListener(kind, stop);
    };
    requestAnimationFrame(hold);
  });

  // Text put back in the question box (a refused message) fits it, as typing it would.
  function refit(id) {
    document.getElementById(id)?.dispatchEvent(new Event("input", { bubbles: true }));
  }

  return { toggle, focusWhenEnabled, refit };
})();
