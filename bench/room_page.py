"""The moderator's room page with thousands of contributions, in headless Chromium: time to
interactive, and the cost of applying 100 live updates per second, for this version of the page and,
in the same run, for a baseline version (by default the page as it was before issue 12), both served
by real server processes on one database.

    python bench/room_page.py --contributions 2000 --runs 3 --seconds 10

Time to interactive: from the navigation's start to the first moment the main thread is free (a
timer after the next frame) once the page shows the connection as live with the room's state drawn.
Live updates: 100 per second for ``--seconds``, fed to the page's own entry point for server events
(the function the Socket.IO client calls), so the figure is the browser's cost alone: every 250 ms
(the server's tally interval) one ``tally`` of 23 contributions, one new contribution and one
contribution moved to a cluster. Long tasks (> 50 ms) come from the browser's PerformanceObserver
('longtask'); frames are counted with requestAnimationFrame.
"""

from __future__ import annotations

import argparse
import io
import statistics
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from common import REPO, SECRET, deliberate_server, free_port, machine, session_cookie

sys.path.insert(0, str(REPO / "tests"))
from crowd import seed  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
MODERATOR = "bench-moderator@bench.invalid"

# Installed before any of the page's scripts: long tasks and the moment the page became interactive.
PROBE = """
window.__bench = {longtasks: [], interactive: null};
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) window.__bench.longtasks.push([entry.startTime, entry.duration]);
}).observe({type: "longtask", buffered: true});
new MutationObserver((changes, observer) => {
  const node = document.getElementById("connection");
  const rows = document.querySelectorAll("#contributions li[data-id]").length;
  if (node && node.dataset.state === "connected" && rows > 0) {
    observer.disconnect();
    requestAnimationFrame(() => setTimeout(() => { window.__bench.interactive = performance.now(); }, 0));
  }
}).observe(document, {subtree: true, childList: true, attributes: true, attributeFilter: ["data-state"]});
"""

# 100 updates a second through window.deliberateRoom.live.handlers.onEvent, as the socket would.
FEED = """async ([seconds, questionId]) => {
  const room = window.deliberateRoom;
  const apply = (name, payload) => room.live.handlers.onEvent(name, payload);
  const ids = [...room.state.contributions.keys()];
  const clusters = [...room.state.clusters.keys()];
  let next = Math.max(...ids) + 1000000;
  let frames = 0, busy = 0, running = true;
  const frame = () => { frames += 1; if (running) requestAnimationFrame(frame); };
  requestAnimationFrame(frame);
  const before = window.__bench.longtasks.length;
  const started = performance.now();
  for (let tick = 0; tick < seconds * 4; tick += 1) {
    const t0 = performance.now();
    const counts = {};
    for (let k = 0; k < 23; k += 1) {
      const id = ids[(tick * 23 + k * 97) % ids.length];
      counts[id] = [tick + k, k];
    }
    apply("tally", {question_id: questionId, counts});
    apply("contribution", {id: next, question_id: questionId,
      text: `Nouvelle contribution ${next} sur l'économie`, author: "Bench", role: "attendee",
      language: "fr", created_at: new Date().toISOString(), agree: 0,
      disagree: 0, my_vote: null, cluster_id: null, hidden: false});
    next += 1;
    const moved = room.state.contributions.get(ids[(tick * 31) % ids.length]);
    const cluster = clusters.length ? clusters[tick % clusters.length] : null;
    apply("contribution", {...moved, my_vote: null, cluster_id: cluster});
    busy += performance.now() - t0;
    const wait = started + (tick + 1) * 250 - performance.now();
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, wait)));
  }
  await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 100)));
  running = false;
  const elapsed = (performance.now() - started) / 1000;
  const tasks = window.__bench.longtasks.slice(before).map(([, duration]) => duration);
  return {elapsed, frames, busy, tasks, planned: seconds};
}"""


