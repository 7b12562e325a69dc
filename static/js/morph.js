// Patching the page in place: a render function draws a fresh element, morphdom turns the element on
// the page into it, node by node, keyed by id. Whatever the person is using survives: the focused
// element is the same node afterwards, and a control holding an unsaved choice or text (marked
// data-dirty by the listener below) is left exactly as the person left it.
import morphdom from "../vendor/morphdom-2.7.8/morphdom-esm.js";

const FIELDS = new Set(["INPUT", "TEXTAREA", "SELECT"]);

function keep(fromEl, toEl) {
  if (fromEl.isEqualNode(toEl)) return false;  // unchanged: nothing to walk (the common case)
  if (!FIELDS.has(fromEl.tagName)) return true;
  if (fromEl.dataset.dirty) return false;  // an unsaved edit or choice: never overwritten
  // Text being typed is never replaced; a focused menu or checkbox may follow the room.
  if (fromEl === document.activeElement && fromEl.tagName !== "SELECT" && !["checkbox", "radio"].includes(fromEl.type)) {
    return false;
  }
  return true;
}

const OPTIONS = {
  getNodeKey: (node) => (node.nodeType === 1 ? node.id || undefined : undefined),
  onBeforeElUpdated: keep,
};

// Turn `node` (on the page) into `fresh` (just rendered), keeping the node itself.
export function patch(node, fresh) {
  return morphdom(node, fresh, OPTIONS);
}

// Make `parent`'s children those of `fresh` (same tag), reusing the existing children by id.
export function patchChildren(parent, freshChildren) {
  const fresh = parent.cloneNode(false);
  fresh.append(...freshChildren);
  morphdom(parent, fresh, { ...OPTIONS, childrenOnly: true });
}

// A control marked data-draft keeps what the person typed or chose until the page clears the mark
// (after saving or committing).
document.addEventListener("input", (event) => {
  if (event.target.dataset && "draft" in event.target.dataset) event.target.dataset.dirty = "1";
});
document.addEventListener("change", (event) => {
  if (event.target.dataset && "draft" in event.target.dataset) event.target.dataset.dirty = "1";
});

export function clean(control) {
  delete control.dataset.dirty;
}
