// The room page: draws the state, applies live events, sends posts, votes and moderation.
import { LiveRoom } from "./live.js";
import { countText } from "./plurals.js";

const config = JSON.parse(document.getElementById("room-config").textContent);
const S = config.strings;
const $ = (id) => document.getElementById(id);

const state = { question: null, contributions: new Map(), clusters: new Map(), pending: [] };
const elements = new Map();  // contribution id -> <li>
let sortBy = "newest";
let languageFilter = "";

function fill(template, values) {
  return template.replace(/\{(\w+)\}/g, (_, key) => String(values[key] ?? ""));
}

// "3 agree", "1 supporter"…: the plural form of the person's language (see plurals.js).
function count(key, n) {
  return countText((config.plurals || {})[key], config.language, n, S[key]);
}

function el(tag, attrs = {}, text = null) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else node.setAttribute(key, value === true ? "" : value);
  }
  if (text !== null) node.textContent = text;  // user text is always text, never markup
  return node;
}

function divisiveness(c) {
  return Math.min(c.agree, c.disagree) * 1000 + (c.agree + c.disagree);
}

const ORDER = {
  newest: (a, b) => b.id - a.id,
  agreed: (a, b) => b.agree - a.agree || a.disagree - b.disagree || b.id - a.id,
  divisive: (a, b) => divisiveness(b) - divisiveness(a) || b.id - a.id,
};

function visible(c) {
  if (c.hidden && !config.seesHidden) return false;
  return !languageFilter || c.language === languageFilter;
}

function renderContribution(c) {
  const li = el("li", { class: "contribution", id: `c${c.id}`, "data-id": c.id, lang: c.language });
  if (c.hidden) li.classList.add("is-hidden");
  const head = el("div", { class: "contribution-meta" });
  head.append(el("span", { class: "author" }, c.author));
  head.append(el("span", { class: `badge badge-${c.role}` }, config.roleNames[c.role] || c.role));
  head.append(el("span", { class: "lang", title: config.languageNames[c.language] || c.language }, c.language.toUpperCase()));
  head.append(el("span", { class: "ref" }, `#${c.id}`));
  if (c.hidden) head.append(el("span", { class: "badge badge-hidden" }, S.hidden));
  li.append(head);
  li.append(el("p", { class: "contribution-text" }, c.text));
  const actions = el("div", { class: "contribution-actions" });
  const agree = el("button", { type: "button", class: "vote vote-agree", "data-vote": "1", "aria-pressed": String(c.my_vote === 1) });
  agree.append(el("span", {}, S.agree), el("span", { class: "count", "data-count": "agree" }, String(c.agree)));
  const disagree = el("button", { type: "button", class: "vote vote-disagree", "data-vote": "-1", "aria-pressed": String(c.my_vote === -1) });
  disagree.append(el("span", {}, S.disagree), el("span", { class: "count", "data-count": "disagree" }, String(c.disagree)));
  agree.setAttribute("aria-label", `${S.agree}: ${count("agreeCount", c.agree)}`);
  disagree.setAttribute("aria-label", `${S.disagree}: ${count("disagreeCount", c.disagree)}`);
  actions.append(agree, disagree);
  if (config.moderator) {
    actions.append(el("button", { type: "button", class: "link-button moderate", "data-action": c.hidden ? "restore" : "hide" },
      c.hidden ? S.restore : S.hide));
  }
  li.append(actions);
  return li;
}

function renderList() {
  const list = $("contributions");
  const items = [...state.contributions.values()].filter(visible).sort(ORDER[sortBy]);
  elements.clear();
  const fragment = document.createDocumentFragment();
  for (const c of items) {
    const li = renderContribution(c);
    elements.set(c.id, li);
    fragment.append(li);
  }
  for (const p of state.pending) {
    const li = el("li", { class: "contribution is-pending" });
    li.append(el("p", { class: "contribution-text" }, p.text), el("p", { class: "meta" }, S.waiting));
    fragment.prepend(li);
  }
  list.replaceChildren(fragment);
  $("contribution-count").textContent = String([...state.contributions.values()].filter((c) => !c.hidden).length);
  $("empty").hidden = items.length > 0 || state.pending.length > 0;
  document.dispatchEvent(new CustomEvent("room:rendered", { detail: state }));
}

let countsFrame = null;

// Other panels (cluster support) follow the counts, at most once per frame however many tallies came.
function countsChanged() {
  if (countsFrame) return;
  countsFrame = window.requestAnimationFrame(() => {
    countsFrame = null;
    document.dispatchEvent(new CustomEvent("room:counts", { detail: state }));
  });
}

function updateCounts(id, agree, disagree) {
  const c = state.contributions.get(id);
  if (!c) return;
  c.agree = agree;
  c.disagree = disagree;
  countsChanged();
  const li = elements.get(id);
  if (!li) return;
  li.querySelector('[data-count="agree"]').textContent = String(agree);
  li.querySelector('[data-count="disagree"]').textContent = String(disagree);
  li.querySelector(".vote-agree").setAttribute("aria-label", `${S.agree}: ${count("agreeCount", agree)}`);
  li.querySelector(".vote-disagree").setAttribute("aria-label", `${S.disagree}: ${count("disagreeCount", disagree)}`);
}

