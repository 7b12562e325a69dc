// Grouping contributions into clusters: pick several (checkboxes, Shift-click ranges, the keyboard),
// move them to a cluster or a new one in one action (cluster_assign_many), each row's cluster menu
// (committed by Enter or its button, never by arrow keys), and drag and drop onto the clusters panel
// (a picked row drags the whole selection; the page and the panel scroll near their edges).
const room = window.deliberateRoom;
const { config, state, selection, el, fill, refused } = room;
const S = config.strings;
const $ = (id) => document.getElementById(id);

function assign(ids, target) {
  if (ids.length === 1 && !("label" in target)) {
    return room.live.request("cluster_assign", { contribution_id: ids[0], cluster_id: target.cluster_id }).then(refused);
  }
  return room.live.request("cluster_assign_many", { question_id: config.questionId, contribution_ids: ids, ...target }).then(refused);
}

// --- selection ------------------------------------------------------------------------------------

let anchor = null;  // the last row picked on its own: where a Shift-click range starts

function showPicked(id) {
  const li = room.list.rows.get(id);
  if (!li) return;
  const on = selection.has(id);
  li.classList.toggle("is-selected", on);
  const box = li.querySelector("input.pick");
  if (box) box.checked = on;
}

function pick(ids, on) {
  for (const id of ids) {
    if (on) selection.add(id); else selection.delete(id);
    showPicked(id);
  }
  bulkChanged();
}

function clearSelection() {
  pick([...selection], false);
}

function range(from, to) {
  const order = room.list.order;
  const [a, b] = [order.indexOf(from), order.indexOf(to)].sort((x, y) => x - y);
  return a < 0 ? [to] : order.slice(a, b + 1);
}

function bulkChanged() {
  const bar = $("bulk");
  if (!bar) return;
  const n = [...selection].filter((id) => state.contributions.has(id)).length;
  $("bulk-count").textContent = room.count("selected", n);
  $("bulk-apply").disabled = n === 0;
  $("bulk-clear").disabled = n === 0;
  bar.classList.toggle("is-active", n > 0);
  const all = $("pick-all");
  all.checked = n > 0 && room.list.order.every((id) => selection.has(id));
  all.indeterminate = n > 0 && !all.checked;
}

function rowOf(node) {
  const li = node.closest && node.closest("#contributions li[data-id]");
  return li ? Number(li.dataset.id) : null;
}

document.addEventListener("click", (event) => {
  const box = event.target.closest && event.target.closest("#contributions input.pick");
  if (!box) return;
  const id = rowOf(box);
  if (event.shiftKey && anchor !== null && event.detail > 0) {
    pick(range(anchor, id), box.checked);
  } else {
    pick([id], box.checked);
    anchor = id;
  }
});

// The rows' checkboxes as one keyboard list: ↑/↓ move, Shift+↑/↓ extend the selection, Space picks,
// Enter goes to the bulk move (Escape in it comes back), Escape clears the selection.
function focusRow(id) {
  const li = room.list.rows.get(id);
  const box = li && li.querySelector("input.pick");
  if (box) { box.focus(); li.scrollIntoView({ block: "nearest" }); }
  return Boolean(box);
}

let lastRow = null;

document.addEventListener("keydown", (event) => {
  const box = event.target.closest && event.target.closest("#contributions input.pick");
  if (!box) return;
  const id = rowOf(box);
  lastRow = id;
  const ids = room.list.pageIds();
  const at = ids.indexOf(id);
  if (event.key === "ArrowDown" || event.key === "ArrowUp") {
    event.preventDefault();
    const step = event.key === "ArrowDown" ? 1 : -1;
    let next = ids[at + step];
    if (next === undefined) {  // past the page's edge: the next or previous page
      const page = room.list.view.page + step;
      if (page < 0 || page >= room.list.pages()) return;
      room.list.set({ page });
      const turned = room.list.pageIds();
      next = step > 0 ? turned[0] : turned[turned.length - 1];
    }
    if (event.shiftKey) pick([id, next], true);
    focusRow(next);
  } else if (event.key === "Enter") {
    event.preventDefault();
    if (!selection.size) pick([id], true);
    $("bulk-target").focus();
  } else if (event.key === "Escape") {
    clearSelection();
  }
});

// --- the bulk move ----------------------------------------------------------------------------------

function bulkOptions() {
  const select = $("bulk-target");
  if (!select) return;
  const wanted = [["new", S.newClusterOption], ["none", S.noCluster],
    ...[...state.clusters.values()].sort((a, b) => a.id - b.id).map((c) => [String(c.id), c.label])];
  const current = [...select.options].map((o) => [o.value, o.textContent]);
  if (JSON.stringify(current) === JSON.stringify(wanted)) return;
  const value = select.value;
  select.replaceChildren(...wanted.map(([v, label]) => el("option", { value: v }, label)));
  select.value = wanted.some(([v]) => v === value) ? value : "new";
  newLabelShown();
}

