// Opinion groups of a room (or the projector's common ground): fetched from the API whenever the room
// hears `opinion_groups`, drawn as an SVG map with an equivalent table. Points carry no identity but
// "you"; contribution texts come from the page's own room state, always inserted as text.

const config = JSON.parse(document.getElementById("opinions-config").textContent);
const S = config.strings || {};
const SVG = "http://www.w3.org/2000/svg";
const $ = (id) => document.getElementById(id);
let version = -1;
let timer = null;
let last = null;

const host = () => window.deliberateRoom || window.deliberateProjector;
const fill = (template, values) => template.replace(/\{(\w+)\}/g, (_, key) => String(values[key] ?? ""));
const groupName = (id) => String.fromCharCode(65 + (id % 26));

function textOf(id) {
  const room = host();
  const contributions = room && (room.state ? room.state.contributions : room.contributions);
  const c = contributions && contributions.get(id);
  return c ? c.text : `#${id}`;
}

function item(id, detail) {
  const li = document.createElement("li");
  li.dataset.id = id;
  const text = document.createElement("span");
  text.textContent = textOf(id);
  li.append(text);
  if (detail) {
    const meta = document.createElement("span");
    meta.className = "meta";
    meta.textContent = ` — ${detail}`;
    li.append(meta);
  }
  return li;
}

function list(element, ids, detail) {
  const items = ids.map((id) => item(id, detail && detail(id)));
  if (!items.length) {
    const li = document.createElement("li");
    li.className = "meta";
    li.textContent = S.none || "";
    items.push(li);
  }
  element.replaceChildren(...items);
}

function drawMap(data) {
  const svg = $("opinion-map");
  const title = svg.querySelector("title");
  const xs = data.points.map((p) => p[0]);
  const ys = data.points.map((p) => p[1]);
  const span = Math.max(1e-6, ...xs.map(Math.abs), ...ys.map(Math.abs)) * 1.1;
  svg.setAttribute("viewBox", `${-span} ${-span} ${2 * span} ${2 * span}`);
  const r = span / 60;
  const dots = data.points.map(([x, y, g]) => {
    const dot = document.createElementNS(SVG, "circle");
    dot.setAttribute("cx", x);
    dot.setAttribute("cy", -y);
    dot.setAttribute("r", r);
    dot.setAttribute("class", `opinion-point g${g % 5}`);
    dot.dataset.group = g;
    return dot;
  });
  const nodes = [title, ...dots];
  if (data.you) {
    const you = document.createElementNS(SVG, "circle");
    you.setAttribute("cx", data.you.x);
    you.setAttribute("cy", -data.you.y);
    you.setAttribute("r", r * 2.5);
    you.setAttribute("class", `opinion-you g${data.you.group_id % 5}`);
    const label = document.createElementNS(SVG, "text");
    label.setAttribute("x", data.you.x + r * 3);
    label.setAttribute("y", -data.you.y);
    label.setAttribute("font-size", r * 6);
    label.setAttribute("class", "opinion-you-label");
    label.textContent = S.you;
    nodes.push(you, label);
  }
  svg.replaceChildren(...nodes);
}

function drawRoom(data) {
  const placed = data.groups.length > 0;
  $("opinions-status").textContent = placed ? "" : S.waiting;
  $("opinions-status").hidden = placed;
  $("opinions-body").hidden = !placed;
  const you = $("opinions-you");
  you.hidden = false;
  you.textContent = data.you ? fill(S.yourGroup, { name: groupName(data.you.group_id) }) : (placed ? S.notPlaced : "");
  you.dataset.group = data.you ? data.you.group_id : "";
  if (!placed) return;
  drawMap(data);
  const total = data.groups.reduce((n, g) => n + g.size, 0) || 1;
  $("opinion-table").tBodies[0].replaceChildren(...data.groups.map((g) => {
    const row = document.createElement("tr");
    const name = document.createElement("th");
    name.scope = "row";
    name.textContent = fill(S.group, { name: groupName(g.id) }) + (data.you && data.you.group_id === g.id ? ` (${S.you})` : "");
    const size = document.createElement("td");
    size.textContent = String(g.size);
    const share = document.createElement("td");
    share.textContent = `${Math.round((100 * g.size) / total)}%`;
    row.append(name, size, share);
    return row;
  }));
  $("opinion-groups").replaceChildren(...data.groups.map((g) => {
    const box = document.createElement("section");
    box.className = `opinion-group g${g.id % 5}`;
    box.dataset.group = g.id;
    const h = document.createElement("h3");
    h.textContent = `${fill(S.group, { name: groupName(g.id) })} · ${fill(S.people, { n: g.size })}`;
    const ol = document.createElement("ol");
    const share = (r) => r.repful === "disagree"
      ? fill(S.disagreeShare, { n: Math.round(100 * r.disagree_share) })
      : fill(S.agreeShare, { n: Math.round(100 * r.agree_share) });
    const byId = new Map(g.representative.map((r) => [r.contribution_id, r]));
    list(ol, g.representative.map((r) => r.contribution_id), (id) => share(byId.get(id)));
    box.append(h, ol);
    return box;
  }));
  list($("opinion-consensus"), data.consensus);
  list($("opinion-divisive"), data.divisive);
}

function drawProjector(data) {
  $("opinions").hidden = data.groups.length === 0;
  list($("opinion-consensus"), data.consensus);
}

async function refresh() {
  timer = null;
  const response = await fetch(`/api/v1/questions/${config.questionId}/opinion-groups`, {
    credentials: "same-origin",
    headers: { Accept: "application/json" },
  });
  if (!response.ok) return;
  const data = await response.json();
  version = data.version;
  last = data;
  draw();
}

function draw() {
  if (!last) return;
  $("opinions").dataset.version = String(version);
  (config.mode === "projector" ? drawProjector : drawRoom)(last);
}

// Everyone in the room hears a new version at once: spread the fetches over a second.
function soon(spread = 1000) {
  if (timer === null) timer = window.setTimeout(refresh, Math.random() * spread);
}

function pushed(payload) {
  if (payload.question_id === config.questionId && payload.version !== version) soon();
}

function start() {
  const room = host();
  if (room && typeof room.on === "function") {
    // The room page's hooks: any server event, and each (re)join's fresh state (texts known then).
    room.on("opinion_groups", pushed);
    room.on("state", () => { draw(); soon(0); });
  } else if (room && room.live) {
    room.live.socket.on("opinion_groups", pushed);
    room.live.socket.on("connect", () => soon(0));
    window.setTimeout(draw, 1500);  // the projector's texts arrive with its join
  }
  soon(0);
}

// This module may run before the page's room module (room.js, projector.js) has set up its
// connection: start once the whole page has loaded.
if (document.readyState === "complete") start();
else window.addEventListener("load", start);
