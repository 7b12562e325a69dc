// One Socket.IO connection per page, shared by the room, the agenda and the notifications.
let shared = null;

export function pageSocket(options = {}) {
  if (!shared) {
    shared = window.io({ transports: ["websocket", "polling"], reconnectionDelayMax: 5000, ...options });
  }
  return shared;
}

// Send an event and resolve with its ack (or an offline / timeout error, never a rejection).
export function ask(socket, event, payload, timeoutMs = 8000) {
  return new Promise((resolve) => {
    if (!socket.connected) {
      resolve({ ok: false, error: { code: "offline", message: "offline" } });
      return;
    }
    socket.timeout(timeoutMs).emit(event, payload, (err, ack) => {
      resolve(err ? { ok: false, error: { code: "timeout", message: "no answer" } } : ack);
    });
  });
}
