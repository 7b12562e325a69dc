// The live connection of a room: joins on every (re)connection, keeps posts typed while offline in
// localStorage and sends them again with their original client_id once the connection is back.
import { pageSocket } from "./socket.js";

const ACK_TIMEOUT_MS = 8000;
// `unavailable`: nothing was stored (the database or Redis was away). The same payload goes again
// (a post with its client_id, so never twice), after these pauses.
export const RETRYABLE = ["unavailable"];
const RETRY_PAUSES_MS = [500, 1000, 2000, 4000];
// Codes after which a post stays pending, to be sent again later.
export const KEEP_PENDING = ["offline", "timeout", ...RETRYABLE];
// A room event whose seq skips a number: the missing one may still be on its way (events of two
// processes cross), so the page waits this long before fetching the whole room again.
const GAP_GRACE_MS = 2000;

const pause = (ms) => new Promise((resolve) => { window.setTimeout(resolve, ms); });

export function newClientId() {
  if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
  return `c-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;
}

const PENDING_PREFIX = "deliberate:pending:";

// Posts typed offline belong to the person who typed them: on a shared browser, whatever another
// person (or nobody, once logged out) left behind is dropped, never sent under the next one's name.
export function dropOthersPending(person) {
  try {
    for (const key of Object.keys(localStorage)) {
      if (key.startsWith(PENDING_PREFIX) && !key.startsWith(`${PENDING_PREFIX}${person}:`)) {
        localStorage.removeItem(key);
      }
    }
  } catch { /* storage unavailable: nothing kept, nothing to drop */ }
}

export class PendingPosts {
  constructor(questionId, person = document.body.dataset.person || "") {
    dropOthersPending(person);
    this.key = `${PENDING_PREFIX}${person}:${questionId}`;
  }
  all() {
    try { return JSON.parse(localStorage.getItem(this.key) || "[]"); } catch { return []; }
  }
  add(post) { this.save([...this.all().filter((p) => p.client_id !== post.client_id), post]); }
  remove(clientId) { this.save(this.all().filter((p) => p.client_id !== clientId)); }
  save(list) {
    try { localStorage.setItem(this.key, JSON.stringify(list)); } catch { /* private mode: memory only */ }
  }
}

export class LiveRoom {
  // strings: the page's translated texts; `offline` and `timeout` become the messages of failed requests.
  constructor(questionId, handlers, strings = {}) {
    this.questionId = questionId;
    this.handlers = handlers;
    this.strings = strings;
    this.pending = new PendingPosts(questionId);
    this.socket = pageSocket();  // shared with the agenda and the notifications of the page
    this.socket.on("connect", () => this.joined());
    this.socket.on("disconnect", () => handlers.onConnection("offline"));
    this.socket.on("connect_error", () => handlers.onConnection("offline"));
    // Every event the server sends to the room goes to the page's one place that applies them, also
    // events added later (job progress, agenda…): a new panel needs no change here.
    // A busy room sends its new contributions in batches (`contributions`, see docs/API.md): each one
    // is applied exactly as a single `contribution` event, in the batch's order (each has its seq).
    this.socket.onAny((name, payload) => {
      if (name === "degraded") { this.degraded(payload); return; }
      if (name === "rebalance") { this.rebalance(); return; }
      const events = name === "contributions"
        ? payload.contributions.map((contribution) => ["contribution", contribution])
        : [[name, payload]];
      for (const [event, body] of events) {
        for (const arrived of this.joining) arrived.push([event, body]);
        handlers.onEvent(event, body);
        // Only the room's own events carry a seq (this socket is in no other question's room).
        if (body && typeof body.seq === "number") this.counted(body);
      }
    });
    this.inflight = 0;  // requests waiting for their answer
    this.joining = [];  // per join in flight, the events that arrived meanwhile (see joined)
    this.seq = null;  // the room's changes applied so far, as the state or contiguous events say
    this.ahead = new Set();  // seqs seen beyond a gap
    this.gapTimer = null;
    if (this.socket.connected) this.joined();  // another module of the page connected it first
  }

  // The server says whether its rooms are degraded (Redis away: only this process's events arrive);
  // once they are not, the page fetches its room again, after a random pause so pages do not all
  // ask at once.
  degraded(payload) {
    const value = Boolean(payload && payload.degraded);
    if (this.handlers.onDegraded) this.handlers.onDegraded(value);
    if (!value) window.setTimeout(() => this.joined(), Math.random() * 1500);
  }

  // The server holds more than its share of the hall (after a restart moved people to it): this page
  // reconnects once no request of its own is waiting for an answer, and nginx sends it to its route's
  // process. Joining again on the connection fetches the room.
  async rebalance() {
    while (this.inflight > 0) await pause(100);
    await pause(Math.random() * 1000);
    this.socket.disconnect();
    this.socket.connect();
  }

  counted(payload) {
    const seq = Number(payload.seq);
    if (this.seq === null || seq <= this.seq) return;
    if (seq === this.seq + 1) {
      this.seq = seq;
      while (this.ahead.delete(this.seq + 1)) this.seq += 1;
    } else {
      this.ahead.add(seq);
    }
    for (const s of [...this.ahead]) if (s <= this.seq) this.ahead.delete(s);
    if (this.ahead.size === 0) {
      window.clearTimeout(this.gapTimer);
      this.gapTimer = null;
    } else if (this.gapTimer === null) {
      this.gapTimer = window.setTimeout(() => {
        this.gapTimer = null;
        if (this.ahead.size) this.joined();  // still missing: fetch the room
      }, GAP_GRACE_MS);
    }
  }

  setStrings(strings) {
    this.strings = strings || {};
  }

  async request(event, payload) {
    let ack = await this.requestOnce(event, payload);
    for (const ms of RETRY_PAUSES_MS) {
      if (ack.ok || !RETRYABLE.includes(ack.error.code)) break;
      await pause(ms * (0.75 + Math.random() / 2));
      ack = await this.requestOnce(event, payload);
    }
    return ack;
  }

  requestOnce(event, payload) {
    this.inflight += 1;
    return this.emitOnce(event, payload).finally(() => { this.inflight -= 1; });
  }

  emitOnce(event, payload) {
    return new Promise((resolve) => {
      if (!this.socket.connected) {
        resolve({ ok: false, error: { code: "offline", message: this.strings.offline || "offline" } });
        return;
      }
      this.socket.timeout(ACK_TIMEOUT_MS).emit(event, payload, (err, ack) => {
        resolve(err ? { ok: false, error: { code: "timeout", message: this.strings.timeout || "no answer" } } : ack);
      });
    });
  }

  // An event may overtake the join's answer (sent after the state was read, before the answer left):
  // the state would erase it, so what arrived meanwhile is applied again on top of the state when it
  // is newer (its seq) or a tally (read when it was sent).
  async joined() {
    const arrived = [];
    this.joining.push(arrived);
    const ack = await this.request("join", { question_id: this.questionId, batches: true });
    this.joining.splice(this.joining.indexOf(arrived), 1);
    if (!ack.ok) {
      this.handlers.onConnection("offline", ack.error);
      // Still unavailable after the retries (the database away for a while): try again in a moment.
      if (RETRYABLE.includes(ack.error.code)) window.setTimeout(() => this.joined(), 5000);
      return;
    }
    this.seq = ack.state.seq;
    this.ahead.clear();
    window.clearTimeout(this.gapTimer);
    this.gapTimer = null;
    this.handlers.onState(ack.state);
    for (const [name, payload] of arrived) {
      const newer = payload && typeof payload.seq === "number" && payload.seq > ack.state.seq;
      if (name === "tally" || newer) this.handlers.onEvent(name, payload);
      if (newer) this.counted(payload);
    }
    this.handlers.onConnection("connected");
    if (this.handlers.onDegraded) this.handlers.onDegraded(Boolean(ack.state.degraded));
    await this.flushPending();
  }

  // A post is kept until the server acknowledges it; the server answers a resend with the same
  // client_id by returning the contribution it already has, so nothing is ever stored twice.
  async post(text, language = null) {
    const post = { client_id: newClientId(), text, question_id: this.questionId };
    if (language) post.language = language;  // the author's choice; the server detects it otherwise
    this.pending.add(post);
    this.handlers.onPending(this.pending.all());
    return this.send(post);
  }

  async send(post) {
    const ack = await this.request("post", post);
    if (ack.ok) {
      this.pending.remove(post.client_id);
      this.handlers.onEvent("contribution", ack.contribution);
    } else if (!KEEP_PENDING.includes(ack.error.code)) {
      this.pending.remove(post.client_id);  // refused for good (closed, invalid, rate limited)
    } else if (RETRYABLE.includes(ack.error.code)) {
      this.retryLater();
    }
    this.handlers.onPending(this.pending.all());
    return ack;
  }

  // Still unavailable after the request's own retries: the pending posts go again in a while (and at
  // the next connection in any case).
  retryLater() {
    if (this.retryTimer) return;
    this.retryTimer = window.setTimeout(() => { this.retryTimer = null; this.flushPending(); }, 5000);
  }

  async flushPending() {
    for (const post of this.pending.all()) {
      const ack = await this.send(post);
      if (!ack.ok && KEEP_PENDING.includes(ack.error.code)) break;
      if (!ack.ok) this.handlers.onRefused(post, ack.error);
    }
  }
}
