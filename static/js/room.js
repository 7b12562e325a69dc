// The room page: its state, the one render function of a contribution, the one place where live events
// are applied (as patches), posting, voting and moderation. Other modules of the page (clusters.js,
// selection.js, and any later panel) hook in through window.deliberateRoom:
//   room.extendContribution((c, li, options) => …)  adds to each contribution's row as it is drawn;
//   room.on(eventName, (payload) => …)               runs after the room applied a live event
//                                                    (any server event, also ones the room does not know);
//   room.on("changed", (names) => …)                 once per frame after one or more events;
//   room.on("state", (snapshot) => …)                after a (re)join replaced the state;
//   room.list.update(id) / room.list.draw()          patch a row / draw the list again.
// The connection starts once every module of the page has registered (DOMContentLoaded).
import { KEEP_PENDING, LiveRoom } from "./live.js";
import { moderation } from "./agenda.js";
import { ContributionList, fold, PAGE_SIZE } from "./list.js";
import { countText, formatCount } from "./plurals.js";

const config = JSON.parse(document.getElementById("room-config").textContent);
const S = config.strings;
const $ = (id) => document.getElementById(id);

const state = { question: null, contributions: new Map(), clusters: new Map(), pending: [] };
const selection = new Set();  // ids of the contributions picked for a bulk move
const hooks = { contribution: [], events: new Map() };

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

function on(name, fn) {
  if (!hooks.events.has(name)) hooks.events.set(name, []);
  hooks.events.get(name).push(fn);
}

function emit(name, payload) {
  for (const fn of hooks.events.get(name) || []) fn(payload);
  document.dispatchEvent(new CustomEvent(`room:${name}`, { detail: payload }));
}

let changedFrame = null;
const changedNames = new Set();

// Panels that summarise the whole room (clusters, coverage…) follow at most once per frame.
function changed(name) {
  changedNames.add(name);
  if (changedFrame) return;
  changedFrame = window.requestAnimationFrame(() => {
    changedFrame = null;
    const names = new Set(changedNames);
    changedNames.clear();
    emit("changed", names);
  });
}

function voteButton(c, value) {
  const agree = value === 1;
  const label = agree ? S.agree : S.disagree;
  const n = agree ? c.agree : c.disagree;
  const button = el("button", {
    type: "button",
    class: `vote ${agree ? "vote-agree" : "vote-disagree"}`,
    "data-vote": String(value),
    "aria-pressed": String(c.my_vote === value),
  });
  // Its accessible name is what it shows ("Agree 3"): no aria-label that a voice user could not say.
  button.append(el("span", {}, label), " ", el("span", { class: "count", "data-count": agree ? "agree" : "disagree" }, formatCount(config.language, n)));
  return button;
}

function clusterMenu(c) {
  const select = el("select", { class: "cluster-select", "aria-label": `${S.cluster} #${c.id}`, "data-draft": "" });
  // Exactly one option carries `selected`: morphdom sets a patched menu's choice from that attribute.
  select.append(el("option", { value: "", selected: !state.clusters.has(c.cluster_id) }, S.noCluster));
  for (const cluster of [...state.clusters.values()].sort((a, b) => a.id - b.id)) {
    select.append(el("option", { value: cluster.id, selected: cluster.id === c.cluster_id }, cluster.label));
  }
  return select;
}

