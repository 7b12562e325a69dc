// Before posting, an author sees up to three contributions of the room that already say the same (in
// any language, found by the server's sentence embeddings) and may agree with one instead. Asked once
// the author pauses typing; an answer for an older text than the one in the box is dropped.
const room = window.deliberateRoom;
const { config, el, announce } = room;
const S = config.strings;
const $ = (id) => document.getElementById(id);

const PAUSE = 900;  // ms without typing before asking
const MIN_CHARS = 20;
let timer = null;
let asked = "";

function render(found) {
  const box = $("similar");
  if (!found.length) { box.hidden = true; box.replaceChildren(); return; }
  const list = el("ul", { class: "similar-list" });
  for (const c of found) {
    const li = el("li", { "data-similar-id": c.id });
    li.append(
      el("span", { class: "lang" }, c.language.toUpperCase()),
      el("a", { href: `#c${c.id}`, class: "ref" }, `#${c.id}`),
      el("span", { class: "similar-text", lang: c.language }, ` ${c.text.length > 160 ? `${c.text.slice(0, 157)}…` : c.text} `),
      el("button", { type: "button", class: "link-button", "data-agree-instead": c.id }, S.agreeInstead),
    );
    list.append(li);
  }
  box.replaceChildren(el("p", { class: "meta" }, S.alreadySaid), list);
  box.hidden = false;
}

async function ask(text) {
  asked = text;
  const response = await fetch(`/api/v1/questions/${config.questionId}/similar`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ text }),
    credentials: "same-origin",
  });
  if (!response.ok || asked !== text || $("post-text").value.trim() !== text) return;
  render((await response.json()).similar || []);
}

$("post-text").addEventListener("input", () => {
  window.clearTimeout(timer);
  const text = $("post-text").value.trim();
  if (text.length < MIN_CHARS) { render([]); return; }
  if (text === asked) return;
  timer = window.setTimeout(() => ask(text), PAUSE);
});

$("similar").addEventListener("click", async (event) => {
  const button = event.target.closest("[data-agree-instead]");
  if (!button) return;
  const ack = await room.live.request("vote", { contribution_id: Number(button.dataset.agreeInstead), value: 1 });
  if (!ack.ok) { room.refused(ack); return; }
  button.replaceWith(el("span", { class: "meta" }, S.agreed));
  announce(S.agreed);
});

$("post-form").addEventListener("submit", () => render([]));
