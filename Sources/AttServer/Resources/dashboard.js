// att dashboard: plain JavaScript, no libraries, nothing loaded from elsewhere. Every value from the
// server is inserted as text (textContent), never as HTML.
"use strict";

const $ = (id) => document.getElementById(id);
let me = null;
let calendar = null;
let classes = [];
let lastID = 0;               // the newest attendance record seen: where the live feed resumes
let arrivals = new Map();     // record id -> record, for the day shown
let roster = null;
let socket = null;
let retry = 1000;
let openPerson = null;        // the person whose page is open
const WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

const isAdmin = () => me && me.role === "admin";
// Admins correct anyone; a teacher corrects the pupils of their classes (the only ones they see).
const canCorrect = () => me && (me.role === "admin" || me.role === "teacher");
const isTeacher = () => me && me.role === "teacher";

function el(tag, text, className) {
  const e = document.createElement(tag);
  if (text != null) e.textContent = String(text);
  if (className) e.className = className;
  return e;
}

function cell(row, text, className) { const td = el("td", text == null ? "" : text, className); row.appendChild(td); return td; }

function clear(id) { const e = $(id); while (e.firstChild) e.removeChild(e.firstChild); return e; }

function problem(text) { const p = $("problem"); p.textContent = text || ""; p.hidden = !text; }

function announce(text) { $("announce").textContent = text; }

// The API names the field it refuses ("person_id: ..."), for scripts; a person reads the reason.
const FIELD_NAMES = { person_id: "The person id", class_id: "The class", day: "The day", time: "The time", note: "The note", name: "The name" };
function plainError(text) {
  const m = /^([a-z_]+): (.*)$/s.exec(text);
  if (!m) return text;
  const reason = m[2].charAt(0).toUpperCase() + m[2].slice(1);
  return FIELD_NAMES[m[1]] ? FIELD_NAMES[m[1]] + ": " + m[2] : reason;
}

async function api(path, options) {
  const response = await fetch(path, Object.assign({ credentials: "same-origin" }, options || {}));
  if (response.status === 401) { location.href = "/login"; throw new Error("signed out"); }
  const body = await response.json().catch(() => null);
  if (!response.ok) throw new Error(plainError((body && body.error && body.error.message) || response.statusText));
  return { status: response.status, body };
}
const get = async (path) => (await api(path)).body;

// A change, with the CSRF token of the session.
function send(method, path, body) {
  const options = { method, headers: { "X-CSRF-Token": (me && me.csrf) || "" } };
  if (body !== undefined) { options.headers["Content-Type"] = "application/json"; options.body = JSON.stringify(body); }
  return api(path, options);
}

// HH:MM of a camera's time on the school's clock (a camera left on another zone is converted).
function clock(captured) { return captured ? isoLocal(captured).slice(11, 16) : ""; }

