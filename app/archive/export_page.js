// An exported recording's page: each run's conversation, tree, durations and details, and a
// replay control. Every string is written with textContent: nothing from the recording
// becomes markup, and the page makes no request. Answers are markdown (window.Markdown, from
// the app's assets/markdown.js), their links (images are links there) shown as text.
"use strict";
(function () {
  const data = JSON.parse(document.getElementById("recording").textContent);
  const root = document.getElementById("app");
  const FRAME_MS = 30; // a timer, not requestAnimationFrame: it also runs in a hidden tab

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (key === "text") node.textContent = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value);
    }
    for (const child of children) if (child) node.appendChild(child);
    return node;
  }

  // A live link in an answer (an image is one too) becomes its text and address, as text.
  function inert(node) {
    for (const link of node.querySelectorAll("a")) {
      const href = link.getAttribute("href");
      const same = link.textContent === href || link.textContent + "/" === href;
      link.replaceWith(link.textContent + (same ? "" : " (" + href + ")"));
    }
  }

  // An answer's bubble, kept between renders: replay appends to it, going back redraws it.
  // Only finished markdown is drawn (no preview of the open word), so `inert` never touches a
  // node the renderer will take back; `complete` draws the rest.
  function answerBubble(bubbles, id, text, complete) {
    let bubble = bubbles.get(id);
    if (!bubble || bubble.length > text.length || (bubble.ended && bubble.length < text.length)) {
      const node = el("div", { class: "bubble markdown", "data-testid": "message", "data-role": "assistant", "data-run-id": id });
      bubble = { node, renderer: window.Markdown.create(node), length: 0, ended: false };
      bubbles.set(id, bubble);
    }
    if (bubble.length < text.length) {
      bubble.renderer.append(text.slice(bubble.length));
      bubble.length = text.length;
    }
    if (complete && !bubble.ended) {
      bubble.renderer.end();
      bubble.ended = true;
    }
    inert(bubble.node);
    return bubble.node;
  }

  function seconds(s) {
    if (s === null || s === undefined) return "";
    return s < 1 ? Math.round(s * 1000) + " ms" : s.toFixed(2) + " s";
  }

  // The run's state after its first `position` steps.
  function stateAt(run, position) {
    const nodes = {};
    const order = [];
    for (const step of run.steps.slice(0, position)) {
      const [op, t, id] = step;
      if (op === "s") {
        nodes[id] = { start: t, end: null, status: "running", text: "" };
        order.push(id);
      } else if (nodes[id] && op === "x") {
        nodes[id].text += step[3];
      } else if (nodes[id] && op === "e") {
        nodes[id].end = t;
        nodes[id].status = step[3];
      }
    }
    return { nodes, order, position, now: position ? run.steps[position - 1][1] : 0 };
  }

  function conversation(run, state, view) {
    const list = el("div", { class: "conversation" });
    if (run.question)
      list.appendChild(el("div", { class: "bubble", "data-testid": "message", "data-role": "user", text: run.question }));
    for (const id of state.order) {
      const info = run.nodes[id] || {};
      const live = state.nodes[id];
      if ((info.kind === "chat_model" || info.kind === "llm") && live.text) {
        const complete = live.end !== null || state.position >= run.steps.length;
        list.appendChild(answerBubble(view.bubbles, id, live.text, complete));
      } else if (info.kind === "tool") {
        const text = info.name + " " + info.args + (live.end !== null ? "\n→ " + info.output : "");
        list.appendChild(el("div", { class: "bubble", "data-testid": "message", "data-role": "tool", "data-run-id": id, text }));
      }
    }
    return list;
  }

  function tree(run, state, view) {
    const children = {};
    for (const id of state.order) {
      const parent = run.nodes[id] && state.nodes[run.nodes[id].parent] ? run.nodes[id].parent : "";
      (children[parent] = children[parent] || []).push(id);
    }
    function branch(parent) {
      const ul = el("ul");
      for (const id of children[parent] || []) {
        const info = run.nodes[id] || { name: id, kind: "other" };
        const live = state.nodes[id];
        const duration = live.end === null ? "running" : seconds(live.end - live.start);
        const row = el(
          "div",
          { class: "row", "data-selected": String(view.selected === id), onclick: () => { view.selected = id; view.render(); } },
          el("span", { class: "dot", "data-status": live.status, title: live.status }),
          el("span", { class: "kind", text: info.kind }),
          el("span", { text: info.name }),
          el("span", { class: "dim", text: duration }),
        );
        ul.appendChild(el("li", { "data-testid": "tree-node", "data-run-id": id, "data-parent-id": parent, "data-name": info.name, "data-kind": info.kind, "data-status": live.status }, row, branch(id)));
      }
      return ul;
    }
    const box = el("div", { class: "tree", "data-testid": "event-tree" }, branch(""));
    const chosen = view.selected && run.nodes[view.selected];
    if (chosen) {
      const details = el("div", { class: "details", "data-testid": "node-details" }, el("strong", { text: "Details" }));
      for (const [label, value, isBlock] of chosen.details)
        details.appendChild(isBlock ? el("div", {}, el("div", { class: "dim", text: label }), el("pre", { text: value })) : el("div", {}, el("span", { class: "dim", text: label + ": " }), el("code", { text: value })));
      box.appendChild(details);
    }
    return box;
  }

  function runView(run, index) {
    const section = el("section", { class: "run", "data-run-id": run.run_id });
    const total = run.steps.length;
    const view = { position: total, selected: "", playing: null, bubbles: new Map() };
    const play = el("button", { type: "button", "data-testid": "replay-button", text: "▶ Replay" });
    const speed = el("select", { "data-testid": "replay-speed" }, el("option", { value: "1", text: "1×" }), el("option", { value: "5", text: "5×" }), el("option", { value: "max", text: "As fast as possible" }));
    const step = el("button", { type: "button", "data-testid": "replay-step", text: "Step ▸" });
    const slider = el("input", { type: "range", min: "0", max: String(total), value: String(total), "data-testid": "replay-position", "aria-label": "Replay position" });
    const where = el("span", { class: "dim" });
    const chat = el("div");
    const side = el("div");
    const status = run.status + (run.error ? ": " + run.error : "");
    section.append(
      el("div", { class: "controls" }, el("strong", { text: "Run " + (index + 1) }), el("span", { class: "dim", "data-testid": "run-status", "data-status": run.status, text: status + " · " + seconds(run.duration) }), play, speed, step, slider, where),
      chat,
      side,
    );
    view.render = function () {
      const state = stateAt(run, view.position);
      slider.value = String(view.position);
      where.textContent = view.position + " / " + total + " events";
      chat.replaceChildren(conversation(run, state, view));
      side.replaceChildren(tree(run, state, view));
    };
    function stop() {
      if (view.playing) clearTimeout(view.playing.timer);
      view.playing = null;
      play.textContent = "▶ Replay";
    }
    play.addEventListener("click", () => {
      if (view.playing) return stop();
      if (view.position >= total) view.position = 0;
      const factor = speed.value === "max" ? Infinity : Number(speed.value);
      const from = view.position ? run.steps[view.position - 1][1] : 0;
      const began = performance.now();
      play.textContent = "❚❚ Pause";
      const tick = () => {
        const virtual = from + ((performance.now() - began) / 1000) * factor;
        let next = view.position;
        while (next < total && (factor === Infinity ? next - view.position < 400 : run.steps[next][1] <= virtual)) next++;
        view.position = next;
        view.render();
        if (next >= total) stop();
        else view.playing.timer = setTimeout(tick, FRAME_MS);
      };
      view.playing = { timer: setTimeout(tick, 0) };
    });
    step.addEventListener("click", () => { stop(); view.position = Math.min(total, view.position + 1); view.render(); });
    slider.addEventListener("input", () => { stop(); view.position = Number(slider.value); view.render(); });
    view.render();
    return section;
  }

  root.append(
    el("header", {}, el("h1", { text: data.title }), el("div", { class: "meta", text: data.runs.length + " run(s) · recorded with LangGraph run inspector" })),
    ...data.runs.map(runView),
  );
})();
