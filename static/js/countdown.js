// Countdowns as the server owns them: a running one is its deadline, a paused one what is left.
// The page's clock may be off; each payload carries the server's time, from which we keep an offset.

export class Clock {
  constructor() {
    this.offsetMs = 0;
  }
  sync(serverTime) {
    if (serverTime) this.offsetMs = Date.parse(serverTime) - Date.now();
  }
  now() {
    return Date.now() + this.offsetMs;
  }
  // Seconds left of countdown `view` (the server's countdown payload), or null without one.
  remaining(view) {
    if (!view || view.state === "stopped") return null;
    if (view.state === "running" && view.deadline) {
      return Math.max(0, (Date.parse(view.deadline) - this.now()) / 1000);
    }
    return view.remaining ?? 0;
  }
}

export function formatSeconds(seconds) {
  const whole = Math.ceil(seconds);
  const m = Math.floor(whole / 60);
  const s = String(whole % 60).padStart(2, "0");
  return `${m}:${s}`;
}

// Keep `element` showing the countdown: text m:ss, data-remaining (whole seconds), data-state.
export function showCountdown(element, clock, view, strings = {}) {
  const left = clock.remaining(view);
  element.hidden = left === null;
  if (left === null) return;
  element.dataset.state = view.state;
  element.dataset.remaining = String(Math.ceil(left));
  const label = view.state === "paused" ? ` (${strings.paused || "paused"})` : "";
  element.textContent = left <= 0 ? strings.timeUp || "0:00" : `${formatSeconds(left)}${label}`;
  element.classList.toggle("countdown-low", left > 0 && left <= 30);
}
