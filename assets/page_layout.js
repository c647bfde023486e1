// The page's layout on any screen, a projector's 1024×768 included: the thread list and the
// run tree fold away (`toggle`), the tree is widened or narrowed by dragging the handle
// between it and the chat or with the arrow keys on it (the width is kept in this browser; a
// double click gives back the default), the question box gets the focus back when a run
// ends, and a fan-out's row stays where it was clicked while its branches open or fold below.
window.pageLayout = (() => {
  const MIN_TREE = 260;
  const KEY_STEP = 32;
  const KEPT_WIDTH = "run-tree-width";
  const page = () => document.querySelector(".page");
  const html = document.documentElement;

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

  // The widths the tree can take now: from MIN_TREE to what leaves the chat its CSS
  // min-width (which also caps a kept width on a smaller screen).
  function treeRange() {
    const tree = document.querySelector(".tree-panel").getBoundingClientRect().width;
    const chat = document.querySelector(".chat-column");
    const room = chat.getBoundingClientRect().width - parseFloat(getComputedStyle(chat).minWidth);
    return { now: Math.round(tree), max: Math.max(Math.round(tree + room), MIN_TREE) };
  }

  // The resize handle tells screen readers the tree's width (a focusable separator's value).
  function describe(handle) {
    const { now, max } = treeRange();
    handle.setAttribute("aria-valuemin", String(MIN_TREE));
    handle.setAttribute("aria-valuemax", String(max));
    handle.setAttribute("aria-valuenow", String(Math.min(Math.max(now, MIN_TREE), max)));
  }

  function setTreeWidth(handle, width) {
    const { max } = treeRange();
    const kept = Math.round(Math.min(Math.max(width, MIN_TREE), max));
    html.style.setProperty("--tree-width", `${kept}px`);
    page().dataset.tree = "open";
    keep(kept);
    describe(handle);
  }

  // The width is kept in this browser's storage; where storage is refused, for this page only.
  function keep(width) {
    try {
      if (width === null) localStorage.removeItem(KEPT_WIDTH);
      else localStorage.setItem(KEPT_WIDTH, String(width));
    } catch {}
  }
  try {
    const width = Number(localStorage.getItem(KEPT_WIDTH));
    if (width >= MIN_TREE) html.style.setProperty("--tree-width", `${width}px`);
  } catch {}

  document.addEventListener("pointerdown", (down) => {
    const handle = down.target.closest?.(".tree-resizer");
    const root = page();
    if (!handle || !root) return;
    down.preventDefault();
    handle.setPointerCapture(down.pointerId);
    const right = root.querySelector(".columns").getBoundingClientRect().right;
    const move = (event) => setTreeWidth(handle, right - event.clientX);
    const up = () => {
      handle.removeEventListener("pointermove", move);
      handle.removeEventListener("pointerup", up);
    };
    handle.addEventListener("pointermove", move);
    handle.addEventListener("pointerup", up);
  });

  document.addEventListener("keydown", (key) => {
    const handle = key.target.closest?.(".tree-resizer");
    const step = { ArrowLeft: KEY_STEP, ArrowRight: -KEY_STEP }[key.key];
    if (!handle || !step) return;
    key.preventDefault();
    setTreeWidth(handle, treeRange().now + (key.shiftKey ? 3 * step : step));
  });

  document.addEventListener("dblclick", (click) => {
    const handle = click.target.closest?.(".tree-resizer");
    if (!handle) return;
    html.style.removeProperty("--tree-width");
    keep(null);
    describe(handle);
  });

  document.addEventListener("focusin", (focus) => {
    const handle = focus.target.closest?.(".tree-resizer");
    if (handle) describe(handle);
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
