// att dashboard: plain JavaScript, no libraries, nothing loaded from elsewhere. Every value from the
// server is inserted as text (textContent), never as HTML.
"use strict";

const $ = (id) => document.getElementById(id);
let me = null;
let lastID = 0;          // the newest attendance record seen: where the live feed resumes
const shown = new Set(); // record ids in the arrivals table
let socket = null;
let retry = 1000;

function cell(row, text, className) {
  const td = document.createElement("td");
  td.textContent = text == null ? "" : String(text);
  if (className) td.className = className;
  row.appendChild(td);
  return td;
}

function personCell(row, id, name) {
  const td = document.createElement("td");
  const button = document.createElement("button");
  button.className = "link";
  button.type = "button";
  button.textContent = name + " (" + id + ")";
  button.addEventListener("click", () => showPerson(id, name));
  td.appendChild(button);
  row.appendChild(td);
}

function clear(id) { const el = $(id); while (el.firstChild) el.removeChild(el.firstChild); return el; }

function problem(text) {
  const p = $("problem");
  p.textContent = text || "";
  p.hidden = !text;
}

async function api(path, options) {
  const response = await fetch(path, Object.assign({ credentials: "same-origin" }, options || {}));
  if (response.status === 401) { location.href = "/login"; throw new Error("signed out"); }
  const body = await response.json().catch(() => null);
  if (!response.ok) throw new Error((body && body.error && body.error.message) || response.statusText);
  return body;
}

function filters() {
  const q = new URLSearchParams();
  if ($("class").value) q.set("class", $("class").value);
  if ($("from").value) q.set("from", $("from").value);
  if ($("to").value) q.set("to", $("to").value);
  return q;
}

function clock(captured) { return String(captured).slice(11, 16); }

function isLate(captured) { return me && me.late_after && clock(captured) > me.late_after; }

function addArrival(record, fresh) {
  if (shown.has(record.id)) return;
  if (record.local_day !== $("day").value) return;
  if ($("class").value && record.class_id !== $("class").value) return;
  shown.add(record.id);
  const row = document.createElement("tr");
  row.dataset.id = record.id;
  if (fresh) row.className = "new";
  cell(row, clock(record.captured_at), isLate(record.captured_at) ? "late" : "");
  personCell(row, record.person_id, record.name);
  cell(row, record.class_id || "–");
  cell(row, record.device_id || "–");
  cell(row, record.liveness || "–");
  const feed = $("feed");
  feed.insertBefore(row, feed.firstChild);
}

async function loadToday() {
  const day = $("day").value;
  const cls = $("class").value;
  const q = new URLSearchParams({ from: day, to: day, limit: "500" });
  if (cls) q.set("class", cls);
  const page = await api("/api/attendance?" + q);
  clear("feed");
  shown.clear();
  page.items.slice().reverse().forEach((r) => addArrival(r, false));
  page.items.forEach((r) => { lastID = Math.max(lastID, r.id); });
  await loadSummary();
}

async function loadSummary() {
  const q = new URLSearchParams({ date: $("day").value });
  if ($("class").value) q.set("class", $("class").value);
  const s = await api("/api/summary?" + q);
  $("n-present").textContent = s.present.length;
  $("n-absent").textContent = s.absent.length;
  $("n-late").textContent = s.late;
  $("n-expected").textContent = s.expected;
  const absent = clear("absent");
  s.absent.forEach((p) => { const row = document.createElement("tr"); personCell(row, p.person_id, p.name); absent.appendChild(row); });
}

