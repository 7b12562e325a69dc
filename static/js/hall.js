// The hall's projector: no login, its link's secret opens the socket. The state (pseudonymous authors,
// themes with support) comes from the projector API; live events keep tallies, the countdown and
// presence moving, and any change to the room's contributions or themes refreshes the state.
import { Clock, showCountdown } from "./countdown.js";
import { countText } from "./plurals.js";

const config = JSON.parse(document.getElementById("projector-config").textContent);
const S = config.strings;
const $ = (id) => document.getElementById(id);
const clock = new Clock();
let state = null;
let countdown = null;
let refreshing = null;

const plural = (key, n) => countText((config.plurals || {})[key], config.language, n).replace("{n}", String(n));

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;  // always text, never markup
  return node;
}

function draw() {
  if (!state) return;
  const top = [...state.contributions].sort((a, b) => b.agree - a.agree || a.disagree - b.disagree || b.id - a.id);
  $("top").replaceChildren(...top.map((c) => {
    const li = el("li");
    li.dataset.id = c.id;
    li.lang = c.language;
    li.append(el("span", "text", c.text));
    const line = el("span", "tally");
    line.append(el("span", "who", c.author), el("span", "a", `▲ ${c.agree} ${S.agree}`), "  ·  ",
      el("span", "d", `▼ ${c.disagree} ${S.disagree}`));
    li.append(line);
    return li;
  }));
  $("themes").replaceChildren(...state.themes.map((t) => {
    const li = el("li", null, t.label);
    li.dataset.id = t.id;
    li.append(el("span", "supporters", plural("supporters", t.supporters)));
    return li;
  }));
  $("closed-banner").hidden = state.question.status === "open";
  $("presence-count").textContent = plural("presence", state.presence);
}

async function refresh() {
  refreshing = null;
  const answer = await fetch(`/api/v1/projector/${encodeURIComponent(config.token)}`, { credentials: "omit" });
  if (answer.status === 404) return revoked();
  if (!answer.ok) return;
  state = await answer.json();
  clock.sync(state.countdown.server_time);
  countdown = state.countdown;
  draw();
}

function soon() {
  if (!refreshing) refreshing = window.setTimeout(refresh, 400);
}

function revoked() {
  $("revoked").hidden = false;
  socket.disconnect();
}

const socket = window.io({ transports: ["websocket", "polling"], auth: { projector: config.token }, reconnectionDelayMax: 5000 });
socket.on("connect", refresh);
socket.on("tally", (payload) => {
  if (!state) return;
  let known = true;
  for (const [id, [agree, disagree]] of Object.entries(payload.counts)) {
    const c = state.contributions.find((x) => x.id === Number(id));
    if (c) Object.assign(c, { agree, disagree });
    else known = false;
  }
  draw();
  if (!known) soon();  // another contribution may now be among the top ones
});
for (const name of ["contribution", "cluster", "cluster_deleted", "question"]) socket.on(name, soon);
socket.on("presence", (payload) => {
  if (state && payload.question_id === state.question.id) {
    state.presence = payload.count;
    draw();
  }
});
socket.on("countdown", (view) => {
  if (!state || view.question_id !== state.question.id) return;
  clock.sync(view.server_time);
  countdown = view;
  if (view.state === "expired") soon();
});
socket.on("projector_revoked", revoked);
window.setInterval(() => showCountdown($("countdown"), clock, countdown, S), 250);
