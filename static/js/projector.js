// Projector view: the most agreed contributions of a room, large, with live tallies.
import { LiveRoom } from "./live.js";
import { countText, formatCount } from "./plurals.js";

const config = JSON.parse(document.getElementById("projector-config").textContent);
const contributions = new Map();
const presence = (n) => countText((config.plurals || {}).presence, config.language, n);
let redraw = null;

function draw() {
  redraw = null;
  const top = [...contributions.values()]
    .filter((c) => !c.hidden)
    .sort((a, b) => b.agree - a.agree || a.disagree - b.disagree || b.id - a.id)
    .slice(0, config.top);
  const list = document.getElementById("top");
  list.replaceChildren(...top.map((c) => {
    const li = document.createElement("li");
    li.dataset.id = c.id;
    const text = document.createElement("span");
    if (c.language) text.lang = c.language;
    text.textContent = c.text;  // always text, never markup
    const tally = document.createElement("span");
    tally.className = "tally";
    const a = document.createElement("span");
    a.className = "a";
    a.textContent = `▲ ${formatCount(config.language, c.agree)} ${config.strings.agree}`;
    const d = document.createElement("span");
    d.className = "d";
    d.textContent = `▼ ${formatCount(config.language, c.disagree)} ${config.strings.disagree}`;
    tally.append(a, "  ·  ", d);
    li.append(text, ...translationLines(c), tally);
    return li;
  }));
}

// With a translation provider, each top contribution shows its translations under it, marked.
function translationLines(c) {
  return Object.entries(c.translations || {}).map(([language, t]) => {
    const line = document.createElement("span");
    line.className = "translation";
    line.lang = language;
    line.textContent = `${language.toUpperCase()} · ${t.text} (${config.strings.machineTranslated})`;
    return line;
  });
}

function scheduleDraw() {
  if (!redraw) redraw = window.requestAnimationFrame(draw);
}

const live = new LiveRoom(config.questionId, {
  onConnection() {},
  onPending() {},
  onRefused() {},
  onState(state) {
    contributions.clear();
    for (const c of state.contributions) contributions.set(c.id, c);
    document.getElementById("presence-count").textContent = presence(state.presence ?? 0);
    document.getElementById("closed-banner").hidden = state.question.status === "open";
    scheduleDraw();
  },
  onEvent(name, payload) {
    if (name === "tally") {
      for (const [id, [agree, disagree]] of Object.entries(payload.counts)) {
        const c = contributions.get(Number(id));
        if (c) Object.assign(c, { agree, disagree });
      }
    } else if (name === "contribution") {
      if (payload.hidden) contributions.delete(payload.id);
      else contributions.set(payload.id, { ...(contributions.get(payload.id) || {}), ...payload });
    } else if (name === "presence") {
      document.getElementById("presence-count").textContent = presence(payload.count);
    } else if (name === "question") {
      document.getElementById("closed-banner").hidden = payload.status === "open";
    }
    scheduleDraw();
  },
}, config.strings);
// Other modules of the page (opinions.js) follow the same connection and contributions.
window.deliberateProjector = { live, contributions };
