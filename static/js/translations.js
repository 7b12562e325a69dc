// "Show contributions in my language": puts the machine translation in place of a contribution's text,
// always marked as such, with the original one click away. It hooks into room.js's one render function
// (room.extendContribution) and redraws through room.list, so the room's own rendering stays as it is.
const room = window.deliberateRoom;
const config = JSON.parse(document.getElementById("translation-config").textContent);
const S = config.strings;
const KEY = "deliberate.showMyLanguage";
const toggle = document.getElementById("show-my-language");
const originals = new Set();  // contributions whose reader asked for the original back

function fill(template, values) {
  return template.replace(/\{(\w+)\}/g, (_, key) => String(values[key] ?? ""));
}

function name(code) {
  return config.languageNames[code] || code;
}

function mark(c, translated) {
  const node = room.el("p", { class: "translation-mark meta" });
  let text;
  if (originals.has(c.id)) {
    text = fill(S.original, { language: name(c.language) });
  } else {
    text = fill(S.translatedFrom, { language: name(c.language) });
    if (translated.pivot) text += ` (${fill(S.via, { language: name(translated.pivot) })})`;
    text += ` · ${translated.provider}`;
  }
  const button = room.el("button", { type: "button", class: "link-button show-original", "data-translation-of": c.id },
    originals.has(c.id) ? S.showTranslation : S.showOriginal);
  node.append(room.el("span", {}, text), " ", button);
  return node;
}

room.extendContribution((c, li) => {
  const translated = (c.translations || {})[config.language];
  if (!toggle.checked || !translated || c.language === config.language) return;
  const textNode = li.querySelector(".contribution-text");
  if (!textNode) return;
  if (!originals.has(c.id)) {
    textNode.textContent = translated.text;  // text, never markup
    textNode.lang = config.language;
  }
  textNode.after(mark(c, translated));
});

document.getElementById("contributions").addEventListener("click", (event) => {
  const button = event.target.closest("button[data-translation-of]");
  if (!button) return;
  const id = Number(button.dataset.translationOf);
  if (originals.has(id)) originals.delete(id); else originals.add(id);
  room.list.update(id);
});

toggle.checked = window.localStorage.getItem(KEY) === "1";
toggle.addEventListener("change", () => {
  window.localStorage.setItem(KEY, toggle.checked ? "1" : "0");
  room.list.draw();
});
