// Counts in the person's language: the page passes each count's plural forms ({"one": "{n} …",
// "other": "{n} …"}, from ngettext) and Intl.PluralRules picks one (French counts 0 and 1 as "one").

const rules = new Map();

function category(language, n) {
  if (!window.Intl || !Intl.PluralRules) return n === 1 ? "one" : "other";
  if (!rules.has(language)) {
    try { rules.set(language, new Intl.PluralRules(language)); } catch { rules.set(language, new Intl.PluralRules("en")); }
  }
  return rules.get(language).select(n);
}

// 12345 -> "12 345" (fr), "12,345" (en), "12.345" (es).
const numbers = new Map();
export function formatCount(language, n) {
  if (!window.Intl || !Intl.NumberFormat) return String(n);
  if (!numbers.has(language)) {
    try { numbers.set(language, new Intl.NumberFormat(language)); } catch { numbers.set(language, new Intl.NumberFormat("en")); }
  }
  return numbers.get(language).format(n);
}

// The text for n, with {n} filled in; `fallback` (a single "{n} …" form) when the page gave no forms.
export function countText(forms, language, n, fallback = "{n}") {
  const template = forms ? (forms[category(language, n)] ?? forms.other ?? fallback) : fallback;
  return template.replace(/\{n\}/g, formatCount(language, n));
}
