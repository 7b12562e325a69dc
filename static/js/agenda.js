// The agenda on a session's pages: follows the live question (a banner, or the page itself moves
// there when the person is not typing), shows the question's countdown, and gives moderators the
// controls. Everything comes from the server: `follow` on every (re)connection, then `agenda` and
// `countdown` events.
import { Clock, showCountdown } from "./countdown.js";
import { ask, pageSocket } from "./socket.js";

const config = JSON.parse(document.getElementById("agenda-config").textContent);
const S = config.strings;
const $ = (id) => document.getElementById(id);
const clock = new Clock();
const countdowns = new Map();  // question id -> the server's countdown payload
let live = null;

// The moderate event's payload: hiding carries the moderator's reason (told to the author) if typed.
export function moderation(contributionId, action) {
  const box = document.getElementById("moderation-reason");
  const reason = action === "hide" && box ? box.value.trim() : "";
  return reason ? { contribution_id: contributionId, action, reason } : { contribution_id: contributionId, action };
}

const fill = (template, values) => template.replace(/\{(\w+)\}/g, (_, key) => String(values[key] ?? ""));
const roomUrl = (position) => `${config.roomUrl}${position}`;

// Someone who has started writing is never moved away from their words.
function typing() {
  const box = $("post-text");
  const active = document.activeElement;
  return Boolean((box && box.value.trim()) || (active && ["TEXTAREA", "INPUT"].includes(active.tagName)));
}

function applyAgenda(agenda) {
  clock.sync(agenda.server_time);
  live = agenda.live;
  countdowns.clear();
  for (const view of agenda.countdowns || []) countdowns.set(view.question_id, view);
  drawLive();
  drawCountdown();
}

function drawLive() {
  const banner = $("agenda-banner");
  const here = config.questionId !== null && live && live.id === config.questionId;
  if ($("is-live")) $("is-live").hidden = !here;
  if (!live || here || !config.roomUrl) {
    banner.hidden = true;
    return;
  }
  if (config.questionId !== null && !config.moderator && !typing()) {
    window.location.assign(roomUrl(live.position));
    return;
  }
  const text = (live.texts && live.texts[config.language]) || live.text;  // the reader's language
  $("agenda-banner-text").textContent = fill(S.live, { n: live.position, text });
  const go = $("agenda-go");
  go.href = roomUrl(live.position);
  go.textContent = fill(S.go, { n: live.position });
  banner.hidden = false;
}

function drawCountdown() {
  const element = $("countdown");
  if (element && config.questionId !== null) showCountdown(element, clock, countdowns.get(config.questionId), S);
}

const socket = pageSocket();
async function follow() {
  const ack = await ask(socket, "follow", { session: config.session });
  if (ack.ok) applyAgenda(ack.agenda);
}
socket.on("connect", follow);
if (socket.connected) follow();
socket.on("agenda", applyAgenda);
socket.on("countdown", (view) => {
  clock.sync(view.server_time);
  countdowns.set(view.question_id, view);
  drawCountdown();
});
window.setInterval(drawCountdown, 250);
// A banner shown while typing follows the person once their box is empty again (after posting).
document.addEventListener("focusout", () => window.setTimeout(drawLive, 0));

async function call(method, url, body) {
  const answer = await fetch(url, {
    method,
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
    credentials: "same-origin",
  });
  const data = await answer.json().catch(() => ({}));
  $("agenda-error").textContent = answer.ok ? "" : (data.error && data.error.message) || String(answer.status);
  return answer.ok ? data : null;
}

if (config.moderator && $("make-live")) {
  $("make-live").addEventListener("click", () =>
    call("PUT", `/api/v1/sessions/${encodeURIComponent(config.session)}/live`, { question_id: config.questionId }));
  for (const button of document.querySelectorAll("[data-countdown]")) {
    button.addEventListener("click", async () => {
      const action = button.dataset.countdown;
      const body = { action };
      if (action === "start") {
        body.seconds = Math.round(Number($("countdown-minutes").value || 0) * 60);
        body.auto_close = $("countdown-auto-close").checked;
      }
      if (action === "extend") body.seconds = 60;
      const view = await call("POST", `/api/v1/questions/${config.questionId}/countdown`, body);
      if (view) {
        clock.sync(view.server_time);
        countdowns.set(view.question_id, view);
        drawCountdown();
      }
    });
  }
}

if (config.moderator && $("projector-make")) {
  const link = $("projector-url");
  $("projector-make").addEventListener("click", async () => {
    const made = await call("POST", `/api/v1/questions/${config.questionId}/projector-link`, {});
    if (made) {
      link.href = made.url;
      link.textContent = made.url;
      link.hidden = false;
    }
  });
  $("projector-revoke").addEventListener("click", async () => {
    const answer = await fetch(`/api/v1/questions/${config.questionId}/projector-link`, { method: "DELETE", credentials: "same-origin" });
    if (answer.ok) link.hidden = true;
  });
}
