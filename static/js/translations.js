// "Show contributions in my language": puts the machine translation in place of a contribution's text,
// always marked as such, with the original one click away. It only decorates the list room.js drew
// (after each "room:rendered"), so the room's own rendering stays as it is.
const config = JSON.parse(document.getElementById("translation-config").textContent);
const S = config.strings;
const KEY = "deliberate.showMyLanguage";
const toggle = document.getElementById("show-my-language");
const originals = new Set();  // contributions whose reader asked for the original back
let lastState = null;

function fill(template, values) {
  return template.replace(/\{(\w+)\}/g, (_, key) => String(values[key] ?? ""));
}

function name(code) {
  return config.languageNames[code] || code;
}

function decorate(li, c) {
  li.querySelector(".translation-mark")?.remove();
  const textNode = li.querySelector(".contribution-text");
  if (!textNode) return;
  textNode.textContent = c.text;
  textNode.lang = c.language;
  const translated = (c.translations || {})[config.language];
  if (!toggle.checked || !translated || c.language === config.language) return;
  const mark = document.createElement("p");
  mark.className = "translation-mark meta";
  const label = document.createElement("span");
  const button = document.createElement("button");
  button.type = "button";
  button.className = "link-button show-original";
  if (originals.has(c.id)) {
    label.textContent = fill(S.original, { language: name(c.language) });
    button.textContent = S.showTranslation;
  } else {
    textNode.textContent = translated.text;
    textNode.lang = config.language;
    let text = fill(S.translatedFrom, { language: name(c.language) });
    if (translated.pivot) text += ` (${fill(S.via, { language: name(translated.pivot) })})`;
    label.textContent = `${text} · ${translated.provider}`;
    button.textContent = S.showOriginal;
  }
  button.addEventListener("click", () => {
    if (originals.has(c.id)) originals.delete(c.id); else originals.add(c.id);
    decorate(li, c);
  });
  mark.append(label, " ", button);
  textNode.after(mark);
}

function decorateAll() {
  if (!lastState) return;
  for (const li of document.querySelectorAll("#contributions li[data-id]")) {
    const c = lastState.contributions.get(Number(li.dataset.id));
    if (c) decorate(li, c);
  }
}

toggle.checked = window.localStorage.getItem(KEY) === "1";
toggle.addEventListener("change", () => {
  window.localStorage.setItem(KEY, toggle.checked ? "1" : "0");
  decorateAll();
});
document.addEventListener("room:rendered", (event) => {
  lastState = event.detail;
  decorateAll();
});
if (window.deliberateRoom) {
  lastState = window.deliberateRoom.state;
  decorateAll();
}
