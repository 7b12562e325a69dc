// Clusters in the room: the panel, drag and drop, a keyboard path (a cluster menu on each
// contribution), syntheses with preview, coverage, and suggested themes for moderators.
const room = window.deliberateRoom;
const { config, state, live, el, announce, count } = room;
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

function members(clusterId) {
  return [...state.contributions.values()].filter((c) => c.cluster_id === clusterId && !c.hidden);
}

function assign(contributionId, clusterId) {
  return live.request("cluster_assign", { contribution_id: contributionId, cluster_id: clusterId }).then(report);
}

// --- the panel ------------------------------------------------------------------------------------

function renderCluster(cluster) {
  const inside = members(cluster.id);
  const agree = inside.reduce((n, c) => n + c.agree, 0);
  const disagree = inside.reduce((n, c) => n + c.disagree, 0);
  const li = el("li", { class: "cluster", "data-cluster-id": cluster.id });
  const head = el("div", { class: "cluster-head" });
  head.append(el("h3", { class: "cluster-label" }, cluster.label));
  head.append(el("p", { class: "meta" },
    `${count("contributionsCount", inside.length)} · ▲ ${agree} · ▼ ${disagree} · ${count("supporters", cluster.supporters ?? 0)}`));
  li.append(head);
  if (config.mayCluster) {
    li.append(el("p", { class: "drop-hint meta" }, S.dropHere));
    const tools = el("div", { class: "cluster-tools" });
    tools.append(el("button", { type: "button", class: "link-button", "data-cluster-action": "rename" }, S.rename));
    tools.append(el("button", { type: "button", class: "link-button", "data-cluster-action": "delete" }, S.delete));
    const others = [...state.clusters.values()].filter((c) => c.id !== cluster.id);
    if (others.length) {
      const select = el("select", { "aria-label": `${S.mergeInto}: ${cluster.label}`, "data-merge-target": "" });
      for (const other of others) select.append(el("option", { value: other.id }, other.label));
      tools.append(el("span", {}, `${S.mergeInto} `), select,
        el("button", { type: "button", class: "link-button", "data-cluster-action": "merge" }, S.merge));
    }
    li.append(tools);
  }
  const list = el("ul", { class: "cluster-members" });
  for (const c of inside.slice(0, 50)) {
    const item = el("li", {}, `#${c.id} ${c.text.length > 120 ? `${c.text.slice(0, 117)}…` : c.text}`);
    list.append(item);
  }
  li.append(list);
  if (config.moderator) {
    const id = `cluster-synthesis-${cluster.id}`;
    const editor = el("div", { class: "synthesis-editor" });
    editor.append(el("label", { for: id }, S.synthesis));
    const area = el("textarea", { id, rows: "3" });
    area.value = cluster.synthesis || "";
    area.dataset.saved = area.value;  // what the server holds: only a different value is a draft
    editor.append(area);
    const actions = el("div", { class: "actions" });
    actions.append(el("button", { type: "button", class: "button", "data-preview": id }, S.preview));
    actions.append(el("button", { type: "button", class: "button primary", "data-cluster-action": "synthesis" }, S.save));
    editor.append(actions, el("div", { class: "preview", id: `${id}-preview`, hidden: true }));
    li.append(editor);
  } else if (cluster.synthesis_html) {
    const view = el("div", { class: "cluster-synthesis" });
    view.innerHTML = cluster.synthesis_html;  // sanitised by the server (nh3)
    li.append(view);
  }
  return li;
}

const drafts = new Map();  // textarea id -> unsaved synthesis text, kept across redraws

function renderPanel() {
  const list = $("clusters");
  // Keep what a moderator is typing: no redraw while an editor has focus, and drafts survive redraws.
  if (list.contains(document.activeElement) && document.activeElement.tagName === "TEXTAREA") return;
  // Only edits are drafts: an untouched editor shows the synthesis saved since (by another moderator, or
  // carried over by a merge) instead of keeping the text it was first drawn with.
  for (const area of list.querySelectorAll("textarea")) {
    if (area.value !== area.dataset.saved) drafts.set(area.id, area.value);
    else drafts.delete(area.id);
  }
  const ordered = [...state.clusters.values()].sort((a, b) => (a.position - b.position) || (a.id - b.id));
  list.replaceChildren(...ordered.map(renderCluster));
  for (const area of list.querySelectorAll("textarea")) if (drafts.has(area.id)) area.value = drafts.get(area.id);
  $("no-clusters").hidden = ordered.length > 0;
}

