// The page's layout on any screen, a projector's 1024×768 included: the thread list and the
// run tree fold away (`toggle`), the tree is widened or narrowed by dragging the handle
// between it and the chat, and the question box gets the focus back when a run ends.
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

  return { toggle, focusWhenEnabled };
})();
