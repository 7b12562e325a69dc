// Clusters in the room: the panel (one render function per cluster, patched in place so that a rename,
// a merge choice or a synthesis being written survives every live update), cluster tools, syntheses
// with preview, coverage, suggested themes, and the panel's place on narrow screens. Assigning
// contributions (menus, selection, drag and drop) is grouping.js.
import { followJob } from "./jobs.js";
import { clean, patchChildren } from "./morph.js";

const room = window.deliberateRoom;
const { config, state, el, announce, count } = room;
const S = config.strings;
const $ = (id) => document.getElementById(id);

function report(ack) {
  if (!ack.ok) $("post-error").textContent = `${S.error} ${ack.error.message}`;
  return ack;
}

async function api(method, url, body) {
  const response = await fetch(url, {
    method,
    headers: body === undefined ? {} : { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: "same-origin",
  });
  const data = response.status === 204 ? {} : await response.json();
  if (!response.ok) $("post-error").textContent = `${S.error} ${data.error ? data.error.message : response.status}`;
  return { ok: response.ok, data };
}

// --- the panel ------------------------------------------------------------------------------------

const MEMBERS_SHOWN = 20;
const renaming = new Set();  // clusters whose label is being edited
const drafted = new Set();  // synthesis editors holding an unsaved draft (their mark survives re-renders)

function membersByCluster() {
  const groups = new Map();
  for (const c of state.contributions.values()) {
    if (c.hidden || !c.cluster_id) continue;
    if (!groups.has(c.cluster_id)) groups.set(c.cluster_id, []);
    groups.get(c.cluster_id).push(c);
  }
  return groups;
}

function renderCluster(cluster, inside) {
  const agree = inside.reduce((n, c) => n + c.agree, 0);
  const disagree = inside.reduce((n, c) => n + c.disagree, 0);
  const li = el("li", { class: "cluster", id: `cluster-${cluster.id}`, "data-cluster-id": cluster.id });
  const head = el("div", { class: "cluster-head" });
  if (renaming.has(cluster.id)) {
    const id = `cluster-label-${cluster.id}`;
    const form = el("div", { class: "inline-form rename" });
    const input = el("input", { id, class: "cluster-label-input", maxlength: "120", value: cluster.label, "data-draft": "",
      "aria-label": `${S.rename}: ${cluster.label}` });
    form.append(input,
      el("button", { type: "button", class: "button", "data-cluster-action": "rename-save" }, S.save),
      el("button", { type: "button", class: "link-button", "data-cluster-action": "rename-cancel" }, S.cancel));
    head.append(form);
  } else {
    head.append(el("h3", { class: "cluster-label" }, cluster.label));
  }
  head.append(el("p", { class: "meta" },
    `${count("contributionsCount", inside.length)} · ▲ ${agree} · ▼ ${disagree} · ${count("supporters", cluster.supporters ?? 0)}`));
  li.append(head);
  if (config.mayCluster) {
    li.append(el("p", { class: "drop-hint meta" }, S.dropHere));
    const tools = el("div", { class: "cluster-tools" });
    if (!renaming.has(cluster.id)) tools.append(el("button", { type: "button", class: "link-button", "data-cluster-action": "rename" }, S.rename));
    tools.append(el("button", { type: "button", class: "link-button", "data-cluster-action": "delete" }, S.delete));
    tools.append(el("button", { type: "button", class: "link-button", "data-cluster-action": "show" }, S.showInList));
    const others = [...state.clusters.values()].filter((c) => c.id !== cluster.id);
    if (others.length) {
      const select = el("select", { id: `merge-target-${cluster.id}`, "aria-label": `${S.mergeInto}: ${cluster.label}`, "data-merge-target": "", "data-draft": "" });
      others.forEach((other, i) => select.append(el("option", { value: other.id, selected: i === 0 }, other.label)));
      tools.append(el("span", {}, `${S.mergeInto} `), select,
        el("button", { type: "button", class: "link-button", "data-cluster-action": "merge" }, S.merge));
    }
    li.append(tools);
  }
  const list = el("ul", { class: "cluster-members" });
  for (const c of inside.slice(0, MEMBERS_SHOWN)) {
    list.append(quotedItem(c.id, c.text.length > 120 ? `${c.text.slice(0, 117)}…` : c.text, c.language));
  }
  li.append(list);
  if (inside.length > MEMBERS_SHOWN) li.append(el("p", { class: "meta" }, room.fill(S.andMore, { n: inside.length - MEMBERS_SHOWN })));
  if (config.moderator) {
    const id = `cluster-synthesis-${cluster.id}`;
    const editor = el("div", { class: "synthesis-editor" });
    editor.append(el("label", { for: id }, S.synthesis));
    if (drafted.has(id)) editor.append(el("p", { class: "draft-mark", role: "status" }, S.draftNotSaved));
    const area = el("textarea", { id, rows: "3", "data-draft": "", "data-saved": cluster.synthesis || "" });
    area.value = cluster.synthesis || "";
    area.textContent = cluster.synthesis || "";
    editor.append(area);
    const actions = el("div", { class: "actions" });
    actions.append(el("button", { type: "button", class: "button", "data-preview": id }, S.preview));
    actions.append(el("button", { type: "button", class: "button", "data-draft-for": id,
      "data-draft-url": `/api/v1/clusters/${cluster.id}/draft` }, S.makeDraft));
    actions.append(el("button", { type: "button", class: "button primary", "data-cluster-action": "synthesis" }, S.save));
    editor.append(actions);
    li.append(editor);
  } else if (cluster.synthesis_html) {
    const view = el("div", { class: "cluster-synthesis" });
    view.innerHTML = cluster.synthesis_html;  // sanitised by the server (nh3)
    li.append(view);
  }
  return li;
}

// The panel follows the room: each cluster's <li> is patched in place (keyed by id); an editor the
// person is using (focused, or holding unsaved text) is never touched, and previews stay open.
function renderPanel() {
  const groups = membersByCluster();
  const ordered = [...state.clusters.values()].sort((a, b) => (a.position - b.position) || (a.id - b.id));
  const fresh = ordered.map((cluster) => renderCluster(cluster, groups.get(cluster.id) || []));
  const previews = new Map([...$("clusters").querySelectorAll(".preview")].map((node) => [node.id, node]));
  for (const li of fresh) {
    const area = li.querySelector("textarea");
    if (area && previews.has(`${area.id}-preview`)) li.querySelector(".synthesis-editor").append(previews.get(`${area.id}-preview`).cloneNode(true));
  }
  patchChildren($("clusters"), fresh);
  $("no-clusters").hidden = ordered.length > 0;
  $("clusters-toggle-count").textContent = String(ordered.length);
}

// --- cluster tools -----------------------------------------------------------------------------------

$("clusters").addEventListener("click", async (event) => {
  const button = event.target.closest("[data-cluster-action]");
  if (!button) return;
  const li = button.closest(".cluster");
  const id = Number(li.dataset.clusterId);
  const action = button.dataset.clusterAction;
  if (action === "rename") {
    renaming.add(id);
    renderPanel();
    $(`cluster-label-${id}`).focus();
  } else if (action === "rename-save") {
    await saveLabel(id);
  } else if (action === "rename-cancel") {
    stopRenaming(id);
  } else if (action === "delete") {
    if (window.confirm(S.confirmDelete)) report(await room.live.request("cluster_delete", { cluster_id: id }));
  } else if (action === "merge") {
    const select = li.querySelector("[data-merge-target]");
    clean(select);
    report(await room.live.request("cluster_merge", { cluster_id: id, into_id: Number(select.value) }));
  } else if (action === "show") {
    $("cluster-filter").value = String(id);
    room.list.set({ cluster: String(id) });
    $("contributions-h").scrollIntoView();
  } else if (action === "synthesis") {
    const area = li.querySelector("textarea");
    const { ok } = await api("PATCH", `/api/v1/clusters/${id}`, { synthesis: area.value });
    if (ok) { area.dataset.saved = area.value; clean(area); markDraft(area, false); announce(S.saved); refreshCoverage(); }
  }
});

function stopRenaming(id) {
  renaming.delete(id);
  renderPanel();
  const rename = document.querySelector(`#cluster-${id} [data-cluster-action=rename]`);
  if (rename) rename.focus();
}

async function saveLabel(id) {
  const input = $(`cluster-label-${id}`);
  const label = input.value.trim();
  if (!label) return;
  const { ok } = await api("PATCH", `/api/v1/clusters/${id}`, { label });
  if (ok) {
    state.clusters.set(id, { ...state.clusters.get(id), label });
    stopRenaming(id);
  }
}

$("clusters").addEventListener("keydown", (event) => {
  const input = event.target.closest(".cluster-label-input");
  if (!input) return;
  const id = Number(input.closest(".cluster").dataset.clusterId);
  if (event.key === "Enter") { event.preventDefault(); saveLabel(id); }
  if (event.key === "Escape") { event.preventDefault(); stopRenaming(id); }
});

const newCluster = $("new-cluster");
if (newCluster) {
  newCluster.addEventListener("submit", async (event) => {
    event.preventDefault();
    const input = $("new-cluster-label");
    const label = input.value.trim();
    if (!label) return;
    const ack = report(await room.live.request("cluster_create", { question_id: config.questionId, label }));
    if (ack.ok) input.value = "";
  });
}

// On narrow screens the panel is a drawer: one button opens it, Escape or the same button closes it.
const drawer = $("clusters-toggle");
function openDrawer(open) {
  document.body.classList.toggle("clusters-open", open);
  drawer.setAttribute("aria-expanded", String(open));
  if (open) $("clusters-h").focus();
}
// From the list, one action reaches the panel (and its first control) on any screen.
$("to-clusters").addEventListener("click", (event) => {
  event.preventDefault();
  if (window.getComputedStyle(drawer).display !== "none") openDrawer(true);
  else { $("clusters-h").scrollIntoView({ block: "nearest" }); $("clusters-h").focus(); }
});
drawer.addEventListener("click", () => openDrawer(!document.body.classList.contains("clusters-open")));
$("clusters-panel").addEventListener("keydown", (event) => {
  if (event.key === "Escape" && document.body.classList.contains("clusters-open")) { openDrawer(false); drawer.focus(); }
});

// --- syntheses and coverage (moderators) -----------------------------------------------------------

document.addEventListener("click", async (event) => {
  const button = event.target.closest("[data-preview]");
  if (!button) return;
  const source = $(button.dataset.preview);
  const { ok, data } = await api("POST", `/api/v1/questions/${config.questionId}/synthesis-preview`, { markdown: source.value });
  let target = $(`${button.dataset.preview}-preview`);
  if (!target) {
    target = el("div", { class: "preview", id: `${button.dataset.preview}-preview` });
    source.closest(".synthesis-editor").append(target);
  }
  if (ok) {
    // The server sanitised this HTML with nh3; it is the only markup the page inserts.
    target.innerHTML = data.html;
    if (data.unknown_references && data.unknown_references.length) {
      target.prepend(el("p", { class: "warning unknown-references", role: "alert" },
        `${S.unknownReferences} ${data.unknown_references.map((cid) => `#${cid}`).join(", ")}`));
    }
    target.hidden = false;
  }
});

// A draft synthesis (built by the server from the contributions, citing them) fills the editor,
// marked as a draft until the moderator saves it.
function markDraft(area, on) {
  if (on) drafted.add(area.id); else drafted.delete(area.id);
  const editor = area.closest(".synthesis-editor");
  let mark = editor.querySelector(".draft-mark");
  if (on && !mark) {
    mark = el("p", { class: "draft-mark", role: "status" }, S.draftNotSaved);
    area.before(mark);
  } else if (!on && mark) {
    mark.remove();
  }
}

document.addEventListener("click", async (event) => {
  const button = event.target.closest("[data-draft-for]");
  if (!button) return;
  const area = $(button.dataset.draftFor);
  const language = $("draft-language") ? $("draft-language").value : undefined;
  button.disabled = true;
  const { ok, data } = await api("POST", button.dataset.draftUrl, language ? { language } : {});
  button.disabled = false;
  if (!ok) return;
  area.value = data.markdown;
  area.dispatchEvent(new Event("input", { bubbles: true }));
  markDraft(area, true);
  area.focus();
});

async function refreshCoverage() {
  const box = $("coverage");
  if (!box) return;
  const { ok, data } = await api("GET", `/api/v1/questions/${config.questionId}/coverage`);
  if (!ok) return;
  const names = data.clusters_not_mentioned.map((id) => (state.clusters.get(id) || { label: `#${id}` }).label);
  const parts = [];
  if (names.length) parts.push(el("p", {}, `${S.notMentioned} ${names.join(", ")}`));
  if (data.languages_not_mentioned.length) {
    parts.push(el("p", {}, `${S.languagesNotMentioned} ${data.languages_not_mentioned.map((l) => l.toUpperCase()).join(", ")}`));
  }
  // "Everything covered" only when there is something to cover and something written that covers it.
  if (!data.contributions) parts.splice(0, parts.length, el("p", {}, S.nothingToCover));
  else if (!data.written) parts.unshift(el("p", {}, S.nothingWritten));
  if (!parts.length) parts.push(el("p", {}, S.allCovered));
  box.replaceChildren(...parts);
}

// Cluster events (created, renamed, assigned to, merged, deleted) change what is covered; a burst of
// them (accepting several suggestions) asks the server once.
let coverageTimer = null;
function refreshCoverageSoon() {
  if (!$("coverage")) return;
  window.clearTimeout(coverageTimer);
  coverageTimer = window.setTimeout(refreshCoverage, 250);
}

const saveQuestion = $("save-question-synthesis");
if (saveQuestion) {
  saveQuestion.addEventListener("click", async () => {
    const { ok } = await api("PATCH", `/api/v1/questions/${config.questionId}`, { synthesis: $("question-synthesis").value });
    if (ok) { markDraft($("question-synthesis"), false); announce(S.saved); refreshCoverage(); }
  });
}

// --- suggested themes ----------------------------------------------------------------------------

let suggestions = [];

// One suggested theme: its label (or the cluster it fits), size, languages, support and the
// contributions that represent it best.
// "#12 text": the contribution's text in its own language (the page around it is in the reader's).
function quotedItem(id, text, language) {
  const li = el("li", {}, `#${id} `);
  li.append(el("span", { lang: language || null }, text));
  return li;
}

function renderSuggestion(s, i) {
  const li = el("li", { class: "suggestion", "data-cluster-id": s.cluster_id || "" });
  const id = `suggestion-${i}`;
  const box = el("input", { type: "checkbox", id, checked: true, "data-index": i });
  const target = s.cluster_id ? S.intoCluster.replace("{label}", s.label) : s.label;
  const label = el("label", { for: id }, `${target} (${s.contribution_ids.length})`);
  const languages = Object.entries(s.languages || {}).map(([lang, n]) => `${lang.toUpperCase()} ${n}`).join(" · ");
  const figures = el("p", { class: "meta" },
    [languages, count("agreeCount", (s.support || {}).agree || 0), count("disagreeCount", (s.support || {}).disagree || 0)]
      .filter(Boolean).join(" · "));
  const shown = (s.representative_ids && s.representative_ids.length ? s.representative_ids : s.contribution_ids).slice(0, 3);
  const sample = el("ul", { class: "meta representatives" });  // el() takes text, not children
  sample.append(...shown.map((cid) =>
    quotedItem(cid, (state.contributions.get(cid) || { text: "" }).text.slice(0, 120),
      (state.contributions.get(cid) || {}).language)));
  li.append(box, label, figures, sample);
  return li;
}

const suggest = $("suggest");
if (suggest) {
  const bar = $("suggestion-progress");
  const showSuggestions = (result) => {
    bar.hidden = true;
    suggestions = result.suggestions;
    $("suggestion-features").textContent = result.features === "ngrams" ? S.featuresNgrams : S.featuresModel;
    if (!suggestions.length) { $("suggestion-list").replaceChildren(el("li", {}, S.noSuggestions)); return; }
    $("suggestion-list").replaceChildren(...suggestions.map(renderSuggestion));
  };
  suggest.addEventListener("click", async () => {
    $("suggestions").hidden = false;
    $("suggestion-list").replaceChildren(el("li", {}, S.suggesting));
    bar.hidden = false;
    bar.removeAttribute("value");
    // A job in a worker: its progress comes over this page's socket, to this moderator only.
    const { ok, data } = await api("POST", `/api/v1/questions/${config.questionId}/cluster-suggestions?wait=0`, {});
    if (!ok) { bar.hidden = true; return; }
    followJob(data.job, (job) => {
      const { done, total } = job.progress;
      if (total) { bar.max = total; bar.value = done; }
      if (job.state === "done") showSuggestions(job.result);
      else if (job.state === "failed") {
        bar.hidden = true;
        $("suggestion-list").replaceChildren(el("li", {}, `${S.error} ${job.error.message}`));
      }
    });
  });
  $("dismiss-suggestions").addEventListener("click", () => { $("suggestions").hidden = true; suggestions = []; });
  $("accept-suggestions").addEventListener("click", async () => {
    const chosen = [...document.querySelectorAll("#suggestion-list input:checked")].map((box) => suggestions[Number(box.dataset.index)]);
    for (const s of chosen) {
      report(await room.live.request("suggestion_accept", {
        question_id: config.questionId, label: s.label, contribution_ids: s.contribution_ids, cluster_id: s.cluster_id,
      }));
    }
    $("suggestions").hidden = true;
    suggestions = [];
  });
}

// --- live suggested cluster for each new contribution ----------------------------------------------
// The server tells the staff which cluster a new contribution fits, and how sure it is. The row shows
// it; the button or the "s" key on the focused row accepts it (one cluster_assign).

const liveSuggestions = new Map();  // contribution id -> {cluster_id, confidence}

room.on("cluster_suggestion", (payload) => {
  liveSuggestions.set(payload.contribution_id, payload);
  if (state.contributions.has(payload.contribution_id)) room.list.update(payload.contribution_id);
});

room.extendContribution((c, li) => {
  const suggestion = liveSuggestions.get(c.id);
  const cluster = suggestion && state.clusters.get(suggestion.cluster_id);
  if (!config.mayCluster || !cluster || c.cluster_id) return;
  const sure = `${Math.round(suggestion.confidence * 100)} %`;
  li.querySelector(".contribution-actions").append(el("button", {
    type: "button", class: "button live-suggestion", "data-accept-suggestion": c.id, "aria-keyshortcuts": "s",
    title: S.acceptKey,
  }, S.liveSuggestion.replace("{label}", cluster.label).replace("{sure}", sure)));
});

async function acceptLive(id) {
  const suggestion = liveSuggestions.get(id);
  if (!suggestion) return;
  const ack = report(await room.live.request("cluster_assign", { contribution_id: id, cluster_id: suggestion.cluster_id }));
  if (ack.ok) {
    liveSuggestions.delete(id);
    const c = state.contributions.get(id);
    if (c) { c.cluster_id = suggestion.cluster_id; room.list.update(id); }
    const cluster = state.clusters.get(suggestion.cluster_id);
    announce(S.moved.replace("{n}", "1").replace("{cluster}", cluster ? cluster.label : ""));
  }
}

document.addEventListener("click", (event) => {
  const button = event.target.closest && event.target.closest("[data-accept-suggestion]");
  if (button) acceptLive(Number(button.dataset.acceptSuggestion));
});
document.addEventListener("keydown", (event) => {
  if (event.key !== "s" || event.ctrlKey || event.metaKey || event.altKey) return;
  const row = event.target.closest && event.target.closest("#contributions li[data-id]");
  if (!row || (event.target.matches("textarea, select, input:not([type=checkbox])"))) return;
  const id = Number(row.dataset.id);
  if (!liveSuggestions.has(id)) return;
  event.preventDefault();
  acceptLive(id);
});

// --- live updates --------------------------------------------------------------------------------

room.on("state", (snapshot) => {
  const q = snapshot.question;
  const box = $("question-synthesis");
  if (box && !box.dataset.dirty && document.activeElement !== box) box.value = q.synthesis || "";
  if ($("question-synthesis-view")) $("question-synthesis-view").innerHTML = q.synthesis_html || "";
  refreshCoverage();
});
room.on("question", (q) => {
  if ($("question-synthesis-view")) $("question-synthesis-view").innerHTML = q.synthesis_html || "";
});
room.on("cluster", (cluster) => { refreshCoverageSoon(); });
room.on("cluster_deleted", () => refreshCoverageSoon());
room.on("cluster_assigned", () => refreshCoverageSoon());
// The panel is drawn once per frame, however many events came (tallies change the clusters' support).
room.on("changed", () => renderPanel());