function newLabelShown() {
  $("bulk-label-field").hidden = $("bulk-target").value !== "new";
}

async function bulkApply() {
  const ids = [...selection].filter((id) => state.contributions.has(id));
  if (!ids.length) return;
  const choice = $("bulk-target").value;
  let target;
  if (choice === "new") {
    const label = $("bulk-label").value.trim();
    if (!label) { $("bulk-label").focus(); $("post-error").textContent = S.labelFirst; return; }
    target = { label };
  } else {
    target = { cluster_id: choice === "none" ? null : Number(choice) };
  }
  const ack = await assign(ids, target);
  if (!ack.ok) return;
  if (choice === "new") $("bulk-label").value = "";
  clearSelection();
  const name = choice === "none" ? S.noCluster : (state.clusters.get(ack.cluster_id ?? target.cluster_id) || { label: target.label }).label;
  room.announce(fill(S.moved, { n: ids.length, cluster: name }));
}

if ($("bulk")) {
  $("bulk-target").addEventListener("change", newLabelShown);
  $("bulk-apply").addEventListener("click", bulkApply);
  $("bulk-clear").addEventListener("click", clearSelection);
  $("bulk-label").addEventListener("keydown", (event) => {
    if (event.key === "Enter") { event.preventDefault(); bulkApply(); }
  });
  $("bulk-target").addEventListener("keydown", (event) => {
    if (event.key === "Enter") { event.preventDefault(); if ($("bulk-target").value === "new") $("bulk-label").focus(); else bulkApply(); }
  });
  $("bulk").addEventListener("keydown", (event) => {
    if (event.key === "Escape" && lastRow !== null) { event.preventDefault(); focusRow(lastRow); }
  });
  $("pick-all").addEventListener("change", (event) => {
    if (event.target.checked) pick(room.list.order, true); else clearSelection();
  });
  room.on("changed", () => { bulkOptions(); bulkChanged(); });
}

// --- each row's cluster menu: browse freely, commit with Enter or the button ------------------------

async function commitMenu(select) {
  const id = rowOf(select);
  const value = select.value ? Number(select.value) : null;
  delete select.dataset.dirty;  // from now on the menu follows the room again
  const c = state.contributions.get(id);
  if (c && c.cluster_id === value) return;
  const ack = await assign([id], { cluster_id: value });
  if (ack.ok && c) { c.cluster_id = value; room.list.update(id); }
}

document.addEventListener("keydown", (event) => {
  const select = event.target.closest && event.target.closest("#contributions select.cluster-select");
  if (select && event.key === "Enter") { event.preventDefault(); commitMenu(select); }
});
document.addEventListener("click", (event) => {
  const button = event.target.closest && event.target.closest("#contributions .cluster-move");
  if (button) commitMenu(button.closest("li[data-id]").querySelector("select.cluster-select"));
});

// --- drag and drop ------------------------------------------------------------------------------------

document.addEventListener("dragstart", (event) => {
  const id = event.target.closest && rowOf(event.target);
  if (id === null) return;
  const ids = selection.has(id) ? [...selection] : [id];
  event.dataTransfer.setData("text/plain", ids.join(","));
  event.dataTransfer.effectAllowed = "move";
});

// Near the window's or the panel's top or bottom edge, a drag scrolls them (whatever the browser does).
const EDGE = 60;
document.addEventListener("dragover", (event) => {
  const panel = $("clusters-panel");
  const box = panel.getBoundingClientRect();
  const inPanel = event.clientX >= box.left && event.clientX <= box.right;
  if (inPanel && panel.scrollHeight > panel.clientHeight) {
    if (event.clientY < box.top + EDGE) panel.scrollBy(0, -20);
    else if (event.clientY > box.bottom - EDGE) panel.scrollBy(0, 20);
  } else if (event.clientY < EDGE) window.scrollBy(0, -20);
  else if (event.clientY > window.innerHeight - EDGE) window.scrollBy(0, 20);
});

$("clusters").addEventListener("dragover", (event) => {
  const cluster = event.target.closest(".cluster");
  if (cluster) { event.preventDefault(); cluster.classList.add("drop-target"); }
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
  const ids = event.dataTransfer.getData("text/plain").split(",").map(Number).filter(Boolean);
  if (!ids.length) return;
  assign(ids, { cluster_id: Number(cluster.dataset.clusterId) }).then((ack) => { if (ack.ok && ids.length > 1) clearSelection(); });
});
