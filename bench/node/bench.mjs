// Measures Node's WebSocket (node --experimental-websocket) on the workloads of the
// bench command, against the same echo server. Run by the bench command:
//
//   node --experimental-websocket bench.mjs '<config JSON>'
//
// config: {"base": "ws://127.0.0.1:port", "target_ms": 250,
//          "workloads": [{"name", "kind": "rtt"|"recv"|"send", "size", "compress"}],
//          "payloads": {"<size>": "path of a file holding the message of that size"}}
// It prints one JSON object: {"samples": {name: ns per operation}, "extensions": {name: ws.extensions}}.

import { readFileSync } from 'node:fs';

const cfg = JSON.parse(process.argv[2]);

// The bench's payload: the Go side's bytes (bench/payload), which the bench command
// writes to files, one per size.
const payloads = new Map();
function payload(size) {
  let b = payloads.get(size);
  if (b) return b;
  const file = cfg.payloads[size];
  if (!file) throw new Error(`no payload file for ${size} B`);
  const buf = readFileSync(file);
  if (buf.length !== size) throw new Error(`${file}: ${buf.length} B, want ${size}`);
  b = new Uint8Array(buf);
  payloads.set(size, b);
  return b;
}

function open(url) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.binaryType = 'arraybuffer';
    ws.onopen = () => resolve(ws);
    ws.onerror = () => reject(new Error('cannot connect to ' + url));
  });
}

function roundTrips(ws, msg, n) {
  return new Promise((resolve, reject) => {
    let count = 0;
    ws.onmessage = (e) => {
      if (e.data.byteLength !== msg.length) return reject(new Error('bad echo'));
      if (++count < n) ws.send(msg);
      else resolve();
    };
    ws.send(msg);
  });
}

function receive(ws, n, size) {
  return new Promise((resolve, reject) => {
    let count = 0;
    ws.onmessage = (e) => {
      if (e.data.byteLength !== size) return reject(new Error('bad message'));
      if (++count === n) resolve();
    };
    ws.send(`${n} ${size}`);
  });
}

const tick = () => new Promise((r) => setImmediate(r));

async function send(ws, msg, n) {
  const ok = new Promise((resolve) => {
    ws.onmessage = (e) => { if (e.data === 'ok') resolve(); };
  });
  for (let i = 0; i < n; i++) {
    if (ws.bufferedAmount > 4 << 20) {
      while (ws.bufferedAmount > 2 << 20) await tick();
    }
    ws.send(msg);
  }
  ws.send('end');
  await ok;
}

async function run(ws, w, n) {
  const start = process.hrtime.bigint();
  switch (w.kind) {
    case 'rtt': await roundTrips(ws, payload(w.size), n); break;
    case 'recv': await receive(ws, n, w.size); break;
    case 'send': await send(ws, payload(w.size), n); break;
  }
  return Number(process.hrtime.bigint() - start);
}

const paths = { rtt: '/echo', recv: '/push', send: '/sink' };
const samples = {};
const extensions = {};
for (const w of cfg.workloads) {
  const ws = await open(cfg.base + paths[w.kind] + (w.compress ? '?compress=1' : '?compress=0'));
  extensions[w.name] = ws.extensions;
  const target = cfg.target_ms * 1e6;
  let n = 1;
  for (;;) {
    const el = await run(ws, w, n);
    if (el >= target / 8 || n >= 1 << 22) {
      n = Math.max(1, Math.round(n * target / el));
      break;
    }
    n *= 2;
  }
  samples[w.name] = (await run(ws, w, n)) / n;
  ws.close();
}
console.log(JSON.stringify({ samples, extensions }));