// The one render function of a contribution: a fresh <li>, patched onto the page by list.js.
function renderContribution(c, options = {}) {
  const picked = selection.has(c.id);
  const classes = ["contribution"];
  if (c.hidden) classes.push("is-hidden");
  if (picked) classes.push("is-selected");
  if (options.stale) classes.push("is-stale");
  if (room.seenBefore && c.id > room.seenBefore) classes.push("is-new");
  const li = el("li", { class: classes.join(" "), id: `c${c.id}`, "data-id": c.id, lang: c.language, draggable: config.mayCluster ? "true" : null });
  const head = el("div", { class: "contribution-meta" });
  if (config.mayCluster) {
    head.append(el("input", { type: "checkbox", class: "pick", "aria-label": fill(S.select, { id: c.id }), checked: picked }));
  }
  head.append(el("span", { class: "author" }, c.author));
  head.append(el("span", { class: `badge badge-${c.role}` }, config.roleNames[c.role] || c.role));
  head.append(el("span", { class: "lang", title: config.languageNames[c.language] || c.language }, c.language.toUpperCase()));
  head.append(el("span", { class: "ref" }, `#${c.id}`));
  if (c.hidden) head.append(el("span", { class: "badge badge-hidden" }, S.hidden));
  const cluster = state.clusters.get(c.cluster_id);
  if (cluster) head.append(el("span", { class: "badge badge-cluster" }, cluster.label));
  li.append(head);
  li.append(el("p", { class: "contribution-text" }, c.text));
  const actions = el("div", { class: "contribution-actions" });
  actions.append(voteButton(c, 1), voteButton(c, -1));
  if (config.moderator) {
    actions.append(el("button", { type: "button", class: "link-button moderate", "data-action": c.hidden ? "restore" : "hide" },
      c.hidden ? S.restore : S.hide));
  }
  if (config.mayCluster) {
    // Choosing in the menu changes nothing yet: Enter or the button commits (arrow keys only browse).
    actions.append(clusterMenu(c), el("button", { type: "button", class: "link-button cluster-move" }, S.move));
  }
  li.append(actions);
  for (const extend of hooks.contribution) extend(c, li, options);
  return li;
}

function pendingRows() {
  return state.pending.map((p) => {
    const li = el("li", { class: "contribution is-pending", id: `pending-${p.client_id}` });
    li.append(el("p", { class: "contribution-text" }, p.text), el("p", { class: "meta" }, S.waiting));
    return li;
  });
}

// The counts, the pager and the "N new" button follow the list after every change to it.
function listChanged() {
  const total = [...state.contributions.values()].filter((c) => !c.hidden).length;
  $("contribution-count").textContent = formatCount(config.language, total);
  const shown = list.order.length;
  const first = shown ? list.view.page * PAGE_SIZE + 1 : 0;
  const last = Math.min(shown, (list.view.page + 1) * PAGE_SIZE);
  const n = (value) => formatCount(config.language, value);
  $("shown-count").textContent = fill(S.shown, { first: n(first), last: n(last), shown: n(shown) });
  $("page-of").textContent = fill(S.pageOf, { page: n(list.view.page + 1), pages: n(list.pages()) });
  $("page-previous").disabled = list.view.page === 0;
  $("page-next").disabled = list.view.page >= list.pages() - 1;
  $("pager").hidden = list.pages() < 2;
  $("empty").hidden = shown > 0 || state.pending.length > 0;
  const arrived = list.arrived.size;
  $("show-new").hidden = arrived === 0;
  $("show-new").textContent = count("arrived", arrived);
}

function announce(text) {
  const announcer = $("announcer");
  announcer.textContent = "";
  window.setTimeout(() => { announcer.textContent = text; }, 50);
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
}

function refused(ack) {
  if (!ack.ok) $("post-error").textContent = `${S.error} ${ack.error.message}`;
  return ack;
}

// --- live events: the one place where they change the state and the page --------------------------

// Others' votes change the counts the person is on: say the new ones (only for the row they are in,
// so a busy room does not talk over them).
function announceTally(counts) {
  const row = document.activeElement && document.activeElement.closest("#contributions li[data-id]");
  const changedCounts = row && counts[row.dataset.id];
  if (!changedCounts) return;
  announceCounts(row.dataset.id, ...changedCounts);
}

function announceCounts(id, agree, disagree) {
  announce(`#${id}: ${count("agreeCount", agree)}, ${count("disagreeCount", disagree)}`);
}

// One's own posts: "posted" is said once the server has it, never "new contribution from" oneself.
const ownPosts = new Set();
const postedElsewhere = new Set();  // this person's posts, from any of their pages (own_contribution)

function posted(id) {
  if (ownPosts.has(id)) return;  // said once, whichever of its answer and its room copy came first
  ownPosts.add(id);
  announce(S.posted);
}

function setCounts(id, agree, disagree) {
  const c = state.contributions.get(id);
  if (!c) return;
  c.agree = agree;
  c.disagree = disagree;
  list.update(id);
}

function updateAllRows() {
  for (const id of list.rows.keys()) list.update(id);
}

