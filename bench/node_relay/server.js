// The Node baseline of bench/fanout.py: a bare socket.io 4 relay, the stack Slido-like services use.
// Same events and payload as bench/bare_relay.py (join acks {ok}, post emits `contribution` to the
// room with the fields of Deliberate's contribution_view and acks {ok, contribution}), same engine.io
// settings (64 KiB buffer, ping 25 s / 20 s, no compression), no database, no login.
//
//     node bench/node_relay/server.js --port 5200
"use strict";
const http = require("http");
const { Server } = require("socket.io");

const args = process.argv.slice(2);
const at = args.indexOf("--port");
const port = at >= 0 ? Number(args[at + 1]) : 5200;

const httpServer = http.createServer((req, res) => {
  if (req.url === "/healthz") {
    res.writeHead(200, { "Content-Type": "application/json" });
    res.end('{"status":"ok"}');
    return;
  }
  res.writeHead(404);
  res.end();
});

const io = new Server(httpServer, {
  maxHttpBufferSize: 64 * 1024,
  pingInterval: 25000,
  pingTimeout: 20000,
  perMessageDeflate: false,
  serveClient: false,
});

let ids = 0;
io.on("connection", (socket) => {
  socket.on("join", (payload, ack) => {
    socket.join(`q${payload && payload.question_id}:public`);
    if (typeof ack === "function") ack({ ok: true });
  });
  socket.on("post", (payload, ack) => {
    const questionId = payload && payload.question_id;
    const contribution = {
      id: ++ids,
      question_id: questionId,
      text: String((payload && payload.text) || "").trim(),
      author: "Bench 0",
      role: "attendee",
      language: "en",
      created_at: new Date().toISOString(),
      agree: 0,
      disagree: 0,
      my_vote: null,
      cluster_id: null,
      hidden: false,
    };
    io.to(`q${questionId}:public`).emit("contribution", contribution);
    if (typeof ack === "function") ack({ ok: true, contribution });
  });
});

httpServer.listen(port, "127.0.0.1", () => {
  process.stderr.write(`node relay on http://127.0.0.1:${port}/ (socket.io 4)\n`);
});