// --- each contribution: a cluster menu (keyboard path) and dragging --------------------------------

function decorateContributions() {
  const options = [...state.clusters.values()].sort((a, b) => a.id - b.id);
  for (const li of document.querySelectorAll("#contributions li[data-id]")) {
    const c = state.contributions.get(Number(li.dataset.id));
    if (!c) continue;
    // A first state is decorated twice (room:rendered, then room:state): never add a second menu or badge.
    for (const old of li.querySelectorAll(".cluster-select, .badge-cluster")) old.remove();
    const label = state.clusters.get(c.cluster_id);
    if (!config.mayCluster) {
      if (label) li.querySelector(".contribution-meta").append(el("span", { class: "badge badge-cluster" }, label.label));
      continue;
    }
    li.draggable = true;
    const select = el("select", { class: "cluster-select", "aria-label": `${S.cluster} #${c.id}` });
    select.append(el("option", { value: "" }, S.noCluster));
    for (const cluster of options) {
      const option = el("option", { value: cluster.id }, cluster.label);
      if (cluster.id === c.cluster_id) option.selected = true;
      select.append(option);
    }
    li.querySelector(".contribution-actions").append(select);
  }
}

document.addEventListener("change", (event) => {
  const select = event.target.closest(".cluster-select");
  if (!select) return;
  const id = Number(select.closest("li[data-id]").dataset.id);
  assign(id, select.value ? Number(select.value) : null);
});

document.addEventListener("dragstart", (event) => {
  const li = event.target.closest && event.target.closest("#contributions li[data-id]");
  if (!li) return;
  event.dataTransfer.setData("text/plain", li.dataset.id);
  event.dataTransfer.effectAllowed = "move";
});

$("clusters").addEventListener("dragover", (event) => {
  if (event.target.closest(".cluster")) { event.preventDefault(); event.target.closest(".cluster").classList.add("drop-target"); }
});
$("clusters").addEventListener("dragleave", (event) => {
  const cluster = event.target.closest(".cluster");
  if (cluster) cluster.classList.remove("drop-target");
});
$("clusters").addEventListener("drop", (event) => {
  const cluster = event.target.closest(".cluster");
  if (!cluster) return;
  event.preventDefault();
  cluster.classList.remove("drop-target");
  const id = Number(event.dataTransfer.getData("text/plain"));
  if (id) assign(id, Number(cluster.dataset.clusterId));
});

// --- cluster tools -----------------------------------------------------------------------------------

$("clusters").addEventListener("click", async (event) => {
  const button = event.target.closest("[data-cluster-action]");
  if (!button) return;
  const li = button.closest(".cluster");
  const id = Number(li.dataset.clusterId);
  const cluster = state.clusters.get(id);
  const action = button.dataset.clusterAction;
  if (action === "rename") {
    const label = window.prompt(S.rename, cluster.label);
    if (label && label.trim()) await api("PATCH", `/api/v1/clusters/${id}`, { label: label.trim() });
  } else if (action === "delete") {
    if (window.confirm(S.confirmDelete)) report(await live.request("cluster_delete", { cluster_id: id }));
  } else if (action === "merge") {
    const target = Number(li.querySelector("[data-merge-target]").value);
    report(await live.request("cluster_merge", { cluster_id: id, into_id: target }));
  } else if (action === "synthesis") {
    const area = li.querySelector("textarea");
    const { ok } = await api("PATCH", `/api/v1/clusters/${id}`, { synthesis: area.value });
    if (ok) { drafts.delete(area.id); announce(S.saved); refreshCoverage(); }
  }
});

