// The receivers of bench/fanout.py in Node (--client node): one socket.io-client per cookie, all in
// one process that costs a fraction of the Python client's CPU per message, so that the clients do not
// cap what the servers are measured at. Latency: the post's text starts with "<seq> <stamp>", the
// poster's CLOCK_MONOTONIC in ns (Python's perf_counter_ns); process.hrtime reads the same clock.
//
//     node receivers.js CONFIG.json OUT.json     (CONFIG: {question_id, targets: [[url, cookie], …]})
// stdin: "reset" forgets what arrived (the warm-up), "drain N SECONDS" waits for N deliveries (or the
// time), writes OUT.json and exits. stdout: "ready" once every socket has joined, "done" at the end.
"use strict";
const fs = require("fs");
const readline = require("readline");
const { io } = require("socket.io-client");

const [configPath, outPath] = process.argv.slice(2);
const config = JSON.parse(fs.readFileSync(configPath, "utf8"));
const n = config.targets.length;

let latencies = [];
let seen = new Set();
let duplicates = 0;
let frames = 0;
let batches = 0;
let cpu = process.cpuUsage();
const spans = new Map(); // seq -> [first, last] latency (ms)

function record(index, now, text) {
  const space = text.indexOf(" ");
  const seq = Number(text.slice(0, space));
  const stamp = BigInt(text.slice(space + 1, text.indexOf(" ", space + 1)));
  const key = seq * n + index;
  if (seen.has(key)) { duplicates += 1; return; }
  seen.add(key);
  const latency = Number(now - stamp) / 1e6;
  latencies.push(latency);
  const span = spans.get(seq);
  if (span === undefined) spans.set(seq, [latency, latency]);
  else { if (latency < span[0]) span[0] = latency; if (latency > span[1]) span[1] = latency; }
}

function connect(index) {
  return new Promise((resolve, reject) => {
    const [url, cookie] = config.targets[index];
    const socket = io(url, {
      transports: ["websocket"], extraHeaders: { Cookie: cookie }, reconnection: false, timeout: 60000,
      forceNew: true,
    });
    socket.on("contribution", (c) => { frames += 1; record(index, process.hrtime.bigint(), c.text); });
    socket.on("contributions", (b) => {
      frames += 1; batches += 1;
      const now = process.hrtime.bigint();
      for (const c of b.contributions) record(index, now, c.text);
    });
    socket.once("connect_error", reject);
    socket.once("connect", () => {
      socket.timeout(60000).emit("join", { question_id: config.question_id, batches: true }, (err, ack) => {
        if (err || !ack || !ack.ok) reject(new Error(`join refused: ${err || JSON.stringify(ack)}`));
        else resolve(socket);
      });
    });
  });
}

async function main() {
  const sockets = new Array(n);
  let next = 0;
  async function worker() {
    while (next < n) {
      const index = next++;
      for (let attempt = 0; ; attempt++) {
        try { sockets[index] = await connect(index); break; } catch (error) {
          if (attempt >= 2) throw error;
          await new Promise((r) => setTimeout(r, 1000 * (attempt + 1)));
        }
      }
    }
  }
  await Promise.all(Array.from({ length: 50 }, worker));
  process.stdout.write("ready\n");
  for await (const line of readline.createInterface({ input: process.stdin })) {
    const [command, expected, seconds] = line.trim().split(" ");
    if (command === "reset") {
      latencies = []; seen = new Set(); duplicates = 0; frames = 0; batches = 0; spans.clear();
      cpu = process.cpuUsage();
      process.stdout.write("reset\n");
    } else if (command === "drain") {
      const deadline = Date.now() + Number(seconds) * 1000;
      while (seen.size < Number(expected) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      const first = [], last = [];
      for (const [f, l] of spans.values()) { first.push(f); last.push(l); }
      const used = process.cpuUsage(cpu);
      const cpuSeconds = (used.user + used.system) / 1e6;
      fs.writeFileSync(outPath, JSON.stringify({ latencies, deliveries: seen.size, duplicates, frames, batches, first, last, cpuSeconds }));
      process.stdout.write("done\n");
      for (const socket of sockets) socket.disconnect();
      process.exit(0);
    }
  }
}

main().catch((error) => { process.stderr.write(`${error.stack || error}\n`); process.exit(1); });