async function loadChart() {
  const days = await api("/api/daily?" + filters());
  const chart = clear("chart");
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", "0 0 600 180");
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", "people present per day");
  const max = Math.max(1, ...days.map((d) => d.present));
  const width = Math.min(600 / Math.max(days.length, 1), 48);
  days.forEach((d, i) => {
    const h = (d.present / max) * 140;
    const rect = document.createElementNS(ns, "rect");
    rect.setAttribute("x", i * width + 2);
    rect.setAttribute("y", 150 - h);
    rect.setAttribute("width", Math.max(width - 4, 1));
    rect.setAttribute("height", h);
    const title = document.createElementNS(ns, "title");
    title.textContent = d.day + ": " + d.present;
    rect.appendChild(title);
    svg.appendChild(rect);
    if (width >= 18) {
      const value = document.createElementNS(ns, "text");
      value.setAttribute("x", i * width + width / 2 - 4);
      value.setAttribute("y", 146 - h);
      value.textContent = d.present;
      svg.appendChild(value);
    }
    if (days.length <= 31 && (i % Math.ceil(days.length / 10) === 0)) {
      const label = document.createElementNS(ns, "text");
      label.setAttribute("x", i * width + 2);
      label.setAttribute("y", 165);
      label.textContent = d.day.slice(5);
      svg.appendChild(label);
    }
  });
  if (days.length === 0) { const p = document.createElement("p"); p.className = "muted"; p.textContent = "No attendance in this range."; chart.appendChild(p); }
  chart.appendChild(svg);
}

async function loadClasses() {
  const classes = await api("/api/classes");
  const select = $("class");
  const chosen = select.value;
  while (select.options.length > 1) select.remove(1);
  const body = clear("classes");
  classes.forEach((c) => {
    const option = document.createElement("option");
    option.value = c.id;
    option.textContent = c.name === c.id ? c.id : c.name + " (" + c.id + ")";
    select.appendChild(option);
    const row = document.createElement("tr");
    cell(row, c.name); cell(row, c.members); cell(row, c.last_day || "–");
    body.appendChild(row);
  });
  select.value = chosen;
}

async function loadSide() {
  const unknown = await api("/api/unknown-faces?limit=20");
  const u = clear("unknown");
  unknown.items.forEach((f) => { const row = document.createElement("tr"); cell(row, f.captured_at.replace("T", " ").slice(0, 16)); cell(row, f.device_id || "–"); cell(row, f.nearest_distance == null ? "–" : f.nearest_distance.toFixed(3)); u.appendChild(row); });
  await loadCameras();
}

// A time as the other panels show it: YYYY-MM-DD HH:MM:SS, in the browser's zone.
function isoLocal(text) {
  if (!text) return "never";
  const t = new Date(text);
  const p = (n) => String(n).padStart(2, "0");
  return t.getFullYear() + "-" + p(t.getMonth() + 1) + "-" + p(t.getDate()) + " " + p(t.getHours()) + ":" + p(t.getMinutes()) + ":" + p(t.getSeconds());
}

// Cameras from their own status reports: online, stale (silent for more than three reports) or offline.
async function loadCameras() {
  const devices = await api("/api/devices");
  const d = clear("devices");
  $("devices-empty").hidden = devices.length > 0;
  const select = $("camera-id");
  const chosen = select.value;
  select.textContent = "";
  devices.forEach((x) => {
    const row = document.createElement("tr");
    const name = cell(row, x.name);
    if (x.location) { const where = document.createElement("div"); where.className = "muted"; where.textContent = x.location; name.appendChild(where); }
    if (x.name !== x.id) { const id = document.createElement("div"); id.className = "muted"; id.textContent = x.id; name.appendChild(id); }
    const state = document.createElement("span");
    state.className = "state " + x.state.replace(" ", "-");
    state.textContent = x.state;
    row.appendChild(document.createElement("td")).appendChild(state);
    const s = x.status;
    cell(row, s && s.frames_per_second != null ? s.frames_per_second.toFixed(1) : "–");
    cell(row, s ? s.dropped : "–");
    cell(row, isoLocal(x.last_report_at || x.last_seen_at));
    cell(row, x.records);
    d.appendChild(row);
    const option = document.createElement("option");
    option.value = x.id;
    option.textContent = x.name === x.id ? x.id : x.name + " (" + x.id + ")";
    select.appendChild(option);
  });
  if (chosen) select.value = chosen;
  $("camera-form").hidden = !(me && me.role === "admin") || devices.length === 0;
}