const newCluster = $("new-cluster");
if (newCluster) {
  newCluster.addEventListener("submit", async (event) => {
    event.preventDefault();
    const input = $("new-cluster-label");
    const label = input.value.trim();
    if (!label) return;
    const ack = report(await live.request("cluster_create", { question_id: config.questionId, label }));
    if (ack.ok) input.value = "";
  });
}

// --- syntheses and coverage (moderators) -----------------------------------------------------------

document.addEventListener("click", async (event) => {
  const button = event.target.closest("[data-preview]");
  if (!button) return;
  const source = $(button.dataset.preview);
  const { ok, data } = await api("POST", `/api/v1/questions/${config.questionId}/synthesis-preview`, { markdown: source.value });
  const target = $(`${button.dataset.preview}-preview`);
  if (ok) {
    // The server sanitised this HTML with nh3; it is the only markup the page inserts.
    target.innerHTML = data.html;
    target.hidden = false;
  }
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
    if (ok) { announce(S.saved); refreshCoverage(); }
  });
}

// --- suggested themes ----------------------------------------------------------------------------

let suggestions = [];

const suggest = $("suggest");
if (suggest) {
  suggest.addEventListener("click", async () => {
    $("suggestions").hidden = false;
    $("suggestion-list").replaceChildren(el("li", {}, S.suggesting));
    const { ok, data } = await api("POST", `/api/v1/questions/${config.questionId}/cluster-suggestions`, {});
    if (!ok) return;
    suggestions = data.suggestions;
    if (!suggestions.length) { $("suggestion-list").replaceChildren(el("li", {}, S.noSuggestions)); return; }
    $("suggestion-list").replaceChildren(...suggestions.map((s, i) => {
      const li = el("li", { class: "suggestion" });
      const id = `suggestion-${i}`;
      const box = el("input", { type: "checkbox", id, checked: true, "data-index": i });
      const label = el("label", { for: id }, `${s.label} (${s.contribution_ids.length})`);
      const sample = el("p", { class: "meta" }, s.contribution_ids.slice(0, 3)
        .map((cid) => (state.contributions.get(cid) || { text: `#${cid}` }).text.slice(0, 80)).join(" · "));
      li.append(box, label, sample);
      return li;
    }));
  });
  $("dismiss-suggestions").addEventListener("click", () => { $("suggestions").hidden = true; suggestions = []; });
  $("accept-suggestions").addEventListener("click", async () => {
    const chosen = [...document.querySelectorAll("#suggestion-list input:checked")].map((box) => suggestions[Number(box.dataset.index)]);
    for (const s of chosen) {
      report(await live.request("cluster_create", { question_id: config.questionId, label: s.label, contribution_ids: s.contribution_ids }));
    }
    $("suggestions").hidden = true;
    suggestions = [];
  });
}

// --- live updates --------------------------------------------------------------------------------

document.addEventListener("room:state", (event) => {
  const q = event.detail.question;
  if ($("question-synthesis")) $("question-synthesis").value = q.synthesis || "";
  if ($("question-synthesis-view")) $("question-synthesis-view").innerHTML = q.synthesis_html || "";
  renderPanel();
  decorateContributions();
  refreshCoverage();
});
document.addEventListener("room:rendered", () => { decorateContributions(); renderPanel(); });
document.addEventListener("room:counts", () => renderPanel());
document.addEventListener("room:question", (event) => {
  if ($("question-synthesis-view")) $("question-synthesis-view").innerHTML = event.detail.synthesis_html || "";
});
document.addEventListener("room:cluster", (event) => {
  const known = state.clusters.get(event.detail.id);
  state.clusters.set(event.detail.id, { ...(known || {}), ...event.detail });
  room.renderList();
  refreshCoverageSoon();
  if (!known) announce(event.detail.label);
});
document.addEventListener("room:cluster_deleted", (event) => {
  const { id, into_id: into } = event.detail;
  state.clusters.delete(id);
  for (const c of state.contributions.values()) if (c.cluster_id === id) c.cluster_id = into ?? null;
  room.renderList();
  refreshCoverageSoon();
});
