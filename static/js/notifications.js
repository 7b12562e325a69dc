// The header's notifications: live `notification` events (sent to every open page of the person, on
// every process) are added at the top; "Mark all as read" clears the count.
import { pageSocket } from "./socket.js";

const $ = (id) => document.getElementById(id);
const list = $("notifications-list");
const unread = $("notifications-unread");

function setUnread(n) {
  unread.textContent = String(n);
  unread.hidden = n === 0;
}

function render(n) {
  const li = document.createElement("li");
  li.className = `notification${n.read ? "" : " unread"}`;
  li.dataset.id = n.id;
  li.dataset.kind = n.kind;
  if (n.link) {
    const a = document.createElement("a");
    a.href = n.link;
    a.textContent = n.text;  // text, never markup
    li.append(a);
  } else {
    li.textContent = n.text;
  }
  return li;
}

if (list) {
  const socket = pageSocket();
  socket.on("notification", (n) => {
    if (list.querySelector(`[data-id="${n.id}"]`)) return;
    list.prepend(render(n));
    $("notifications-empty").hidden = true;
    setUnread(Number(unread.textContent || 0) + 1);
    $("notifications-announcer").textContent = n.text;
  });
  $("notifications-toggle").addEventListener("click", () => {
    const panel = $("notifications-panel");
    panel.hidden = !panel.hidden;
    $("notifications-toggle").setAttribute("aria-expanded", String(!panel.hidden));
  });
  $("notifications-read").addEventListener("click", async () => {
    const answer = await fetch("/api/v1/notifications/read", {
      method: "POST", headers: { "Content-Type": "application/json" }, body: "{}", credentials: "same-origin",
    });
    if (answer.ok) {
      setUnread(0);
      for (const li of list.querySelectorAll(".unread")) li.classList.remove("unread");
    }
  });
}