def baseline_checkout(revision: str, folder: Path) -> Path:
    """The page as it was at ``revision`` (its server code, templates, static files, compiled catalogues)."""
    archive = subprocess.run(
        ["git", "archive", revision, "deliberate", "templates", "static", "translations"],
        cwd=REPO,
        capture_output=True,
        check=True,
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    return folder


def measure(browser, url: str, cookie: str, path: str, seconds: int, question_id: int) -> dict:
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    name, value = cookie.split("=", 1)
    context.add_cookies([{"name": name, "value": value, "url": url}])
    context.add_init_script(PROBE)
    page = context.new_page()
    page.on("pageerror", lambda error: print(f"  page error ({url}): {error}"))
    page.goto(f"{url}{path}")
    page.wait_for_function("window.__bench.interactive !== null", timeout=120_000)
    interactive = page.evaluate("window.__bench.interactive")
    phases = page.evaluate(
        """() => ({ready: performance.getEntriesByType("navigation")[0].domContentLoadedEventEnd,
                   state: (performance.getEntriesByName("room-state-received")[0] || {}).startTime
                          ?? null})"""
    )
    load_tasks = page.evaluate("window.__bench.longtasks.map(([, d]) => d)")
    rows = page.evaluate("document.querySelectorAll('#contributions li[data-id]').length")
    nodes = page.evaluate("document.getElementsByTagName('*').length")
    feed = page.evaluate(FEED, [seconds, question_id]) if seconds else None
    context.close()
    return {
        "interactive": interactive,
        "phases": phases,
        "load_tasks": load_tasks,
        "rows": rows,
        "nodes": nodes,
        "feed": feed,
    }


def args_seconds(feeds: list[dict]) -> int:
    return feeds[0]["planned"]


def summary(label: str, runs: list[dict]) -> None:
    tti = [r["interactive"] for r in runs]
    print(f"\n{label}")
    print(
        f"  time to interactive, ms: median {statistics.median(tti):.0f}"
        f"  (runs: {', '.join(f'{t:.0f}' for t in tti)})"
    )
    ready = statistics.median(r["phases"]["ready"] for r in runs)
    states = [r["phases"]["state"] for r in runs if r["phases"]["state"] is not None]
    phase = f", state received at {statistics.median(states):.0f}" if states else ""
    print(f"  medians, ms: DOMContentLoaded at {ready:.0f}{phase}")
    load = runs[-1]["load_tasks"]
    print(
        f"  rows in the DOM: {runs[-1]['rows']}, elements: {runs[-1]['nodes']}, "
        f"long tasks while loading: {len(load)} (longest {max(load, default=0):.0f} ms)"
    )
    feeds = [r["feed"] for r in runs if r["feed"]]
    if not feeds:
        return
    for key, text in (("tasks", "long tasks > 50 ms"),):
        counts = [len(f[key]) for f in feeds]
        longest = max((max(f[key], default=0) for f in feeds), default=0)
        total = [sum(f[key]) for f in feeds]
        print(
            f"  100 updates/s: {text} per run: {counts}, longest {longest:.0f} ms, "
            f"time in long tasks per run: {', '.join(f'{t:.0f}' for t in total)} ms"
        )
    fps = [f["frames"] / f["elapsed"] for f in feeds]
    busy = [f["busy"] / f["elapsed"] for f in feeds]
    lasted = [f["elapsed"] for f in feeds]
    print(
        f"  100 updates/s: each run lasted {', '.join(f'{x:.1f}' for x in lasted)} s"
        f" (planned: {args_seconds(feeds)} s)"
    )
    print(
        f"  100 updates/s: frames per second {', '.join(f'{x:.0f}' for x in fps)}; "
        f"script time applying them {', '.join(f'{x:.0f}' for x in busy)} ms per second"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--contributions", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=10, help="of live updates per run (0: none)")
    parser.add_argument("--baseline", default="1c73c54", help="git revision of the baseline page")
    parser.add_argument("--mode", default="eventlet")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="bench-room-page-") as tmp:
        folder = Path(tmp)
        database = f"sqlite:///{folder / 'db.sqlite3'}"
        old = baseline_checkout(args.baseline, folder / "baseline")
        old_port, new_port = free_port(), free_port()
        # The baseline first: it migrates the empty database to its own schema; this version goes on.
        with deliberate_server(old_port, database, folder, args.mode, source=old):
            with deliberate_server(new_port, database, folder, args.mode):
                crowd = seed(database, str(folder), SECRET, {MODERATOR: "moderator"}, args.contributions)
                cookie = session_cookie(crowd["members"][MODERATOR])
                path = f"/s/{crowd['code']}/q/1"
                print(
                    f"room page: {args.contributions} contributions in one question,"
                    " moderator, Chromium headless"
                )
                print(f"machine: {machine()} (CPU shared with other work: figures are noisy)")
                with sync_playwright() as playwright:
                    browser = playwright.chromium.launch(
                        executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
                    )
                    results = {"baseline": [], "this version": []}
                    for _ in range(args.runs):  # interleaved, so that a busy moment hits both alike
                        for label, port in (("baseline", old_port), ("this version", new_port)):
                            url = f"http://127.0.0.1:{port}"
                            results[label].append(
                                measure(browser, url, cookie, path, args.seconds, crowd["question_id"])
                            )
                    browser.close()
                summary(f"baseline ({args.baseline}: the page before issue 12)", results["baseline"])
                summary("this version", results["this version"])


if __name__ == "__main__":
    main()