const appliers = {
  tally(payload) {
    for (const [id, [agree, disagree]] of Object.entries(payload.counts)) setCounts(Number(id), agree, disagree);
    announceTally(payload.counts);
  },
  contribution(payload) {
    const known = state.contributions.get(payload.id);
    if (payload.hidden && !config.seesHidden) {
      if (known) { state.contributions.delete(payload.id); selection.delete(payload.id); list.remove(payload.id); }
      return;
    }
    state.contributions.set(payload.id, { ...(known || {}), ...payload, my_vote: known ? known.my_vote : payload.my_vote ?? null });
    // The room's copy of one's own post usually comes before its answer, and a post kept pending
    // while offline comes back with no form waiting for it: both are still pending here, by text.
    const pendingHere = state.pending.some((p) => p.text === payload.text);
    if (known) list.update(payload.id);
    else {
      list.add(payload.id);
      const mine = pendingHere || ownPosts.has(payload.id) || postedElsewhere.has(payload.id);
      if (!mine) announce(fill(S.newContribution, { name: payload.author }));
    }
    if (pendingHere) posted(payload.id);
  },
  own_contribution(payload) {
    postedElsewhere.add(payload.id);  // from another of this person's pages: not news to them
  },
  cluster(payload) {
    const known = state.clusters.get(payload.id);
    state.clusters.set(payload.id, { ...(known || {}), ...payload });
    if (!known || known.label !== payload.label) updateAllRows();  // menus and badges name it
  },
  cluster_deleted(payload) {
    state.clusters.delete(payload.id);
    for (const c of state.contributions.values()) if (c.cluster_id === payload.id) c.cluster_id = payload.into_id ?? null;
    updateAllRows();
  },
  cluster_assigned(payload) {
    for (const id of payload.contribution_ids) {
      const c = state.contributions.get(id);
      if (c) { c.cluster_id = payload.cluster_id; list.update(id); }
    }
  },
  question(payload) {
    const text = (payload.texts && payload.texts[config.language]) || payload.text;
    setQuestion({ ...payload, text });
  },
  presence(payload) {
    $("presence-count").textContent = count("presence", payload.count);
  },
};

function apply(name, payload) {
  if (appliers[name]) appliers[name](payload);
  emit(name, payload);
  changed(name);
}

const handlers = {
  onConnection(status) {
    const node = $("connection");
    node.dataset.state = status;
    node.textContent = status === "connected" ? S.connected : S.offline;
  },
  // Redis away: this page hears only the events of its own server until it is back (see live.js).
  onDegraded(degraded) {
    const node = $("connection");
    if (node.dataset.state === "offline") return;
    node.dataset.state = degraded ? "degraded" : "connected";
    node.textContent = degraded ? S.degraded : S.connected;
  },
  onState(snapshot) {
    if (!room.interactiveAt) performance.mark("room-state-received");
    state.contributions = new Map(snapshot.contributions.map((c) => [c.id, c]));
    state.clusters = new Map(snapshot.clusters.map((c) => [c.id, c]));
    for (const id of [...selection]) if (!state.contributions.has(id)) selection.delete(id);
    if (room.seenBefore === null) room.seenBefore = storedSeen();
    setQuestion(snapshot.question);
    $("presence-count").textContent = count("presence", snapshot.presence ?? 0);
    list.draw();
    emit("state", snapshot);
    changed("state");
    if (!room.interactiveAt) {
      room.interactiveAt = performance.now();
      performance.mark("room-interactive");
    }
  },
  onPending(pending) {
    state.pending = pending;
    // Pending posts sit above the first page's rows; only they are redrawn.
    for (const li of list.node.querySelectorAll(":scope > li.is-pending")) li.remove();
    if (list.view.page === 0) list.node.prepend(...pendingRows());
    listChanged();
  },
  onRefused(post, error) {
    $("post-error").textContent = `${S.error} ${error.message}`;
    if (!$("post-text").value) {
      $("post-text").value = post.text;
      $("post-text").dispatchEvent(new Event("input"));
    }
  },
  onEvent: apply,
};

// --- "new since I looked": the newest id seen, kept per question in this browser -------------------

const seenKey = `deliberate:seen:${config.questionId}`;

// On a first visit nothing is "new": only what arrives from then on.
function storedSeen() {
  let stored = null;
  try { stored = localStorage.getItem(seenKey); } catch { /* private mode */ }
  return stored === null ? rememberSeen() : Number(stored);
}

function rememberSeen() {
  const newest = Math.max(0, ...state.contributions.keys());
  try { localStorage.setItem(seenKey, String(newest)); } catch { /* private mode */ }
  return newest;
}

