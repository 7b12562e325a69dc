// The list of contributions at scale: search, filters, sort and pages over the room's state; only the
// current page is in the page's DOM (rows keyed by contribution id). Live changes patch the rows they
// concern; new contributions join the list at once only while the person sits at its top, and are
// otherwise counted ("12 new") until the person asks for them, so nothing moves under their eyes.
import { patch, patchChildren } from "./morph.js";

export const PAGE_SIZE = 100;

// Search ignores case and accents in every language: "econ" finds "Économie", "economía".
export function fold(text) {
  return String(text).normalize("NFD").replace(/\p{M}/gu, "").toLocaleLowerCase();
}

function divisiveness(c) {
  return Math.min(c.agree, c.disagree) * 1000 + (c.agree + c.disagree);
}

const ORDER = {
  newest: (a, b) => b.id - a.id,
  oldest: (a, b) => a.id - b.id,
  agreed: (a, b) => b.agree - a.agree || a.disagree - b.disagree || b.id - a.id,
  divisive: (a, b) => divisiveness(b) - divisiveness(a) || b.id - a.id,
};

const folded = new WeakMap();  // contribution object -> its searchable text, folded once

function haystack(c) {
  let text = folded.get(c);
  if (text === undefined) {
    const translations = Object.values(c.translations || {}).map((t) => t.text || "");
    text = fold([c.text, c.author, `#${c.id}`, ...translations].join("\n"));
    folded.set(c, text);
  }
  return text;
}

export class ContributionList {
  // room: the page's shared object (state, config, render); node: the <ul> the rows live in.
  constructor(room, node) {
    this.room = room;
    this.node = node;
    this.view = { search: "", cluster: "", language: "", role: "", hidden: false, fresh: false, sort: "newest", page: 0 };
    this.order = [];  // ids of the filtered, sorted list as last drawn (the pages are slices of it)
    this.rows = new Map();  // contribution id -> its <li> on the page
    this.arrived = new Set();  // new contributions not drawn yet: the "N new" counter
  }

  matches(c) {
    const v = this.view;
    const { config } = this.room;
    if (c.hidden && !config.seesHidden) return false;
    if (v.hidden && !c.hidden) return false;
    if (v.language && c.language !== v.language) return false;
    if (v.role && c.role !== v.role) return false;
    if (v.cluster === "none" && c.cluster_id) return false;
    if (v.cluster && v.cluster !== "none" && c.cluster_id !== Number(v.cluster)) return false;
    if (v.fresh && c.id <= this.room.seenBefore) return false;
    if (v.search && !v.search.split(/\s+/).every((word) => haystack(c).includes(word))) return false;
    return true;
  }

  set(changes) {
    Object.assign(this.view, changes);
    if (!("page" in changes)) this.view.page = 0;
    this.draw();
  }

  pages() {
    return Math.max(1, Math.ceil(this.order.length / PAGE_SIZE));
  }

  pageIds() {
    const start = this.view.page * PAGE_SIZE;
    return this.order.slice(start, start + PAGE_SIZE);
  }

  // Everything again from the state: filter, sort, page. Rows that stay are patched, not rebuilt.
  draw() {
    const { state } = this.room;
    this.order = [...state.contributions.values()].filter((c) => this.matches(c)).sort(ORDER[this.view.sort]).map((c) => c.id);
    this.view.page = Math.min(this.view.page, this.pages() - 1);
    this.arrived.clear();
    const rows = [];
    if (this.view.page === 0) rows.push(...this.room.pendingRows());
    for (const id of this.pageIds()) rows.push(this.room.renderContribution(state.contributions.get(id)));
    patchChildren(this.node, rows);
    this.rows.clear();
    for (const li of this.node.querySelectorAll(":scope > li[data-id]")) this.rows.set(Number(li.dataset.id), li);
    this.room.listChanged();
  }

  // One contribution changed (tally, hidden, cluster, translation…): patch its row if it is drawn.
  update(id) {
    const c = this.room.state.contributions.get(id);
    const li = this.rows.get(id);
    if (!li) return;
    if (!c || (c.hidden && !this.room.config.seesHidden)) {
      this.remove(id);
      return;
    }
    // A row that no longer fits the filters stays where it is (marked) until the list is drawn again.
    patch(li, this.room.renderContribution(c, { stale: !this.matches(c) }));
  }

  remove(id) {
    const li = this.rows.get(id);
    if (!li) return;
    if (li.contains(document.activeElement)) {
      // Focus moves to the same control of the next row (or the previous one), never to the page.
      const next = li.nextElementSibling || li.previousElementSibling;
      const kind = document.activeElement.className.split(" ")[0];
      const target = next && (next.querySelector(`.${kind}`) || next.querySelector("button, input, select"));
      if (target) target.focus();
    }
    li.remove();
    this.rows.delete(id);
    this.order = this.order.filter((other) => other !== id);
    this.room.listChanged();
  }

  // Where the person is: the top of the newest-first list in view (its first page). Further down, or on
  // another page or order, a new row would push what they are reading: it is counted instead.
  atTop() {
    if (this.view.page !== 0 || this.view.sort !== "newest") return false;
    return this.node.getBoundingClientRect().top >= 0;
  }

  // A new contribution: drawn at once at the top, or counted for later.
  add(id) {
    const c = this.room.state.contributions.get(id);
    if (!c || !this.matches(c) || this.rows.has(id)) return;
    if (this.atTop()) {
      this.order.unshift(id);
      const li = this.room.renderContribution(c);
      const firstRow = this.node.querySelector(":scope > li[data-id]");
      this.node.insertBefore(li, firstRow);
      this.rows.set(id, li);
      while (this.rows.size > PAGE_SIZE) {
        const last = this.node.querySelector(":scope > li[data-id]:last-child");
        this.rows.delete(Number(last.dataset.id));
        last.remove();
      }
    } else {
      this.arrived.add(id);
    }
    this.room.listChanged();
  }

  // "Show the new ones": the first page again, scrolled to the top of the list.
  showArrived() {
    this.view.page = 0;
    this.draw();
    this.node.scrollIntoView({ block: "start" });
  }
}