// A moment as every panel shows it: YYYY-MM-DD HH:MM:SS in the school's zone (the server's
// ATT_TIMEZONE), whatever the browser's zone: everyone reads the same times.
let schoolFormat = null;
function isoLocal(text) {
  if (!text) return "never";
  const parts = {};
  schoolFormat = schoolFormat || new Intl.DateTimeFormat("en-GB", { timeZone: me.time_zone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" });
  schoolFormat.formatToParts(new Date(text)).forEach((p) => { parts[p.type] = p.value; });
  return parts.year + "-" + parts.month + "-" + parts.day + " " + parts.hour + ":" + parts.minute + ":" + parts.second;
}

function weekdayOf(day) { const d = new Date(day + "T12:00:00Z"); return WEEKDAYS[(d.getUTCDay() + 6) % 7]; }

function range() {
  const q = new URLSearchParams();
  if ($("class").value) q.set("class", $("class").value);
  if ($("from").value) q.set("from", $("from").value);
  if ($("to").value) q.set("to", $("to").value);
  return q;
}

function rangeText() { return $("from").value + " to " + $("to").value; }

// ---- the roster ----------------------------------------------------------------------------

const STATE_TEXT = { present: "present", manual: "by hand", excused: "excused", absent: "absent", "not-expected": "no school", "not-yet": "not yet" };

function stateOf(entry) {
  if ((entry.status === "present" || entry.status === "manual") && entry.late) return "late";
  return entry.status;
}

function stateLabel(entry) {
  const state = stateOf(entry);
  let text = state === "late" ? "late" : STATE_TEXT[entry.status];
  if (entry.status === "manual" && entry.late) text = "late, by hand";
  if (entry.captured_at) text += " " + clock(entry.captured_at);
  return text;
}

async function loadRoster() {
  const q = new URLSearchParams({ date: $("day").value });
  if ($("class").value) q.set("class", $("class").value);
  roster = await get("/api/roster?" + q);
  const day = roster.day;
  const className = $("class").value ? $("class").selectedOptions[0].textContent : "all classes";
  $("roster-h").textContent = (day === me.today ? "Today, " : "") + weekdayOf(day) + " " + day + " · " + className;
  const notes = [];
  if (roster.holiday) notes.push("Holiday: " + roster.holiday + ". Nobody counts as absent.");
  else if (!roster.school_day) notes.push("Not a school day (see the calendar). Nobody counts as absent.");
  notes.push(roster.late_after ? "Late after " + roster.late_after + "." : roster.starts_by_class ? "Late after each class's start time." : "No start time is set, so nobody counts as late.");
  if (roster.not_yet) notes.push(roster.not_yet + " not yet due (the class has not started, or the day is still to come).");
  const outside = roster.entries.filter((e) => !e.member).length;
  if (outside) notes.push(outside + " recorded without being on the class's roll.");
  $("roster-note").textContent = notes.join(" ");
  // The cards split the roll with no overlap: on time + late + absent + excused + not yet = expected.
  $("n-present").textContent = roster.on_time;
  $("n-late").textContent = roster.late;
  $("count-late").hidden = !roster.late_after && !roster.starts_by_class && !roster.late;
  $("n-notyet").textContent = roster.not_yet;
  $("count-notyet").hidden = !roster.not_yet;
  $("n-absent").textContent = roster.absent;
  $("n-excused").textContent = roster.excused;
  $("n-expected").textContent = roster.expected;
  const list = clear("roster");
  roster.entries.forEach((entry) => {
    const li = el("li");
    li.dataset.person = entry.person_id;
    li.dataset.state = stateOf(entry);
    if (canCorrect()) {
      const pick = el("input", null, "pick");
      pick.type = "checkbox";
      pick.checked = selected.has(entry.person_id);
      pick.setAttribute("aria-label", "Select " + entry.name + " (to excuse or mark several at once)");
      pick.addEventListener("change", () => { if (pick.checked) selected.add(entry.person_id); else selected.delete(entry.person_id); updateBulk(); });
      li.appendChild(pick);
    }
    const chip = el("button", null, "chip");
    chip.type = "button";
    chip.appendChild(el("span", entry.name));
    chip.appendChild(el("span", stateLabel(entry), "state " + stateOf(entry)));
    chip.title = entry.person_id + (entry.note ? " · " + entry.note : "");
    chip.setAttribute("aria-label", entry.name + ", " + stateLabel(entry) + ": open the person page");
    chip.addEventListener("click", () => showPerson(entry.person_id));
    li.appendChild(chip);
    if (canCorrect()) {
      const fix = el("button", "Correct", "correct");
      fix.type = "button";
      fix.setAttribute("aria-label", "Correct the attendance of " + entry.name);
      fix.addEventListener("click", () => openCorrection(entry));
      li.appendChild(fix);
    }
    list.appendChild(li);
  });
  markRefused();
  // The selection keeps only people still on this roster.
  [...selected].forEach((id) => { if (!roster.entries.some((e) => e.person_id === id)) selected.delete(id); });
  updateBulk();
  const empty = $("roster-empty");
  empty.hidden = roster.entries.length > 0;
  empty.textContent = $("class").value ? "Nobody is on this class's roll yet." : "Nobody is enrolled yet.";
}

// ---- several at once (a school trip): each person's change is its own correction, audited ----

const selected = new Set();
let selectionKey = "";

function updateBulk() {
  $("bulk").hidden = !canCorrect() || selected.size === 0;
  $("bulk-count").textContent = selected.size + " selected";
  if (!$("bulk-time").value) $("bulk-time").value = roster && roster.day === me.today ? nowClock() : ((roster && roster.late_after) || "09:00");
}

async function bulk(action) {
  const people = roster.entries.filter((e) => selected.has(e.person_id));
  const day = roster.day, classID = $("class").value || null, note = $("bulk-note").value.trim() || null, time = $("bulk-time").value;
  const done = [], failed = [];
  for (const entry of people) {
    try {
      if (action === "excuse") await send("POST", "/api/excusals", { person_id: entry.person_id, day, class_id: classID, note });
      else await send("POST", "/api/attendance", { person_id: entry.person_id, day, time, class_id: classID, note });
      done.push(entry.name);
    } catch (e) { failed.push(entry.name + ": " + e.message); }
  }
  const what = action === "excuse" ? "Excused on " + day : "Marked present at " + time + " on " + day;
  announce(what + ": " + done.length + " of " + people.length + (done.length ? " (" + done.join(", ") + ")" : "") + ".");
  showToast(what + ": " + done.length + " of " + people.length + ".");
  problem(failed.length ? "Not done for " + failed.join("; ") : "");
  if (!failed.length) { selected.clear(); $("bulk-note").value = ""; }
  await refreshAll();
}

// ---- finding a person ----------------------------------------------------------------------

async function search() {
  const text = $("search").value.trim();
  const list = clear("search-results");
  list.hidden = !text;
  if (!text) return;
  const people = await get("/api/people?" + new URLSearchParams({ q: text }));
  if ($("search").value.trim() !== text) return;  // a newer search is on its way
  people.slice(0, 10).forEach((p) => {
    const li = el("li");
    const button = el("button", p.name + " (" + p.id + ")" + (p.classes.length ? " · " + p.classes.join(", ") : ""), "link");
    button.type = "button";
    button.addEventListener("click", () => showPerson(p.id).catch((e) => problem(e.message)));
    li.appendChild(button);
    list.appendChild(li);
  });
  if (people.length === 0) list.appendChild(el("li", "Nobody is called that.", "empty"));
  else if (people.length > 10) list.appendChild(el("li", (people.length - 10) + " more: type more of the name.", "muted"));
}

// ---- corrections ---------------------------------------------------------------------------

let correcting = null;
let deleteArmed = false;

// The school's clock time now (HH:MM): the server's, as /api/me gave it, advanced by the time since.
function nowClock() {
  const [h, m] = me.now.split(":").map(Number);
  const minutes = (h * 60 + m + Math.floor((Date.now() - me.loadedAt) / 60000)) % 1440;
  return String(Math.floor(minutes / 60)).padStart(2, "0") + ":" + String(minutes % 60).padStart(2, "0");
}

function openCorrection(entry) {
  correcting = entry;
  deleteArmed = false;
  $("correction-h").textContent = entry.name + " · " + roster.day;
  let state = "Now: " + stateLabel(entry);
  if (entry.marked_by) state += " (marked by " + entry.marked_by + ")";
  else if (entry.device_id) state += " (camera " + entry.device_id + ")";
  if (entry.excused_by) state += " (excused by " + entry.excused_by + ")";
  if (entry.note) state += ". Note: " + entry.note;
  $("correction-state").textContent = state;
  // An admin checks a camera's mark against the enrolment photo.
  const record = entry.attendance_id && arrivals.get(entry.attendance_id);
  const faces = isAdmin() && record && record.has_snapshot && !record.marked_by;
  $("correction-faces").hidden = !faces;
  if (faces) {
    $("correction-seen").src = "/api/attendance/" + record.id + "/snapshot";
    $("correction-seen").alt = entry.name + " as camera " + (record.device_id || "") + " saw them at " + clock(record.captured_at);
    $("correction-seen-label").textContent = "camera " + (record.device_id || "") + ", " + clock(record.captured_at) + (record.liveness_reason || record.liveness ? " (" + (record.liveness_reason || record.liveness) + ")" : "");
    $("correction-enrolled").src = "/api/people/" + encodeURIComponent(entry.person_id) + "/photo";
    $("correction-enrolled").alt = entry.name + " as enrolled";
  }
  const here = entry.status === "present" || entry.status === "manual";
  $("mark-fields").hidden = here;
  $("excuse-fields").hidden = here || entry.status === "excused";
  $("unexcuse-button").hidden = entry.status !== "excused";
  $("delete-button").hidden = !here;
  $("delete-button").textContent = entry.status === "manual" ? "Undo: delete this record marked by hand" : "Delete this record (a wrong match)";
  $("mark-time").value = roster.day === me.today ? nowClock() : (roster.late_after || "09:00");
  $("mark-note").value = "";
  $("excuse-note").value = "";
  $("correction-status").textContent = "";
  $("correction").showModal();
}

async function applied(result, what) {
  const detail = result.body && typeof result.body.recognisable === "boolean" ? " (" + result.body.detail + ")" : "";
  if (result.status === 202) announce(what + ": sent; it shows once att-worker has applied it" + detail + ".");
  else announce(what + detail + ".");
  if (detail) showToast(what + detail + ".");
  await refreshAll();
}

function showToast(text, undo) {
  $("toast-text").textContent = text;
  $("toast-undo").hidden = !undo;
  $("toast-undo").onclick = async () => { $("toast").hidden = true; try { await undo(); } catch (e) { problem(e.message); } };
  $("toast").hidden = false;
  clearTimeout(showToast.timer);
  showToast.timer = setTimeout(() => { $("toast").hidden = true; }, 15000);
}

async function correction(action) {
  const entry = correcting;
  const day = roster.day;
  const classID = $("class").value || null;
  try {
    if (action === "mark") {
      const time = $("mark-time").value;
      const result = await send("POST", "/api/attendance", { person_id: entry.person_id, day, time, class_id: classID, note: $("mark-note").value || null });
      $("correction").close();
      await applied(result, "Marked " + entry.name + " present at " + time);
      const now = roster.entries.find((e) => e.person_id === entry.person_id);
      if (now && now.attendance_id) {
        const id = now.attendance_id;
        showToast("Marked " + entry.name + " present at " + time + ".", async () => {
          await applied(await send("DELETE", "/api/attendance/" + id), "Undone: " + entry.name + " is no longer marked present");
        });
      }
    } else if (action === "excuse") {
      const result = await send("POST", "/api/excusals", { person_id: entry.person_id, day, class_id: classID, note: $("excuse-note").value || null });
      $("correction").close();
      await applied(result, entry.name + " is excused on " + day);
      showToast(entry.name + " is excused on " + day + ".", async () => {
        await applied(await send("DELETE", "/api/excusals?" + new URLSearchParams(Object.assign({ person_id: entry.person_id, day }, classID ? { class: classID } : {}))), "Undone: the excuse is withdrawn");
      });
    } else if (action === "unexcuse") {
      const q = new URLSearchParams({ person_id: entry.person_id, day });
      if (classID) q.set("class", classID);
      const result = await send("DELETE", "/api/excusals?" + q);
      $("correction").close();
      await applied(result, "The excuse of " + entry.name + " is withdrawn");
    } else if (action === "delete") {
      if (!deleteArmed) {
        deleteArmed = true;
        $("delete-button").textContent = "Really delete the record of " + clock(entry.captured_at) + "? Click again";
        return;
      }
      const result = await send("DELETE", "/api/attendance/" + entry.attendance_id);
      $("correction").close();
      await applied(result, "Deleted the record of " + entry.name);
    }
  } catch (e) {
    $("correction-status").textContent = e.message;
  }
}

// ---- arrivals ------------------------------------------------------------------------------

function cameraText(r) {
  if (r.marked_by || r.device_id === "manual") return "by hand" + (r.marked_by ? " (" + r.marked_by + ")" : "") + (r.note ? ": " + r.note : "");
  return r.device_id || "–";
}

function renderArrivals(fresh) {
  const feed = clear("feed");
  const records = [...arrivals.values()].sort((a, b) => (a.captured_at < b.captured_at ? 1 : a.captured_at > b.captured_at ? -1 : b.id - a.id));
  records.forEach((r) => {
    const row = el("tr");
    row.dataset.id = r.id;
    if (fresh && fresh.has(r.id)) row.className = "new";
    if (isAdmin()) row.appendChild(arrivalFace(r));
    const late = roster && roster.late_after && clock(r.captured_at) > roster.late_after;
    cell(row, clock(r.captured_at) + (late ? " (late)" : ""), late ? "time late" : "time");
    const who = el("td");
    const button = el("button", r.name + " (" + r.person_id + ")", "link");
    button.type = "button";
    button.addEventListener("click", () => showPerson(r.person_id));
    who.appendChild(button);
    row.appendChild(who);
    cell(row, r.class_id || "–");
    cell(row, cameraText(r));
    cell(row, r.liveness_reason || r.liveness || "–");
    feed.appendChild(row);
  });
  if (!$("check-wrap").hidden) renderCheck();
  $("feed-empty").hidden = records.length > 0;
  $("feed-note").textContent = "First arrivals of " + $("day").value + ", newest first" + ($("day").value === me.today ? "; new ones appear live." : ".") +
    (isAdmin() ? " The faces are the cameras' crops (att-take --snapshots), kept as long as unknown faces' snapshots: click one to check it against the enrolment photo." : "");
}

// Every camera mark of the day with its crop, beside the person's enrolment photo: the check an admin
// makes of what liveness accepted (a phone held up that got through looks like any other arrival),
// all at once rather than one dialog per arrival. "Not them" deletes the mark (audited, as from the
// dialog; the review's summary counts it as a mark deleted on review).
let checkArmed = null;
function renderCheck() {
  const grid = clear("check-grid");
  const marks = [...arrivals.values()].filter((r) => r.has_snapshot && !r.marked_by).sort((a, b) => (a.captured_at < b.captured_at ? -1 : 1));
  marks.forEach((r) => {
    const item = el("li");
    item.dataset.id = r.id;
    const pair = el("div", null, "pair");
    const seen = el("img");
    seen.loading = "lazy";
    seen.src = "/api/attendance/" + r.id + "/snapshot";
    seen.alt = r.name + " as camera " + (r.device_id || "") + " marked them at " + clock(r.captured_at);
    const enrolled = el("img");
    enrolled.loading = "lazy";
    enrolled.src = "/api/people/" + encodeURIComponent(r.person_id) + "/photo";
    enrolled.alt = r.name + " as enrolled";
    pair.appendChild(seen);
    pair.appendChild(enrolled);
    item.appendChild(pair);
    item.appendChild(el("div", r.name + " (" + r.person_id + ")"));
    item.appendChild(el("div", clock(r.captured_at) + ", " + cameraText(r) + ": " + (r.liveness_reason || r.liveness || "no verdict kept"), "muted"));
    const button = el("button", checkArmed === r.id ? "Really delete this mark? Click again" : "Not them: delete the mark", "plain");
    button.type = "button";
    button.setAttribute("aria-label", "Not " + r.name + ": delete the mark of " + clock(r.captured_at) + " by camera " + (r.device_id || ""));
    button.addEventListener("click", async () => {
      $("check-status").textContent = "";
      if (checkArmed !== r.id) { checkArmed = r.id; renderCheck(); return; }
      checkArmed = null;
      try {
        const result = await send("DELETE", "/api/attendance/" + r.id + "?note=" + encodeURIComponent("not them: checked against the enrolment photo"));
        await applied(result, "Deleted the mark of " + r.name + " at " + clock(r.captured_at));
      } catch (e) { $("check-status").textContent = e.message; }
    });
    item.appendChild(button);
    grid.appendChild(item);
  });
  const without = [...arrivals.values()].filter((r) => !r.has_snapshot && !r.marked_by).length;
  $("check-note").textContent = marks.length === 0
    ? "No camera mark of " + $("day").value + " has a crop to check (att-take --snapshots sends one with each mark)."
    : marks.length + " camera mark" + (marks.length === 1 ? "" : "s") + " of " + $("day").value + ", earliest first: the camera's crop on the left, the enrolment photo on the right." +
      (without ? " " + without + " more without a crop (a camera without --snapshots)." : "");
}

function toggleCheck() {
  const open = $("check-wrap").hidden;
  $("check-wrap").hidden = !open;
  $("check-show").setAttribute("aria-expanded", String(open));
  if (open) renderCheck();
}

// The crop a camera sent with an arrival (att-take --snapshots), for an admin checking who was
// marked: a replay that got through looks like any other arrival. It opens the record's correction
// (the face beside the enrolment photo, and "Delete this record") from the roster as it is when
// clicked (the roster and the arrivals load apart), or the person page when the roster shown does
// not hold the record (another class's).
function arrivalFace(r) {
  const td = el("td");
  if (!r.has_snapshot) { td.textContent = r.marked_by || r.device_id === "manual" ? "–" : "no snapshot"; return td; }
  const img = el("img", null, "face");
  img.loading = "lazy";
  img.src = "/api/attendance/" + r.id + "/snapshot";
  img.alt = "the face of " + r.name + " as camera " + (r.device_id || "") + " marked it at " + clock(r.captured_at);
  const button = el("button", null, "face");
  button.type = "button";
  button.setAttribute("aria-label", "Check " + r.name + "'s arrival at " + clock(r.captured_at) + ": the camera's crop beside the enrolment photo");
  button.appendChild(img);
  button.addEventListener("click", () => {
    const entry = roster && roster.entries.find((e) => e.attendance_id === r.id);
    if (entry) openCorrection(entry); else showPerson(r.person_id);
  });
  td.appendChild(button);
  return td;
}

function takeArrival(record) {
  if (record.local_day !== $("day").value || record.direction !== "in") return false;
  // A class's arrivals: its own, and its members' at a camera without a class (the gate).
  const member = () => roster && roster.class_id === $("class").value && roster.entries.some((e) => e.person_id === record.person_id && e.member);
  if ($("class").value && record.class_id !== $("class").value && (record.class_id || !member())) return false;
  if (arrivals.has(record.id)) return false;
  arrivals.set(record.id, record);
  return true;
}

async function loadArrivals() {
  const day = $("day").value;
  const q = new URLSearchParams({ from: day, to: day, limit: "500" });
  if ($("class").value) q.set("class", $("class").value);
  const page = await get("/api/attendance?" + q);
  arrivals = new Map();
  page.items.forEach((r) => { takeArrival(r); lastID = Math.max(lastID, r.id); });
  renderArrivals(null);
}

// ---- the chart -----------------------------------------------------------------------------

let chartLoadedAt = 0;

async function loadChart() {
  const days = await get("/api/daily?" + range());
  chartLoadedAt = Date.now();
  $("chart-note").textContent = "School days from " + rangeText() + ($("class").value ? ", class " + $("class").value : "") + ".";
  const table = clear("chart-table");
  days.forEach((d) => {
    const row = el("tr");
    cell(row, d.day + (d.school_day ? "" : " (not a school day)")); cell(row, d.present); cell(row, d.late); cell(row, d.absent); cell(row, d.excused);
    table.appendChild(row);
  });
  const chart = clear("chart");
  if (days.length === 0) { chart.appendChild(el("p", "No school days in this range.", "empty")); return; }
  const ns = "http://www.w3.org/2000/svg";
  const width = Math.max(chart.clientWidth || 320, 280), height = 220;
  const left = 36, right = 8, top = 10, bottom = 34;
  const plotW = width - left - right, plotH = height - top - bottom;
  const max = Math.max(1, ...days.map((d) => d.present + d.absent));
  const step = max <= 5 ? 1 : Math.ceil(max / 5);
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("width", width);
  svg.setAttribute("height", height);
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", "present, late and absent per school day; the table below has the figures");
  const line = (x1, y1, x2, y2, colour) => {
    const l = document.createElementNS(ns, "line");
    l.setAttribute("x1", x1); l.setAttribute("y1", y1); l.setAttribute("x2", x2); l.setAttribute("y2", y2);
    l.setAttribute("stroke", colour);
    svg.appendChild(l);
  };
  const text = (x, y, value, anchor) => {
    const t = document.createElementNS(ns, "text");
    t.setAttribute("x", x); t.setAttribute("y", y); t.setAttribute("text-anchor", anchor || "start");
    t.textContent = value;
    svg.appendChild(t);
  };
  for (let v = 0; v <= max; v += step) {
    const y = top + plotH - (v / max) * plotH;
    line(left, y, width - right, y, "#d0d5dd");
    text(left - 6, y + 4, v, "end");
  }
  line(left, top, left, top + plotH, "#475467");
  const slot = plotW / days.length;
  const bar = Math.max(Math.min(slot * 0.7, 40), 2);
  const every = Math.ceil(days.length / Math.max(1, Math.floor(plotW / 48)));
  days.forEach((d, i) => {
    const x = left + i * slot + (slot - bar) / 2;
    let y = top + plotH;
    [[d.present - d.late, "#067647", "present on time"], [d.late, "#93370d", "late"], [d.absent, "#b42318", "absent"]].forEach(([n, colour, what]) => {
      if (n <= 0) return;
      const h = (n / max) * plotH;
      y -= h;
      const r = document.createElementNS(ns, "rect");
      r.setAttribute("x", x); r.setAttribute("y", y); r.setAttribute("width", bar); r.setAttribute("height", h); r.setAttribute("fill", colour);
      const title = document.createElementNS(ns, "title");
      title.textContent = d.day + ": " + n + " " + what;
      r.appendChild(title);
      svg.appendChild(r);
    });
    if (i % every === 0) text(left + i * slot + slot / 2, height - bottom + 16, d.day.slice(5), "middle");
  });
  text(left, height - 4, "day (MM-DD)", "start");
  chart.appendChild(svg);
}

// ---- the register ---------------------------------------------------------------------------

let registerShown = false;

// The register of the class and range: the same value as the Register CSV (GET /api/register).
async function loadRegister() {
  if (!registerShown) return;
  const register = await get("/api/register?" + range());
  const className = register.class_id ? "class " + ($("class").selectedOptions[0] || {}).textContent : "all classes";
  $("register-title").textContent = "Register · " + className + " · " + register.from + " to " + register.to + " · school time " + me.time_zone + " · printed " + me.today + " " + nowClock() + " by " + me.name;
  const head = clear("register-head");
  const row = el("tr");
  row.appendChild(el("th", "Pupil")).scope = "col";
  register.days.forEach((day) => {
    const th = el("th", null);
    th.scope = "col";
    th.title = weekdayOf(day) + " " + day;
    th.appendChild(document.createTextNode(weekdayOf(day).slice(0, 2)));
    th.appendChild(el("br"));
    th.appendChild(document.createTextNode(day.slice(8)));
    row.appendChild(th);
  });
  [["P", "present on time"], ["L", "late"], ["A", "absent"], ["E", "excused"], ["Sessions", "P + L + A"], ["%", "(P + L) / Sessions"]].forEach(([label, what]) => {
    const th = el("th", label); th.scope = "col"; th.title = what; row.appendChild(th);
  });
  head.appendChild(row);
  const body = clear("register-body");
  register.rows.forEach((r) => {
    const tr = el("tr");
    tr.dataset.person = r.person_id;
    const th = el("th", r.name + " (" + r.person_id + ")");
    th.scope = "row";
    tr.appendChild(th);
    r.marks.forEach((mark, i) => {
      const td = cell(tr, mark, mark ? "mark-" + mark : "");
      td.title = r.name + ", " + register.days[i] + ": " + (MARK_TEXT[mark] || "not counted");
    });
    [r.present, r.late, r.absent, r.excused, r.sessions].forEach((n) => cell(tr, n, "sum"));
    cell(tr, r.percentage == null ? "–" : r.percentage.toFixed(1), "sum");
    body.appendChild(tr);
  });
  if (register.rows.length === 0) { const tr = el("tr"); cell(tr, "Nobody is on the roll.", "empty").colSpan = register.days.length + 7; body.appendChild(tr); }
}
const MARK_TEXT = { P: "present on time", L: "late", A: "absent", E: "excused", H: "holiday" };

async function showRegister(show) {
  registerShown = show;
  $("register-wrap").hidden = !show;
  $("register-show").textContent = show ? "Hide the register" : "Show the register";
  $("register-show").setAttribute("aria-expanded", String(show));
  if (show) await loadRegister();
}

// Prints the register alone (landscape, the page's own print stylesheet), then the page as it was.
async function printRegister() {
  try {
    await showRegister(true);
    document.body.classList.add("print-register");
    window.addEventListener("afterprint", () => document.body.classList.remove("print-register"), { once: true });
    window.print();
  } catch (e) { problem(e.message); }
}

// ---- classes, unknown faces, refusals, cameras, calendar, audit --------------------------------------

async function loadClasses() {
  classes = await get("/api/classes");
  const select = $("class");
  // The class the address names (a reload keeps it), else the one chosen.
  const chosen = wantedClass !== null ? wantedClass : select.value;
  wantedClass = null;
  // A teacher sees their classes only, one at a time: no "All classes".
  while (select.options.length > (isTeacher() ? 0 : 1)) select.remove(isTeacher() ? 0 : 1);
  const body = clear("classes");
  classes.forEach((c) => {
    const option = el("option", c.name === c.id ? c.id : c.name + " (" + c.id + ")");
    option.value = c.id;
    select.appendChild(option);
    const row = el("tr");
    cell(row, c.name === c.id ? c.id : c.name + " (" + c.id + ")"); cell(row, c.members);
    cell(row, (calendar && calendar.class_starts[c.id]) || "–"); cell(row, c.last_day || "–");
    body.appendChild(row);
  });
  $("classes-empty").hidden = classes.length > 0;
  select.value = chosen;
  if (select.selectedIndex < 0 && select.options.length) select.selectedIndex = 0;
}

// Unknown faces: admins see the snapshot (when snapshots are on) and deal with each one; a viewer
// sees when and where, and the nearest person, never a face.
async function loadUnknown() {
  if (isTeacher()) return;  // unknown faces belong to no class: the admins deal with them
  const unknown = await get("/api/unknown-faces?limit=20");
  const u = clear("unknown");
  unknown.items.forEach((f) => {
    const row = el("tr");
    row.dataset.id = f.id;
    if (isAdmin()) {
      const td = el("td");
      if (f.snapshot) { const img = el("img", null, "face"); img.src = f.snapshot; img.alt = "unknown face seen " + f.captured_at.slice(0, 16).replace("T", " "); td.appendChild(img); }
      else td.textContent = "no snapshot";
      row.appendChild(td);
    }
    cell(row, f.captured_at.replace("T", " ").slice(0, 19), "time"); cell(row, f.device_id || "–");
    cell(row, f.nearest_distance == null ? "–" : (f.nearest_name ? f.nearest_name + " (" + f.nearest_person_id + "), " : "") + "distance " + f.nearest_distance.toFixed(2));
    if (isAdmin()) {
      const td = el("td");
      const act = el("button", "Deal with it…", "plain");
      act.type = "button";
      act.setAttribute("aria-label", "Enrol, assign or dismiss the unknown face seen " + f.captured_at.slice(0, 16).replace("T", " "));
      act.addEventListener("click", () => openUnknown(f));
      td.appendChild(act);
      row.appendChild(td);
    }
    u.appendChild(row);
  });
  $("unknown-empty").hidden = unknown.items.length > 0;
  $("unknown-note").textContent = isAdmin()
    ? "Snapshots (att-take --snapshots) are kept " + unknown.snapshots_kept_days + " days, then deleted; dismissing one deletes it at once."
    : "Faces that matched nobody enrolled.";
}

// Recognised people att-take did not mark for liveness (a cue's attack vote, a failed challenge, or
// never judged live), until someone reviews them (a never-live track also drops off once the person
// is marked that day; an attack vote stays, "was it them?"): a live pupil
// refused by mistake is marked present at the moment the camera saw them; a phone or a photo held
// up is dismissed. Admins see the face (with --snapshots); a teacher sees the pupils of the class shown.
const REFUSALS = { spoof: "voted an attack", challenge_failed: "failed the challenge", not_marked: "never judged live" };
let openRefusals = [];
// Never-live tracks of people marked that day since are off the list (most are a pupil whose first
// track was lost before a verdict); shown on request, since a photo held up for a friend who was
// marked later by other means is among them.
let showMarkedSince = false;
const ROSTER_REFUSALS = { spoof: "refused by liveness", challenge_failed: "failed the challenge", not_marked: "not marked by liveness" };
async function loadRefused() {
  const classID = $("class").value;
  if (isTeacher() && !classID) return;
  const refused = await get("/api/liveness-refusals?limit=" + (showMarkedSince ? "200&all=true" : "20") + (isTeacher() ? "&class=" + encodeURIComponent(classID) : ""));
  const items = showMarkedSince ? refused.items.filter((r) => !r.resolution) : refused.items;
  const body = clear("refused");
  items.forEach((r) => {
    const row = el("tr");
    row.dataset.id = r.id;
    const seen = r.captured_at.replace("T", " ").slice(0, 19);
    const who = (r.name || r.person_id) + " (" + r.person_id + ")";
    if (isAdmin()) {
      const td = el("td");
      if (r.snapshot) { const img = el("img", null, "face"); img.src = r.snapshot; img.alt = "the face of " + who + " as the camera saw it at " + seen; td.appendChild(img); }
      else td.textContent = "no snapshot";
      row.appendChild(td);
    }
    cell(row, seen, "time"); cell(row, r.device_id || "–"); cell(row, who);
    cell(row, (REFUSALS[r.verdict] || r.verdict) + ": " + r.reason + (r.present ? " (marked present that day since: was it them?)" : ""));
    if (canCorrect()) {
      const td = el("td");
      const mark = el("button", "Mark present", "plain");
      mark.type = "button";
      mark.setAttribute("aria-label", "Mark " + who + " present at " + seen.slice(11, 16) + " on " + r.local_day);
      mark.addEventListener("click", () => reviewRefusal(r, "present"));
      const dismiss = el("button", "Dismiss", "plain");
      dismiss.type = "button";
      dismiss.setAttribute("aria-label", "Dismiss: " + who + " was rightly not marked at " + seen);
      dismiss.addEventListener("click", () => reviewRefusal(r, "dismiss"));
      if (!r.present) td.appendChild(mark);
      td.appendChild(dismiss);
      row.appendChild(td);
    }
    body.appendChild(row);
  });
  $("refused-empty").hidden = items.length > 0;
  openRefusals = items.filter((r) => !(r.present && r.verdict === "not_marked"));
  markRefused();
  $("refused-note").textContent = "Recognised, but not marked: a photo or a screen held up, or a live person refused by mistake. " +
    (canCorrect() ? "Mark a live person present (at the time the camera saw them); dismiss a photo or a screen." : "An admin or their teacher reviews them.") +
    (isAdmin() ? " Faces (att-take --snapshots) are kept " + refused.snapshots_kept_days + " days; reviewing one deletes it at once." : "");
  await loadLivenessSummary();
}

// What liveness did over the range above (and the class shown), from the records and the review:
// the site's own count of the live people it refused (marked present on review) and of the camera
// marks a reviewer deleted (someone else, or a phone or photo that got through).
async function loadLivenessSummary() {
  const s = await get("/api/liveness-summary?" + range());
  const plural = (n, one, many) => n + " " + (n === 1 ? one : many);
  const refusals = Object.values(s.refusals);
  const sum = (key) => refusals.reduce((n, r) => n + r[key], 0);
  const because = s.marked_because.map((r) => r.count + " " + (r.reason === "not recorded" ? "with no reason kept" : r.reason)).join(", ");
  const parts = ["From " + s.from + " to " + s.to + (s.class_id ? " (" + s.class_id + ")" : "") + ": the cameras marked " +
    plural(s.camera_marks, "arrival", "arrivals") + (because ? " (" + because + ")" : "") + "; " +
    plural(s.camera_marks_deleted, "mark was", "marks were") + " deleted on review (someone else, or a phone or photo that got through)."];
  const total = sum("total");
  if (total > 0) {
    const rate = s.live_refused_rate == null ? "" : ", " + (Math.round(s.live_refused_rate * 1000) / 10) + "% of " + (s.live_judged + s.live_refused) + " live people judged";
    parts.push("Liveness did not mark " + plural(total, "recognised face", "recognised faces") + ": " +
      s.live_refused + " marked present on review (live people refused" + rate + "), " + sum("dismissed") + " dismissed, " +
      sum("open") + " waiting for review" + (sum("marked_since") ? ", " + sum("marked_since") + " marked that day since" : "") + ".");
  } else {
    parts.push("Liveness left nobody recognised unmarked.");
  }
  // A camera in poor light refuses more live people than the others: each one's share.
  if (s.cameras.length > 1) {
    parts.push("By camera: " + s.cameras.map((c) => c.device_id + " " + c.live_refused + " live refused of " +
      (c.live_judged + c.live_refused) + " judged, " + c.refusals + " not marked, " + c.camera_marks_deleted + " marks deleted").join("; ") + ".");
  }
  $("liveness-summary").textContent = parts.join(" ");
  const since = (s.refusals.not_marked || {}).marked_since || 0;
  const more = $("refused-more");
  more.hidden = since === 0 && !showMarkedSince;
  more.setAttribute("aria-pressed", String(showMarkedSince));
  more.textContent = showMarkedSince
    ? "Hide those marked that day since"
    : "Show the " + since + " never judged live who were marked that day since (a photo held up for someone marked later by other means would be among them)";
}

// On the roster, where a teacher looks: a pupil the cameras saw but did not mark that day says so.
function markRefused() {
  if (!roster) return;
  openRefusals.filter((r) => r.local_day === roster.day).forEach((r) => {
    const chip = document.querySelector('#roster li[data-person="' + CSS.escape(r.person_id) + '"] .chip');
    if (!chip || chip.querySelector(".refused")) return;
    const text = ROSTER_REFUSALS[r.verdict] + " " + r.captured_at.slice(11, 16);
    chip.appendChild(el("span", text, "refused"));
    chip.setAttribute("aria-label", chip.getAttribute("aria-label").replace(": open the person page", ", " + text + ": open the person page"));
  });
}

async function reviewRefusal(refusal, action) {
  $("refused-status").textContent = "";
  const body = isTeacher() && !refusal.class_id ? { class_id: $("class").value } : undefined;
  try {
    const result = await send("POST", "/api/liveness-refusals/" + refusal.id + "/" + action, action === "present" ? body : undefined);
    await applied(result, action === "present"
      ? "Marked " + (refusal.name || refusal.person_id) + " present at " + refusal.captured_at.slice(11, 16)
      : "Dismissed; its snapshot is deleted");
  } catch (e) { $("refused-status").textContent = e.message; }
}

let dealing = null;

async function openUnknown(face) {
  dealing = face;
  $("unknown-status").textContent = "";
  $("unknown-photo").hidden = !face.snapshot;
  if (face.snapshot) $("unknown-photo").src = face.snapshot;
  $("unknown-what").textContent = "Seen " + face.captured_at.replace("T", " ").slice(0, 19) + " by " + (face.device_id || "a camera") +
    (face.nearest_name ? "; nearest enrolled face: " + face.nearest_name + " at distance " + face.nearest_distance.toFixed(2) : "") +
    (face.snapshot ? "" : ". No snapshot is kept, so it can only be dismissed.");
  const people = await get("/api/people");
  const select = $("assign-person");
  select.textContent = "";
  people.forEach((p) => { const o = el("option", p.name + " (" + p.id + ")"); o.value = p.id; select.appendChild(o); });
  if (face.nearest_person_id) select.value = face.nearest_person_id;
  const classSelect = $("enrol-class");
  while (classSelect.options.length > 1) classSelect.remove(1);
  classes.forEach((c) => { const o = el("option", c.id); o.value = c.id; classSelect.appendChild(o); });
  // The time the face was seen, in school time: assigning it can also mark the person present then.
  const seen = isoLocal(face.captured_at);
  dealing.seenDay = seen.slice(0, 10);
  dealing.seenTime = seen.slice(11, 16);
  $("assign-mark-text").textContent = "Also mark them present at " + dealing.seenTime + " on " + dealing.seenDay + " (when seen)";
  $("assign-mark").checked = true;
  $("assign-button").disabled = !face.snapshot || people.length === 0;
  $("enrol-button").disabled = !face.snapshot;
  $("enrol-id").value = ""; $("enrol-name").value = "";
  $("unknown-dialog").showModal();
}

async function dealWith(action) {
  const face = dealing;
  try {
    let result;
    if (action === "assign") result = await send("POST", "/api/unknown-faces/" + face.id + "/assign", { person_id: $("assign-person").value });
    else if (action === "enrol") result = await send("POST", "/api/unknown-faces/" + face.id + "/enrol", { person_id: $("enrol-id").value.trim(), name: $("enrol-name").value.trim(), class_id: $("enrol-class").value || null });
    else result = await send("POST", "/api/unknown-faces/" + face.id + "/dismiss");
    $("unknown-dialog").close();
    if (action === "assign" && $("assign-mark").checked) {
      // Marked by hand at the time seen, audited as any correction; refused (and said) on a day without school.
      const who = $("assign-person").selectedOptions[0].textContent;
      try {
        await send("POST", "/api/attendance", { person_id: $("assign-person").value, day: face.seenDay, time: face.seenTime, class_id: null, note: "seen by " + (face.device_id || "a camera") + " at " + face.seenTime + ", assigned from the unknown faces" });
        announce(who + " is marked present at " + face.seenTime + " on " + face.seenDay + ".");
      } catch (e) { showToast("The face is added to " + who + ", but not marked present: " + e.message); }
    }
    await applied(result, action === "dismiss" ? "The unknown face is dismissed and its snapshot deleted" : action === "enrol" ? "Enrolled " + $("enrol-name").value.trim() : "The face is added to " + $("assign-person").selectedOptions[0].textContent);
  } catch (e) { $("unknown-status").textContent = e.message; }
}

// Cameras from their own status reports: online, stale (silent for more than three reports) or offline.
async function loadCameras() {
  const devices = await get("/api/devices");
  const d = clear("devices");
  $("devices-empty").hidden = devices.length > 0;
  const select = $("camera-id");
  const chosen = select.value;
  select.textContent = "";
  devices.forEach((x) => {
    const row = el("tr");
    const name = cell(row, x.name);
    if (x.location) name.appendChild(el("div", x.location, "muted"));
    if (x.name !== x.id) name.appendChild(el("div", x.id, "muted"));
    row.appendChild(el("td")).appendChild(el("span", x.state, "state " + x.state.replace(" ", "-")));
    const s = x.status;
    // The policy the camera runs, as it reported it; off (tests only) stands out: photos held up are marked.
    const policy = s && s.liveness_policy;
    const liveness = cell(row, policy === "off" ? "OFF: photos and screens held up are marked" : policy || "–");
    if (policy === "off") liveness.className = "liveness-off";
    if (policy && s.liveness_cues) liveness.appendChild(el("div", s.liveness_cues, "muted"));
    cell(row, s && s.frames_per_second != null ? s.frames_per_second.toFixed(1) : "–");
    cell(row, s ? s.dropped : "–");
    cell(row, isoLocal(x.last_report_at || x.last_seen_at));
    cell(row, x.records);
    d.appendChild(row);
    const option = el("option", x.name === x.id ? x.id : x.name + " (" + x.id + ")");
    option.value = x.id;
    select.appendChild(option);
  });
  if (chosen) select.value = chosen;
  $("camera-form").hidden = !isAdmin() || devices.length === 0;
}

async function saveCamera(event) {
  event.preventDefault();
  const change = {};
  if ($("camera-name").value.trim()) change.name = $("camera-name").value.trim();
  if ($("camera-location").value.trim()) change.location = $("camera-location").value.trim();
  try {
    await send("PATCH", "/api/devices/" + encodeURIComponent($("camera-id").value), change);
    $("camera-saved").textContent = "Saved.";
    $("camera-name").value = ""; $("camera-location").value = "";
    await loadCameras();
  } catch (e) { $("camera-saved").textContent = e.message; }
}

function renderCalendar() {
  const admin = isAdmin();
  const days = clear("weekdays");
  WEEKDAYS.forEach((name, i) => {
    const label = el("label");
    const box = el("input");
    box.type = "checkbox"; box.value = i + 1; box.checked = calendar.weekdays.includes(i + 1); box.disabled = !admin;
    box.dataset.weekday = i + 1;
    label.appendChild(box);
    label.appendChild(document.createTextNode(" " + name));
    days.appendChild(label);
  });
  const holidays = clear("holidays");
  calendar.holidays.forEach((h, k) => {
    const row = el("tr");
    cell(row, h.day + " (" + weekdayOf(h.day) + ")"); cell(row, h.name);
    const td = el("td");
    if (admin) {
      const remove = el("button", "Remove", "plain");
      remove.type = "button";
      remove.setAttribute("aria-label", "Remove the holiday " + h.name + " on " + h.day);
      remove.addEventListener("click", () => { calendar.holidays.splice(k, 1); renderCalendar(); });
      td.appendChild(remove);
    }
    row.appendChild(td);
    holidays.appendChild(row);
  });
  if (calendar.holidays.length === 0) { const row = el("tr"); cell(row, "No holidays.", "empty").colSpan = 3; holidays.appendChild(row); }
  const starts = clear("starts");
  classes.forEach((c) => {
    const label = el("label", null, "field");
    label.appendChild(document.createTextNode(c.name === c.id ? c.id : c.name + " (" + c.id + ")"));
    const input = el("input");
    input.type = "time"; input.value = calendar.class_starts[c.id] || ""; input.disabled = !admin; input.dataset.classId = c.id;
    label.appendChild(input);
    starts.appendChild(label);
  });
  if (classes.length === 0) starts.appendChild(el("p", "No classes yet.", "empty"));
}

async function loadCalendar() { calendar = await get("/api/calendar"); }

async function saveCalendar(event) {
  event.preventDefault();
  const weekdays = [...document.querySelectorAll("#weekdays input:checked")].map((b) => Number(b.value));
  const starts = {};
  document.querySelectorAll("#starts input").forEach((i) => { starts[i.dataset.classId] = i.value; });
  try {
    calendar = (await send("PUT", "/api/calendar", { weekdays, holidays: calendar.holidays, class_starts: starts })).body;
    $("calendar-saved").textContent = "Saved.";
    announce("The calendar is saved.");
    await refreshAll();
  } catch (e) { $("calendar-saved").textContent = e.message; }
}

function addHoliday() {
  const day = $("holiday-day").value, name = $("holiday-name").value.trim();
  if (!day || !name) { $("calendar-saved").textContent = "Give the holiday's day and name."; return; }
  calendar.holidays = calendar.holidays.filter((h) => h.day !== day).concat([{ day, name }]).sort((a, b) => (a.day < b.day ? -1 : 1));
  $("holiday-day").value = ""; $("holiday-name").value = "";
  $("calendar-saved").textContent = "Added; save the calendar to keep it.";
  renderCalendar();
}

async function loadAudit() {
  if (!isAdmin()) return;
  const entries = await get("/api/audit?limit=50");
  const body = clear("audit");
  entries.forEach((a) => {
    const row = el("tr");
    cell(row, isoLocal(a.at)); cell(row, a.actor); cell(row, a.action); cell(row, a.target);
    let details = "";
    try { const d = JSON.parse(a.details || "{}"); details = Object.keys(d).filter((k) => d[k] !== "").map((k) => k + ": " + d[k]).join(", "); } catch (e) { details = a.details || ""; }
    cell(row, details);
    body.appendChild(row);
  });
  $("audit-empty").hidden = entries.length > 0;
}

// ---- the person page -----------------------------------------------------------------------

let removeArmed = false;

async function showPerson(id) {
  openPerson = id;
  removeArmed = false;
  await renderPerson();
  const dialog = $("person");
  if (!dialog.open) dialog.showModal();
}

async function renderPerson() {
  const id = openPerson;
  const q = new URLSearchParams({ from: $("from").value, to: $("to").value });
  const report = await get("/api/people/" + encodeURIComponent(id) + "/report?" + q);
  const p = report.person;
  $("person-h").textContent = p.name + " (" + p.id + ")";
  const photo = $("person-photo");
  photo.hidden = !isAdmin() || p.samples === 0;
  if (isAdmin() && p.samples > 0) { photo.src = "/api/people/" + encodeURIComponent(p.id) + "/photo"; photo.alt = p.name + "'s first enrolment photo"; }
  const meta = ["Classes: " + (p.classes.length ? p.classes.join(", ") : "none"), "enrolled " + isoLocal(p.created_at).slice(0, 10), "from " + report.from + " to " + report.to];
  if (!p.active) meta.push("removed (records kept)");
  $("person-meta").textContent = meta.join(" · ");
  const counts = clear("person-counts");
  const rate = report.rate == null ? "–" : Math.round(report.rate * 100) + "%";
  [[rate, "attendance"], [report.present, "present"], [report.late, "late"], [report.absent, "absent"], [report.excused, "excused"], [report.school_days, "school days"]].forEach(([n, what]) => {
    const c = el("div", null, "count"); c.appendChild(el("b", n)); c.appendChild(document.createTextNode(what)); counts.appendChild(c);
  });
  const body = clear("person-days");
  report.days.forEach((d) => {
    const row = el("tr");
    cell(row, d.day + " " + weekdayOf(d.day).slice(0, 3), "time");
    row.appendChild(el("td")).appendChild(el("span", stateLabel(d.entry).replace(/ \d\d:\d\d$/, ""), "state " + stateOf(d.entry)));
    cell(row, clock(d.entry.captured_at) || "–");
    cell(row, d.entry.captured_at ? cameraText(d.entry) : "–");
    cell(row, d.entry.note || "");
    body.appendChild(row);
  });
  $("person-empty").hidden = report.days.length > 0;
  $("person-admin").hidden = !isAdmin() || !p.active;
  $("rename-name").value = p.name;
  $("remove-keep").checked = false;
  removeText(p);
  $("person-status").textContent = "";
}

function removeText(p) {
  const keep = $("remove-keep").checked;
  $("remove-what").textContent = "Removing " + p.name + " erases their " + p.samples + " face image(s) and " + p.embeddings + " embedding(s) from this server and every camera. " +
    (keep ? "Their " + p.attendance + " attendance record(s) stay, under their name." : "Their " + p.attendance + " attendance record(s) are erased too.");
  $("remove-button").textContent = removeArmed ? "Yes, erase " + p.name : "Remove " + p.name + "…";
  $("remove-button").dataset.name = p.name;
}

async function removePerson() {
  const name = $("remove-button").dataset.name;
  if (!removeArmed) { removeArmed = true; $("remove-button").textContent = "Yes, erase " + name; $("person-status").textContent = "Click again to erase."; return; }
  try {
    const keep = $("remove-keep").checked;
    await send("DELETE", "/api/people/" + encodeURIComponent(openPerson) + (keep ? "?keep_attendance=true" : ""));
    $("person").close();
    announce(name + " is removed.");
    await refreshAll();
  } catch (e) { $("person-status").textContent = e.message; }
}

async function renamePerson(event) {
  event.preventDefault();
  try {
    await send("PATCH", "/api/people/" + encodeURIComponent(openPerson), { name: $("rename-name").value.trim() });
    $("person-status").textContent = "Renamed.";
    await renderPerson();
    await refreshAll();
  } catch (e) { $("person-status").textContent = e.message; }
}

// ---- exports, live feed, refresh -----------------------------------------------------------

function exportLinks() {
  const q = range();
  $("export-register").href = "/api/export/register.csv?" + q;
  $("export-summary").href = "/api/export/summary.csv?" + q;
  $("export-events").href = "/api/export/events.csv?" + q;
}

// The live feed: reconnects by itself (1 s, doubling to 15 s) and asks for what it missed.
function connect() {
  const scheme = location.protocol === "https:" ? "wss://" : "ws://";
  // Records after the newest one shown are caught up; with none shown (no arrival today) there is
  // nothing to catch up from: the refresh on "hello" reads the day instead of the whole history.
  socket = new WebSocket(scheme + location.host + "/ws" + (lastID > 0 ? "?after=" + lastID : ""));
  socket.onopen = () => { retry = 1000; $("live").textContent = "live"; $("live").className = "on"; };
  socket.onmessage = (event) => {
    const message = JSON.parse(event.data);
    if (message.type === "attendance") {
      const fresh = new Set();
      message.records.forEach((record) => {
        lastID = Math.max(lastID, record.id);
        if (takeArrival(record)) fresh.add(record.id);
      });
      if (fresh.size) {
        renderArrivals(fresh);
        const names = [...fresh].map((id) => arrivals.get(id)).map((r) => r.name + " at " + clock(r.captured_at));
        announce("Arrived: " + names.join(", "));
      }
      // An arrival is already in the table: only the roster (and an open person page) change.
      scheduleRefresh(false);
    } else if (message.type === "changed") {
      scheduleRefresh(true);
    } else if (message.type === "hello") {
      // Connected (or back): whatever changed between the last read and now (a face, a correction)
      // sent no note to this page, so everything is read once more.
      scheduleRefresh(true);
    }
  };
  socket.onclose = () => {
    $("live").textContent = "reconnecting…"; $("live").className = "";
    setTimeout(connect, retry);
    retry = Math.min(retry * 2, 15000);
  };
}

// One refresh for a burst: arrivals (a morning's rush) refresh the roster, an open person page and,
// at most every 30 s, the chart;
// any other change (a correction, the calendar, people, unknown faces, refusals) refreshes everything.
let refreshTimer = null;
let refreshEverything = false;
function scheduleRefresh(everything) {
  refreshEverything = refreshEverything || everything;
  if (refreshTimer) return;
  refreshTimer = setTimeout(async () => {
    refreshTimer = null;
    const all = refreshEverything;
    refreshEverything = false;
    try {
      if (all) await refreshAll();
      else {
        await loadRoster();
        if (Date.now() - chartLoadedAt > 30000) await loadChart();  // today's bar, at most twice a minute
        if (openPerson && $("person").open) await renderPerson();
      }
    } catch (e) { problem(e.message); }
  }, 400);
}

// Everything that a change can alter, the open person page included (it never goes stale).
async function refreshAll() {
  await loadCalendar();
  await loadClasses();
  await loadRoster();
  await loadArrivals();
  await loadChart();
  await loadRegister();
  await loadUnknown();
  await loadRefused();
  await loadCameras();
  await loadAudit();
  renderCalendar();
  if (openPerson && $("person").open) await renderPerson();
}

// The filters live in the address, so that a reload or a shared link shows the same view.
let wantedClass = null;
function filtersFromAddress() {
  const q = new URLSearchParams(location.search);
  const day = (name) => /^\d{4}-\d{2}-\d{2}$/.test(q.get(name) || "") ? q.get(name) : null;
  if (day("day")) $("day").value = day("day");
  if (day("from")) $("from").value = day("from");
  if (day("to")) $("to").value = day("to");
  if (q.get("class")) wantedClass = q.get("class");
}
function filtersToAddress() {
  const q = new URLSearchParams();
  ["day", "class", "from", "to"].forEach((id) => {
    const value = id === "class" && wantedClass !== null ? wantedClass : $(id).value;
    if (value) q.set(id, value);
  });
  history.replaceState(null, "", location.pathname + "?" + q);
}

async function reload() {
  problem("");
  // A selection belongs to one day and class.
  const key = $("day").value + "|" + $("class").value;
  if (key !== selectionKey) { selected.clear(); selectionKey = key; }
  filtersToAddress();
  exportLinks();
  try { await refreshAll(); } catch (e) { problem(e.message); }
}

async function start() {
  me = await get("/api/me");
  me.loadedAt = Date.now();
  $("who").textContent = me.name + " · " + me.role;
  $("zone").textContent = "school time: " + me.time_zone;
  document.querySelectorAll(".admin-only").forEach((e) => { if (!isAdmin()) e.hidden = true; });
  document.querySelectorAll(".corrector-only").forEach((e) => { if (!canCorrect()) e.hidden = true; });
  $("audit-section").hidden = !isAdmin();
  if (isTeacher()) {
    $("who").textContent += " of " + me.classes.join(", ");
    document.querySelector('section[aria-labelledby="unknown-h"]').hidden = true;
  }
  $("day").value = me.today;
  const to = new Date(me.today + "T12:00:00Z");
  $("from").value = new Date(to.getTime() - 29 * 86400000).toISOString().slice(0, 10);
  $("to").value = me.today;
  filtersFromAddress();
  // Every control works from the first paint, not only once the first load is done.
  ["day", "class", "from", "to"].forEach((id) => $(id).addEventListener("change", reload));
  $("camera-form").addEventListener("submit", saveCamera);
  $("register-show").addEventListener("click", () => showRegister(!registerShown).catch((e) => problem(e.message)));
  $("register-print").addEventListener("click", printRegister);
  $("bulk-excuse").addEventListener("click", () => bulk("excuse").catch((e) => problem(e.message)));
  $("bulk-mark").addEventListener("click", () => bulk("mark").catch((e) => problem(e.message)));
  $("bulk-clear").addEventListener("click", () => { selected.clear(); loadRoster().catch((e) => problem(e.message)); });
  $("search").addEventListener("input", () => { clearTimeout(start.search); start.search = setTimeout(() => search().catch((e) => problem(e.message)), 250); });
  $("calendar-form").addEventListener("submit", saveCalendar);
  $("holiday-add").addEventListener("click", addHoliday);
  $("mark-button").addEventListener("click", () => correction("mark"));
  $("excuse-button").addEventListener("click", () => correction("excuse"));
  $("unexcuse-button").addEventListener("click", () => correction("unexcuse"));
  $("delete-button").addEventListener("click", () => correction("delete"));
  $("check-show").addEventListener("click", toggleCheck);
  $("refused-more").addEventListener("click", async () => { showMarkedSince = !showMarkedSince; try { await loadRefused(); } catch (e) { problem(e.message); } });
  $("rename-form").addEventListener("submit", renamePerson);
  $("assign-button").addEventListener("click", () => dealWith("assign"));
  $("enrol-button").addEventListener("click", () => dealWith("enrol"));
  $("dismiss-button").addEventListener("click", () => dealWith("dismiss"));
  $("remove-button").addEventListener("click", removePerson);
  $("remove-keep").addEventListener("change", () => { removeArmed = false; get("/api/people/" + encodeURIComponent(openPerson)).then(removeText); });
  document.querySelectorAll("[data-close]").forEach((b) => b.addEventListener("click", () => b.closest("dialog").close()));
  $("person").addEventListener("close", () => { openPerson = null; });
  window.addEventListener("resize", () => { clearTimeout(start.resize); start.resize = setTimeout(() => loadChart().catch(() => {}), 200); });
  // Camera states change without any record (a camera going stale): read them every 10 s.
  setInterval(() => loadCameras().catch((e) => problem(e.message)), 10000);
  $("logout").addEventListener("click", async () => {
    await fetch("/logout", { method: "POST", headers: { "X-CSRF-Token": me.csrf || "" }, credentials: "same-origin" });
    location.href = "/login";
  });
  await reload();
  connect();
}

start().catch((e) => problem(e.message));
