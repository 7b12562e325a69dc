// Following a job (an export, suggested themes): its progress arrives over the page's socket, to the
// person who asked only; a look at GET /api/v1/jobs/ID covers a job that ended before we listened.
import { pageSocket } from "./socket.js";

export function followJob(job, onChange) {
  const socket = pageSocket();
  let ended = false;
  const seen = (state) => {
    if (ended || state.id !== job.id) return;
    onChange(state);
    if (state.state === "done" || state.state === "failed") {
      ended = true;
      socket.off("job", seen);
    }
  };
  socket.on("job", seen);
  seen(job);
  fetch(`/api/v1/jobs/${job.id}`, { credentials: "same-origin" })
    .then((answer) => (answer.ok ? answer.json() : null))
    .then((body) => body && seen(body.job))
    .catch(() => {});
}

// Export links (data-export-format) start a job, show its progress in the [data-job-progress]
// element, then download the file.
export function enhanceExportLinks(root = document) {
  const box = root.querySelector("[data-job-progress]");
  if (!box) return;
  const bar = box.querySelector("progress");
  const label = box.querySelector("[data-job-label]");
  for (const link of root.querySelectorAll("a[data-export-format]")) {
    link.addEventListener("click", async (event) => {
      event.preventDefault();
      box.hidden = false;
      bar.removeAttribute("value");
      label.textContent = box.dataset.working;
      const answer = await fetch(link.dataset.exportUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({
          format: link.dataset.exportFormat,
          lang: link.dataset.exportLang,
          translations: link.dataset.exportTranslations === "1",
        }),
      });
      const body = await answer.json();
      if (!answer.ok) {
        label.textContent = body.error.message;
        return;
      }
      followJob(body.job, (job) => {
        const { done, total } = job.progress;
        if (total) {
          bar.max = total;
          bar.value = done;
        }
        if (job.state === "done") {
          bar.value = bar.max;
          label.textContent = box.dataset.done;
          window.location.assign(job.download_url);
        } else if (job.state === "failed") {
          label.textContent = job.error.message;
        }
      });
    });
  }
}
