// The live connection of a room: joins on every (re)connection, keeps posts typed while offline in
// localStorage and sends them again with their original client_id once the connection is back.
import { pageSocket } from "./socket.js";

const ACK_TIMEOUT_MS = 8000;

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
    this.socket.onAny((name, payload) => handlers.onEvent(name, payload));
    if (this.socket.connected) this.joined();  // another module of the page connected it first
  }

  setStrings(strings) {
    this.strings = strings || {};
  }

  request(event, payload) {
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

  async joined() {
    const ack = await this.request("join", { question_id: this.questionId });
    if (!ack.ok) {
      this.handlers.onConnection("offline", ack.error);
      return;
    }
    this.handlers.onState(ack.state);
    this.handlers.onConnection("connected");
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
    } else if (!["offline", "timeout"].includes(ack.error.code)) {
      this.pending.remove(post.client_id);  // refused for good (closed, invalid, rate limited)
    }
    this.handlers.onPending(this.pending.all());
    return ack;
  }

  async flushPending() {
    for (const post of this.pending.all()) {
      const ack = await this.send(post);
      if (!ack.ok && ["offline", "timeout"].includes(ack.error.code)) break;
      if (!ack.ok) this.handlers.onRefused(post, ack.error);
    }
  }
}