async function saveCamera(event) {
  event.preventDefault();
  const id = $("camera-id").value;
  const change = {};
  if ($("camera-name").value.trim()) change.name = $("camera-name").value.trim();
  if ($("camera-location").value.trim()) change.location = $("camera-location").value.trim();
  try {
    await api("/api/devices/" + encodeURIComponent(id), {
      method: "PATCH", headers: { "Content-Type": "application/json", "X-CSRF-Token": me.csrf }, body: JSON.stringify(change),
    });
    $("camera-saved").textContent = "Saved.";
    $("camera-name").value = ""; $("camera-location").value = "";
    await loadCameras();
  } catch (e) { $("camera-saved").textContent = e.message; }
}

async function showPerson(id, name) {
  $("person-name").textContent = name + " (" + id + ")";
  const q = filters(); q.delete("class"); q.set("limit", "60");
  const page = await api("/api/people/" + encodeURIComponent(id) + "/attendance?" + q);
  const body = clear("person");
  page.items.forEach((r) => { const row = document.createElement("tr"); cell(row, r.local_day); cell(row, clock(r.captured_at), isLate(r.captured_at) ? "late" : ""); cell(row, r.class_id || "–"); cell(row, r.device_id || "–"); body.appendChild(row); });
  if (page.items.length === 0) { const row = document.createElement("tr"); cell(row, "No attendance in this range.", "muted"); body.appendChild(row); }
}

function exportLinks() {
  const q = filters();
  $("export-summary").href = "/api/export/summary.csv?" + q;
  $("export-events").href = "/api/export/events.csv?" + q;
}

// The live feed: reconnects by itself (1 s, doubling to 15 s) and asks for what it missed.
function connect() {
  const scheme = location.protocol === "https:" ? "wss://" : "ws://";
  socket = new WebSocket(scheme + location.host + "/ws?after=" + lastID);
  socket.onopen = () => { retry = 1000; $("live").textContent = "live"; $("live").className = "on"; };
  socket.onmessage = (event) => {
    const message = JSON.parse(event.data);
    if (message.type === "attendance") {
      message.records.forEach((record) => {
        lastID = Math.max(lastID, record.id);
        addArrival(record, true);
      });
      scheduleRefresh(true);
    } else if (message.type === "changed") {
      scheduleRefresh(true);
    }
  };
  socket.onclose = () => {
    $("live").textContent = "reconnecting…"; $("live").className = "";
    setTimeout(connect, retry);
    retry = Math.min(retry * 2, 15000);
  };
}

let refreshTimer = null;
function scheduleRefresh(everything) {
  if (refreshTimer) return;
  refreshTimer = setTimeout(async () => {
    refreshTimer = null;
    try { await loadSummary(); await loadChart(); if (everything) { await loadClasses(); await loadSide(); } } catch (e) { problem(e.message); }
  }, 500);
}

async function reload() {
  problem("");
  exportLinks();
  try { await loadToday(); await loadChart(); await loadSide(); } catch (e) { problem(e.message); }
}

async function start() {
  me = await api("/api/me");
  $("who").textContent = me.name + " · " + me.role;
  $("day").value = me.today;
  const from = new Date(Date.now() - 29 * 86400000);
  $("from").value = from.toISOString().slice(0, 10);
  $("to").value = me.today;
  await loadClasses();
  await reload();
  ["day", "class", "from", "to"].forEach((id) => $(id).addEventListener("change", reload));
  $("camera-form").addEventListener("submit", saveCamera);
  // Camera states change without any record (a camera going stale): read them every 10 s.
  setInterval(() => loadCameras().catch((e) => problem(e.message)), 10000);
  $("logout").addEventListener("click", async () => {
    await fetch("/logout", { method: "POST", headers: { "X-CSRF-Token": me.csrf || "" }, credentials: "same-origin" });
    location.href = "/login";
  });
  connect();
}

start().catch((e) => problem(e.message));
