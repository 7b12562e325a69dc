// Logging out drops the posts this person typed offline: the browser may be shared.
import { dropOthersPending } from "./live.js";

for (const form of document.querySelectorAll("form[data-logout]")) {
  form.addEventListener("submit", () => dropOthersPending(""));
}