window.addEventListener("pagehide", rememberSeen);
document.addEventListener("visibilitychange", () => { if (document.visibilityState === "hidden") rememberSeen(); });

// --- the shared object ------------------------------------------------------------------------------

const room = {
  config, state, selection, el, fill, count, announce, refused, on, apply, fold,
  renderContribution, pendingRows, listChanged,
  extendContribution(fn) { hooks.contribution.push(fn); },
  seenBefore: null,
  interactiveAt: null,
  markSeen() { room.seenBefore = rememberSeen(); list.draw(); },
};
const list = new ContributionList(room, $("contributions"));
room.list = list;
window.deliberateRoom = room;

// --- the person's own actions -------------------------------------------------------------------------

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
  const ack = await room.live.post(text, $("post-language").value || null);
  if (ack.ok) {
    posted(ack.contribution.id);
    // One's own post is shown at once, even while reading further down.
    if (!list.rows.has(ack.contribution.id) && list.matches(state.contributions.get(ack.contribution.id))) list.showArrived();
  } else if (!KEEP_PENDING.includes(ack.error.code)) {
    $("post-error").textContent = `${S.error} ${ack.error.message}`;
    box.value = text;
    box.dispatchEvent(new Event("input"));  // the counter follows the restored text
  }
});

async function vote(id, wanted) {
  const c = state.contributions.get(id);
  const value = c && c.my_vote === wanted ? 0 : wanted;
  const ack = await room.live.request("vote", { contribution_id: id, value });
  if (!ack.ok) { refused(ack); return; }
  c.my_vote = value;
  setCounts(id, ack.agree, ack.disagree);
  announceCounts(id, ack.agree, ack.disagree);
  changed("tally");
}

$("contributions").addEventListener("click", async (event) => {
  const button = event.target.closest("button");
  const li = button && button.closest("li[data-id]");
  if (!li) return;
  const id = Number(li.dataset.id);
  if (button.dataset.vote) await vote(id, Number(button.dataset.vote));
  else if (button.dataset.action) refused(await room.live.request("moderate", moderation(id, button.dataset.action)));
});

// --- search, filters, sort, pages -------------------------------------------------------------------

let searchTimer = null;
$("search").addEventListener("input", (event) => {
  window.clearTimeout(searchTimer);
  searchTimer = window.setTimeout(() => list.set({ search: fold(event.target.value.trim()) }), 120);
});
$("search").addEventListener("keydown", (event) => {
  if (event.key === "Enter") { event.preventDefault(); window.clearTimeout(searchTimer); list.set({ search: fold(event.target.value.trim()) }); }
});
for (const [id, key] of [["sort", "sort"], ["language-filter", "language"], ["role-filter", "role"], ["cluster-filter", "cluster"]]) {
  const node = $(id);
  if (node) node.addEventListener("change", () => list.set({ [key]: node.value }));
}
for (const [id, key] of [["hidden-filter", "hidden"], ["new-filter", "fresh"]]) {
  const node = $(id);
  if (node) node.addEventListener("change", () => list.set({ [key]: node.checked }));
}
$("mark-seen").addEventListener("click", () => room.markSeen());
$("page-previous").addEventListener("click", () => { list.set({ page: list.view.page - 1 }); $("contributions-h").scrollIntoView(); });
$("page-next").addEventListener("click", () => { list.set({ page: list.view.page + 1 }); $("contributions-h").scrollIntoView(); });
$("show-new").addEventListener("click", () => {
  list.showArrived();
  const first = list.node.querySelector("li[data-id] button, li[data-id] input");
  if (first) first.focus();
});

// The cluster filter lists the clusters as they come and go.
on("changed", () => {
  const select = $("cluster-filter");
  const wanted = [["", S.allClusters], ["none", S.unclustered],
    ...[...state.clusters.values()].sort((a, b) => a.id - b.id).map((c) => [String(c.id), c.label])];
  const current = [...select.options].map((o) => [o.value, o.textContent]);
  if (JSON.stringify(current) === JSON.stringify(wanted)) return;
  const value = select.value;
  select.replaceChildren(...wanted.map(([v, label]) => el("option", { value: v }, label)));
  select.value = wanted.some(([v]) => v === value) ? value : "";
});

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

// Every module of the page has registered its hooks by now: connect.
document.addEventListener("DOMContentLoaded", () => {
  room.live = new LiveRoom(config.questionId, handlers, S);
});
