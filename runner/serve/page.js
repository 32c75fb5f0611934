// The classroom page of runner serve. It follows the server's events (GET /api/events) and streams each run
// into its cell's Live panel; for the teacher it also runs, stops and accepts cells through the HTTP API.
// Program output is untrusted: it only ever becomes text nodes, never markup.
"use strict";
(() => {
  const root = document.documentElement;
  const body = document.body;
  const lesson = body.dataset.lesson;
  const teacher = body.dataset.view === "teacher";
  const overlay = document.querySelector(".overlay");
  const toolbar = document.querySelector(".toolbar");
  const cells = new Map(); // cell number → what the page knows of its latest run
  let current = 0; // the cell in focus, 0 for none

  function state(n) {
    let s = cells.get(n);
    if (!s) {
      s = { run: "", running: false, ended: false, pending: false, label: "", sgr: plain(), rest: "" };
      cells.set(n, s);
    }
    return s;
  }

  function section(n) {
    return document.querySelector('main section.cell[data-cell="' + Number(n) + '"]');
  }

  function part(n, selector) {
    const sec = section(n);
    return sec && sec.querySelector(selector);
  }

  function el(tag, className, text) {
    const e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  // Terminal styles, read as terminal-to-html reads them so that live output gets the classes of the
  // static pages: 16 colours, 256-colour indexes (term-fgx), bold, faint, italic, underline, blink, strike.
  // 24-bit colours are dropped, as there.
  function plain() {
    return { fg: "", bg: "", bold: false, faint: false, italic: false, underline: false, blink: false, strike: false };
  }

  const attributes = {
    1: { bold: true, faint: false }, 2: { bold: false, faint: true }, 3: { italic: true }, 4: { underline: true },
    5: { blink: true }, 6: { blink: true }, 9: { strike: true }, 21: { bold: false, faint: false },
    22: { bold: false, faint: false }, 23: { italic: false }, 24: { underline: false }, 25: { blink: false },
    29: { strike: false }, 39: { fg: "" }, 49: { bg: "" },
  };

  function applySGR(s, params) {
    const list = params.split(";");
    if (list.length === 1 && (list[0] === "" || list[0] === "0")) {
      Object.assign(s, plain());
      return;
    }
    let mode = "";
    let rgb = 0;
    for (const p of list) {
      if (!/^\d{1,3}$/.test(p) || Number(p) > 255) continue;
      const c = Number(p);
      if (mode === "38" || mode === "48") {
        mode = c === 5 || c === 2 ? mode + ";" + c : "";
        rgb = 0;
        continue;
      }
      if (mode.endsWith(";5")) {
        s[mode[0] === "3" ? "fg" : "bg"] = "x" + c;
        mode = "";
        continue;
      }
      if (mode.endsWith(";2")) {
        if (++rgb === 3) {
          s[mode[0] === "3" ? "fg" : "bg"] = "";
          mode = "";
        }
        continue;
      }
      if (c === 0) Object.assign(s, plain());
      else if (attributes[c]) Object.assign(s, attributes[c]);
      else if (c === 38 || c === 48) mode = String(c);
      else if ((c >= 30 && c <= 37) || (c >= 90 && c <= 97)) s.fg = String(c);
      else if ((c >= 40 && c <= 47) || (c >= 100 && c <= 107)) s.bg = String(c);
    }
  }

  function colourClass(kind, v, intense) {
    if (v.startsWith("x")) return "term-" + kind + "x" + v.slice(1);
    return "term-" + kind + (Number(v) >= intense ? "i" : "") + v;
  }

  function classes(s) {
    const k = [];
    if (s.fg) k.push(colourClass("fg", s.fg, 90));
    if (s.bg) k.push(colourClass("bg", s.bg, 100));
    const flags = [["bold", 1], ["faint", 2], ["italic", 3], ["underline", 4], ["blink", 5], ["strike", 9]];
    for (const [name, code] of flags) if (s[name]) k.push("term-fg" + code);
    return k.join(" ");
  }

  // escapeEnd returns where the escape sequence at src[i] ends, or -1 when the chunk ends first.
  function escapeEnd(src, i) {
    let j = i + 1;
    if (j >= src.length) return -1;
    const c = src[j];
    if (c === "[") {
      for (j++; j < src.length; j++) {
        const code = src.charCodeAt(j);
        if (code >= 0x40 && code <= 0x7e) return j + 1;
        if (code < 0x20 || code > 0x3f) return j; // malformed: drop what came before
      }
      return -1;
    }
    if ("]PX^_".includes(c)) { // a string: the server removes them; skip any that gets through
      for (j++; j < src.length; j++) {
        if (src[j] === "\x07") return j + 1;
        if (src[j] === "\x1b" && src[j + 1] === "\\") return j + 2;
      }
      return src.length - i > 4096 ? i + 1 : -1;
    }
    while (j < src.length && src.charCodeAt(j) >= 0x20 && src.charCodeAt(j) <= 0x2f) j++;
    return j < src.length ? j + 1 : -1;
  }

  // appendOutput adds a chunk of what a program printed to a Live panel, as text nodes in spans carrying its
  // style. Line endings become LF as in the notes. An escape sequence or CRLF cut by the chunk's end waits
  // for the next chunk.
  function appendOutput(pre, s, text, last) {
    const src = s.rest + text;
    s.rest = "";
    const frag = document.createDocumentFragment();
    let start = 0;
    const flush = (end) => {
      if (end <= start) return;
      const t = src.slice(start, end).replace(/\r\n?/g, "\n");
      const k = classes(s.sgr);
      if (k) frag.append(el("span", k, t));
      else frag.append(t);
    };
    let i = 0;
    for (; i < src.length; i++) {
      if (src[i] === "\r" && i === src.length - 1 && !last) break;
      if (src[i] !== "\x1b") continue;
      flush(i);
      start = i;
      const end = escapeEnd(src, i);
      if (end < 0 && !last) break;
      const m = /^\x1b\[([0-9;]*)m$/.exec(src.slice(i, end < 0 ? src.length : end));
      if (m) applySGR(s.sgr, m[1]);
      start = end < 0 ? src.length : end;
      i = start - 1;
    }
    flush(i);
    s.rest = src.slice(i);
    pre.append(frag);
  }

  function update(n) {
    const sec = section(n);
    if (!sec) return;
    const s = state(n);
    sec.classList.toggle("running", s.running);
    sec.classList.toggle("ended", s.ended);
    sec.classList.toggle("current", n === current);
    sec.querySelector(".live .state").textContent = s.running ? "running…" : s.label;
    if (!teacher) return;
    const button = (action) => sec.querySelector('.controls [data-action="' + action + '"]');
    button("run").disabled = s.running || s.pending;
    button("stop").disabled = !s.running;
    button("accept").disabled = !s.ended || !s.run || s.accepting;
  }

  function say(n, text, note) {
    const m = n ? part(n, ".message") : document.querySelector(".toolbar-message");
    if (!m) return;
    m.textContent = text;
    m.classList.toggle("note", Boolean(note));
    m.hidden = !text;
  }

  // showDown says which servers a client cell needs that are not running, offering the teacher to start them.
  function showDown(n, down) {
    const box = part(n, ".servers");
    if (!box) return;
    box.replaceChildren();
    for (const server of down || []) {
      const p = el("p", "", "In [" + Number(server) + "] (its server) is not running. ");
      p.dataset.server = Number(server);
      if (teacher) {
        const b = el("button", "run", "Start In [" + Number(server) + "]");
        b.type = "button";
        b.dataset.action = "run";
        b.dataset.server = Number(server);
        p.append(b);
      }
      box.append(p);
    }
    box.hidden = !box.children.length;
  }

  const verdicts = {
    matches: ["ok", "matches the notes"],
    differs: ["fail", "differs from the notes"],
    "no-record": ["info", "no recorded output to compare with"],
    ignored: ["info", "not compared: the cell has compare=ignore"],
    "not-compared": ["info", "not compared with the notes"],
    accepted: ["ok", "accepted: the notes now hold this output"],
  };

  function showVerdict(n, e) {
    const v = part(n, ".verdict");
    const live = part(n, ".live");
    const [kind, text] = verdicts[e.verdict] || ["info", String(e.verdict || "")];
    live.classList.toggle("matches", e.verdict === "matches");
    live.classList.toggle("differs", e.verdict === "differs");
    v.replaceChildren();
    if (text) v.append(el("p", "verdict-text " + kind, text));
    if (e.verdict === "differs" && e.diff) {
      const pre = el("pre", "diff");
      for (const line of String(e.diff).split("\n")) {
        const k = line.startsWith("@@") ? "hunk" : line.startsWith("+") ? "add" : line.startsWith("-") ? "del" : "";
        pre.append(el("span", k, line + "\n"));
      }
      v.append(pre);
    }
    v.hidden = !v.children.length;
  }

  function showBadges(n, badges) {
    const box = part(n, ".live .badges");
    box.replaceChildren();
    for (const b of badges || []) {
      const kind = ["ok", "fail", "info"].includes(b.kind) ? b.kind : "info";
      box.append(el("span", "badge " + kind, String(b.text)));
    }
    box.hidden = !box.children.length;
  }

  // notice shows what the runner says of a run as a whole (the standard library is being compiled) next to
  // the cell, or, for Run all, in the toolbar until a cell starts.
  let toolbarNotice = false;
  function notice(e) {
    say(e.cell, e.message, true);
    if (!e.cell) toolbarNotice = true;
  }

  function started(e) {
    if (toolbarNotice) {
      say(0, "");
      toolbarNotice = false;
    }
    const s = state(e.cell);
    Object.assign(s, { run: e.run, running: true, ended: false, accepting: false, label: "", sgr: plain(), rest: "" });
    const sec = section(e.cell);
    if (sec) {
      sec.querySelector(".live .output").replaceChildren();
      showBadges(e.cell, []);
      showVerdict(e.cell, {});
      say(e.cell, "");
    }
    for (const p of document.querySelectorAll('.servers p[data-server="' + Number(e.cell) + '"]')) {
      const box = p.parentElement;
      p.remove();
      box.hidden = !box.children.length;
    }
    update(e.cell);
  }

  // The server runs a cell once at a time, so output and end belong to the cell's current run, whatever its
  // id; the id matters only to Accept.
  function output(e) {
    const s = state(e.cell);
    if (!s.running) started(e); // this tab came in during the run
    const pre = part(e.cell, ".live .output");
    if (pre) appendOutput(pre, s, String(e.text), false);
  }

  function end(e) {
    const s = state(e.cell);
    const pre = part(e.cell, ".live .output");
    if (pre && s.rest) appendOutput(pre, s, "", true);
    Object.assign(s, { run: e.run, running: false, ended: true, label: e.outcome || e.status || "" });
    if (section(e.cell)) {
      showBadges(e.cell, e.badges);
      showVerdict(e.cell, e);
    }
    update(e.cell);
  }

  // reload fetches the page again and puts its new main content in place, keeping the Live panels and
  // verdicts (by cell number) and the scroll position.
  let reloads = 0;
  async function reload() {
    const seq = ++reloads;
    let html;
    try {
      const r = await fetch(location.pathname, { credentials: "same-origin", cache: "no-store" });
      if (!r.ok) throw new Error(r.status + " " + r.statusText);
      html = await r.text();
    } catch (err) {
      say(0, "could not reload the page: " + err.message);
      return;
    }
    if (seq !== reloads) return;
    const doc = new DOMParser().parseFromString(html, "text/html");
    const fresh = doc.querySelector("main");
    if (!fresh) return;
    const kept = new Map();
    for (const sec of document.querySelectorAll("main section.cell[data-cell]")) {
      kept.set(sec.dataset.cell, [".live", ".verdict", ".servers", ".message"].map((q) => sec.querySelector(q)));
    }
    const x = window.scrollX;
    const y = window.scrollY;
    const main = document.querySelector("main");
    main.replaceChildren(...Array.from(document.adoptNode(fresh).childNodes));
    for (const sec of main.querySelectorAll("section.cell[data-cell]")) {
      const old = kept.get(sec.dataset.cell);
      if (!old) continue;
      [".live", ".verdict", ".servers", ".message"].forEach((q, i) => {
        const now = sec.querySelector(q);
        if (now && old[i]) now.replaceWith(old[i]);
      });
    }
    document.title = doc.title;
    showNotes(notes);
    for (const n of cells.keys()) update(n);
    if (current) update(current);
    window.scrollTo(x, y);
    overlay.hidden = true;
    say(0, "");
  }

  // The teacher may hide the notes until each cell has run. The server keeps that, for every page: the
  // teacher's page veils the Notes panels of the cells that have not run (the class sees the projected
  // screen); a student's page is written without them, and fetches a cell's Notes panel once it has run.
  const notes = { hidden: toolbar.dataset.notes === "hidden", revealed: new Set() };
  for (const p of document.querySelectorAll("main section.cell[data-cell] .notes")) {
    if (notes.hidden && !p.matches(".veiled, .withheld")) notes.revealed.add(Number(p.closest("section").dataset.cell));
  }

  // showNotes follows the server's state of the notes: hidden or not, and the cells revealed.
  function showNotes(e) {
    notes.hidden = Boolean(e.hidden);
    notes.revealed = new Set(Array.from(e.revealed || [], Number));
    toolbar.dataset.notes = notes.hidden ? "hidden" : "shown";
    const b = toolbar.querySelector('[data-action="hide-notes"]');
    if (teacher && b) b.setAttribute("aria-pressed", String(notes.hidden));
    for (const sec of document.querySelectorAll("main section.cell[data-cell]")) {
      const n = Number(sec.dataset.cell);
      const panel = sec.querySelector(".notes");
      if (!panel) continue;
      const shown = !notes.hidden || notes.revealed.has(n);
      panel.classList.toggle("veiled", !shown);
      if (shown && panel.classList.contains("withheld")) fetchNotes(n);
    }
  }

  // fetchNotes puts the Notes panel of cell n in place of the one the page was written without. The panel is
  // markup of the page's own server, made by the renderer that made the page (the recorded output in it
  // escaped); it is parsed apart from the page, as reload parses the whole page, and no script in it runs.
  const fetching = new Set();
  async function fetchNotes(n) {
    if (fetching.has(n)) return;
    fetching.add(n);
    try {
      const r = await fetch("/api/notes?lesson=" + encodeURIComponent(lesson) + "&cell=" + Number(n),
        { credentials: "same-origin", cache: "no-store" });
      if (!r.ok) return; // hidden again meanwhile, or the cell is gone: the next event says what to show
      const doc = new DOMParser().parseFromString(await r.text(), "text/html");
      const fresh = doc.querySelector("div.panel.notes");
      const old = part(n, ".notes.withheld");
      if (!fresh || !old || fresh.classList.contains("withheld")) return;
      fresh.classList.toggle("veiled", notes.hidden && !notes.revealed.has(n));
      old.replaceWith(document.adoptNode(fresh));
    } catch (err) {
      say(0, "could not fetch the notes of In [" + Number(n) + "]: " + err.message);
    } finally {
      fetching.delete(n);
    }
  }

  // syncNotes asks the server for the state of the notes: events sent while the page was not connected are lost.
  async function syncNotes() {
    try {
      const r = await fetch("/api/notes?lesson=" + encodeURIComponent(lesson), { credentials: "same-origin", cache: "no-store" });
      if (r.ok) showNotes(await r.json());
    } catch (err) {
      // the next notes event says
    }
  }

  async function setNotesHidden(button) {
    button.disabled = true;
    say(0, "");
    try {
      showNotes(await post("/api/notes", { lesson, hidden: !notes.hidden }));
    } catch (err) {
      say(0, err.message);
    } finally {
      button.disabled = false;
    }
  }

  // showRunError shows why a run failed near its cell.
  function showRunError(e) {
    const s = state(e.cell);
    s.running = false;
    update(e.cell);
    say(e.cell, String(e.message));
  }

  // showLessonError shows why the lesson does not load over the page.
  function showLessonError(e) {
    overlay.querySelector(".overlay-message").textContent = String(e.message);
    overlay.hidden = false;
  }

  async function post(path, data) {
    const r = await fetch(path, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(data),
    });
    const j = await r.json().catch(() => ({}));
    if (!r.ok) throw new Error(j.error || r.status + " " + r.statusText);
    return j;
  }

  async function run(n) {
    const s = state(n);
    s.pending = true;
    say(n, "");
    update(n);
    try {
      const j = await post("/api/run", { lesson, cell: n });
      if (j.down && j.down.length) showDown(n, j.down);
    } catch (err) {
      say(n, err.message);
    } finally {
      s.pending = false;
      update(n);
    }
  }

  async function runAll(button) {
    button.disabled = true;
    say(0, "");
    try {
      await post("/api/run", { lesson, cell: 0 });
    } catch (err) {
      say(0, err.message);
    } finally {
      button.disabled = false;
    }
  }

  async function stop(n) {
    try {
      await post("/api/stop", { lesson, cell: n });
    } catch (err) {
      say(n, err.message);
    }
  }

  async function accept(n) {
    const s = state(n);
    s.accepting = true;
    update(n);
    try {
      const j = await post("/api/accept", { lesson, cell: n, run: s.run });
      say(n, j.written ? "Written into the lesson." : "The lesson already has this output.", true);
      showVerdict(n, { verdict: "accepted" });
    } catch (err) {
      s.accepting = false;
      say(n, err.message);
    }
    update(n);
  }

  function setCurrent(n, scroll) {
    const old = current;
    current = n;
    if (old) update(old);
    update(n);
    const sec = section(n);
    if (sec && scroll) {
      sec.focus({ preventScroll: true });
      sec.scrollIntoView({ block: "start" });
    }
  }

  function move(step) {
    const list = Array.from(document.querySelectorAll("main section.cell[data-cell]")).map((s) => Number(s.dataset.cell));
    if (!list.length) return;
    const i = list.indexOf(current);
    const next = i < 0 ? (step > 0 ? 0 : list.length - 1) : Math.min(Math.max(i + step, 0), list.length - 1);
    setCurrent(list[next], true);
  }

  function toggle(button, name) {
    const on = root.classList.toggle(name);
    button.setAttribute("aria-pressed", String(on));
    try {
      sessionStorage.setItem("classnotes-" + name, on ? "on" : "");
    } catch (err) {
      // storage refused: the toggle lasts as long as the page
    }
    if (name === "present" && on && current) setCurrent(current, true);
  }

  document.addEventListener("click", (ev) => {
    const sec = ev.target.closest("main section.cell[data-cell]");
    if (sec && Number(sec.dataset.cell) !== current) setCurrent(Number(sec.dataset.cell), false);
    const b = ev.target.closest("button[data-action]");
    if (!b || b.disabled) return;
    const n = sec ? Number(sec.dataset.cell) : 0;
    const action = b.dataset.action;
    if (action === "present" || (action === "hide-notes" && !teacher)) toggle(b, action);
    else if (action === "class" && classView) {
      classView.hidden = !classView.hidden;
      b.setAttribute("aria-pressed", String(!classView.hidden));
    }
    else if (!teacher) return;
    else if (action === "hide-notes") setNotesHidden(b);
    else if (action === "run") run(b.dataset.server ? Number(b.dataset.server) : n);
    else if (action === "stop") stop(n);
    else if (action === "accept") accept(n);
    else if (action === "run-all") runAll(b);
  });

  document.addEventListener("focusin", (ev) => {
    const sec = ev.target.closest && ev.target.closest("main section.cell[data-cell]");
    if (sec && Number(sec.dataset.cell) !== current) setCurrent(Number(sec.dataset.cell), false);
  });

  document.addEventListener("keydown", (ev) => {
    if (ev.altKey || ev.ctrlKey || ev.metaKey) return;
    if (ev.target.closest && ev.target.closest("input, textarea, select, [contenteditable]")) return;
    if (ev.key === "Enter" && ev.shiftKey) {
      if (teacher && current) {
        ev.preventDefault();
        run(current);
      }
      return;
    }
    const step = { j: 1, ArrowDown: 1, k: -1, ArrowUp: -1 }[ev.key];
    if (step && !ev.shiftKey) {
      ev.preventDefault();
      move(step);
    }
  });

  for (const name of teacher ? ["present"] : ["present", "hide-notes"]) { // as they were on the last page of this tab
    const b = document.querySelector('.toolbar [data-action="' + name + '"]');
    try {
      if (b && sessionStorage.getItem("classnotes-" + name) === "on") toggle(b, name);
    } catch (err) {
      // storage refused: the toggles start off
    }
  }

  // The Class view (the teacher's, with --lan): a row per student who reported, a cell per exercise coloured
  // by its state, and the counts per exercise as the server words them. Names and everything else a student
  // sent only ever become text. Each state of the class has a number (seq): a row, and the counts, are only
  // replaced by a newer one, whether it comes from the snapshot (GET /api/class) or from a class event.
  const classView = document.getElementById("class-view");
  const classTable = classView && classView.querySelector("table#class");
  const classSeen = { rows: new Map(), counts: -1 }; // row index → seq of the row shown

  function classTime(ms) {
    const n = Number(ms) || 0;
    return n < 1000 ? n + " ms" : (n / 1000).toFixed(1) + " s";
  }

  function classRow(row, seq) {
    const index = Number(row.index);
    if (!(index >= 0) || (classSeen.rows.get(index) ?? -1) >= seq) return;
    classSeen.rows.set(index, seq);
    const tr = el("tr");
    tr.dataset.student = String(index);
    tr.dataset.name = String(row.name);
    const name = el("th", "name", String(row.name));
    name.scope = "row";
    const at = new Date(String(row.at));
    tr.append(name, el("td", "at", isNaN(at) ? "" : at.toLocaleTimeString()));
    const heads = classTable.querySelectorAll("thead th[data-exercise]");
    (row.results || []).forEach((r, i) => {
      const td = el("td");
      if (heads[i]) td.dataset.exercise = heads[i].dataset.exercise;
      td.dataset.status = String(r.status || "");
      if (r.status) {
        td.textContent = String(r.status) + " · " + classTime(r.ms);
        td.dataset.ms = String(Number(r.ms) || 0);
      }
      if (r.diff) td.title = String(r.diff);
      tr.append(td);
    });
    const body = classTable.tBodies[0];
    const old = body.querySelector('tr[data-student="' + index + '"]');
    if (old) old.replaceWith(tr);
    else {
      const next = Array.from(body.rows).find((x) => Number(x.dataset.student) > index);
      body.insertBefore(tr, next || null);
    }
    const n = body.rows.length;
    classTable.dataset.students = String(n);
    classView.querySelector(".class-students").textContent = n === 1 ? "1 student reported" : n + " students reported";
  }

  function classCounts(counts, seq) {
    if (classSeen.counts >= seq) return;
    classSeen.counts = seq;
    classTable.dataset.seq = String(seq);
    const list = document.getElementById("class-counts");
    list.replaceChildren();
    for (const c of counts || []) {
      const li = el("li", "", String(c.text));
      li.dataset.exercise = String(c.exercise);
      li.dataset.solved = String(Number(c.solved) || 0);
      li.dataset.reported = String(Number(c.reported) || 0);
      list.append(li);
    }
  }

  function classReport(e) {
    if (!classTable) return;
    const seq = Number(e.seq);
    classRow(e.row || {}, seq);
    classCounts(e.counts, seq);
  }

  // syncClass asks the server for the whole class: reports that came while the page was not connected.
  async function syncClass() {
    if (!classTable) return;
    try {
      const r = await fetch("/api/class", { credentials: "same-origin", cache: "no-store" });
      if (!r.ok) return;
      const snap = await r.json();
      const seq = Number(snap.seq);
      for (const row of snap.rows || []) classRow(row, seq);
      classCounts(snap.counts, seq);
    } catch (err) {
      // the next class event says
    }
  }

  const handlers = {
    started,
    output,
    end,
    reload: () => reload(),
    "lesson-error": showLessonError,
    "run-error": showRunError,
    notice,
    servers: (e) => showDown(e.cell, e.down),
    notes: showNotes,
    class: classReport,
  };
  const conn = document.querySelector(".conn");
  const events = new EventSource("/api/events");
  events.onopen = () => {
    body.dataset.connected = "true";
    conn.textContent = "live";
    syncNotes();
    syncClass();
  };
  events.onerror = () => {
    body.dataset.connected = "false";
    conn.textContent = "reconnecting…";
  };
  for (const [name, handle] of Object.entries(handlers)) {
    events.addEventListener(name, (ev) => {
      let e;
      try {
        e = JSON.parse(ev.data);
      } catch (err) {
        return;
      }
      if (e && (e.lesson === lesson || (name === "class" && teacher))) handle(e); // the class is every lesson's
    });
  }
})();