function setQuestion(q) {
  state.question = q;
  const closed = q.status !== "open";
  $("question-status").hidden = !closed;
  $("post-text").disabled = closed;
  $("post-submit").disabled = closed;
  $("post-error").textContent = closed ? S.closed : "";
  const toggle = $("toggle-status");
  if (toggle) toggle.textContent = closed ? S.open : S.close;
  document.dispatchEvent(new CustomEvent("room:question", { detail: q }));
}

function announce(text) {
  const announcer = $("announcer");
  announcer.textContent = "";
  window.setTimeout(() => { announcer.textContent = text; }, 50);
}

const handlers = {
  onConnection(status) {
    const node = $("connection");
    node.dataset.state = status;
    node.textContent = status === "connected" ? S.connected : S.offline;
  },
  onState(snapshot) {
    state.contributions = new Map(snapshot.contributions.map((c) => [c.id, c]));
    state.clusters = new Map(snapshot.clusters.map((c) => [c.id, c]));
    setQuestion(snapshot.question);
    $("presence-count").textContent = count("presence", snapshot.presence ?? 0);
    renderList();
    document.dispatchEvent(new CustomEvent("room:state", { detail: snapshot }));
  },
  onPending(pending) {
    state.pending = pending;
    renderList();
  },
  onRefused(post, error) {
    $("post-error").textContent = `${S.error} ${error.message}`;
    if (!$("post-text").value) {
      $("post-text").value = post.text;
      $("post-text").dispatchEvent(new Event("input"));
    }
  },
  onEvent(name, payload) {
    if (name === "tally") {
      for (const [id, [agree, disagree]] of Object.entries(payload.counts)) updateCounts(Number(id), agree, disagree);
    } else if (name === "contribution") {
      const known = state.contributions.get(payload.id);
      if (payload.hidden && !config.seesHidden) {
        if (known) { state.contributions.delete(payload.id); renderList(); }
        return;
      }
      const merged = { ...(known || {}), ...payload, my_vote: known ? known.my_vote : payload.my_vote ?? null };
      state.contributions.set(payload.id, merged);
      renderList();
      if (!known) announce(fill(S.newContribution, { name: payload.author }));
    } else if (name === "question") {
      const text = (payload.texts && payload.texts[config.language]) || payload.text;
      setQuestion({ ...payload, text });
    } else if (name === "presence") {
      $("presence-count").textContent = count("presence", payload.count);
    } else {
      document.dispatchEvent(new CustomEvent(`room:${name}`, { detail: payload }));
    }
  },
};

const live = new LiveRoom(config.questionId, handlers, S);
window.deliberateRoom = { live, state, config, renderList, el, announce, count };

$("post-text").addEventListener("input", () => {
  const length = $("post-text").value.trim().length;
  $("post-counter").textContent = `${length} / ${config.maxLength}`;
  $("post-counter").classList.toggle("over", length > config.maxLength);
});

$("post-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const box = $("post-text");
  const text = box.value.trim();
  $("post-error").textContent = "";
  if (!text) { $("post-error").textContent = S.empty; return; }
  if (text.length > config.maxLength) { $("post-error").textContent = S.tooLong; return; }
  box.value = "";
  $("post-counter").textContent = `0 / ${config.maxLength}`;
  const ack = await live.post(text, $("post-language").value || null);
  if (!ack.ok && !["offline", "timeout"].includes(ack.error.code)) {
    $("post-error").textContent = `${S.error} ${ack.error.message}`;
    box.value = text;
    box.dispatchEvent(new Event("input"));  // the counter follows the restored text
  }
});

$("contributions").addEventListener("click", async (event) => {
  const button = event.target.closest("button");
  if (!button) return;
  const li = button.closest("li[data-id]");
  if (!li) return;
  const id = Number(li.dataset.id);
  if (button.dataset.vote) {
    const c = state.contributions.get(id);
    const wanted = Number(button.dataset.vote);
    const value = c && c.my_vote === wanted ? 0 : wanted;
    const ack = await live.request("vote", { contribution_id: id, value });
    if (ack.ok) {
      c.my_vote = value;
      updateCounts(id, ack.agree, ack.disagree);
      li.querySelector(".vote-agree").setAttribute("aria-pressed", String(value === 1));
      li.querySelector(".vote-disagree").setAttribute("aria-pressed", String(value === -1));
    } else {
      $("post-error").textContent = `${S.error} ${ack.error.message}`;
    }
  } else if (button.dataset.action) {
    const ack = await live.request("moderate", { contribution_id: id, action: button.dataset.action });
    if (!ack.ok) $("post-error").textContent = `${S.error} ${ack.error.message}`;
  }
});

$("sort").addEventListener("change", (event) => { sortBy = event.target.value; renderList(); });
$("language-filter").addEventListener("change", (event) => { languageFilter = event.target.value; renderList(); });

const toggle = $("toggle-status");
if (toggle) {
  toggle.addEventListener("click", async () => {
    const status = state.question && state.question.status === "open" ? "closed" : "open";
    const response = await fetch(`/api/v1/questions/${config.questionId}`, {
      method: "PATCH",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ status }),
      credentials: "same-origin",
    });
    if (response.ok) setQuestion({ ...state.question, status });
  });
}
