// The JavaScript driver of the conformance harness: runs scenarios (the data of
// conformance/scenario, as JSON) through the runtime's own WebSocket and records
// the same trace the Go driver (conformance/scenario/run.go) records. It runs in
// a Chromium page and in Node (node --experimental-websocket).
(function () {
  "use strict";

  function expand(s) {
    return (s || "").replace(/\{([^}]*)\}/gu, function (m, tok) {
      if (tok === "lone") return "\uD807";
      const r = /^(.)\*(\d+)$/su.exec(tok);
      return r ? r[1].repeat(Number(r[2])) : m;
    });
  }

  function pattern(n) {
    const b = new Uint8Array(n);
    for (let i = 0; i < n; i++) b[i] = (i * 7 + 3) & 0xff;
    return b;
  }

  function fnv(b) {
    let h = 2166136261;
    for (let i = 0; i < b.length; i++) {
      h ^= b[i];
      h = Math.imul(h, 16777619) >>> 0;
    }
    return h.toString(16).padStart(8, "0");
  }

  const enc = new TextEncoder();

  function describeText(s) {
    const b = enc.encode(s);
    return b.length <= 128 ? "text:" + s : "text:" + b.length + " bytes, fnv " + fnv(b);
  }

  function describeBinary(kind, b, type) {
    let s = kind + ":" + b.length + ":";
    if (type) s += "type=" + type + ":";
    if (b.length > 16) return s + "fnv " + fnv(b);
    let printable = true;
    for (const c of b) if (c < 0x20 || c > 0x7e) printable = false;
    if (printable) return s + String.fromCharCode.apply(null, b);
    return s + Array.from(b, (c) => c.toString(16).padStart(2, "0")).join("");
  }

  function payload(a) {
    return a.text ? enc.encode(expand(a.text)) : pattern(a.size || 0);
  }

  function exceptionName(e) {
    if (e && typeof e.name === "string" && e.name) return e.name;
    return "JS error: " + String(e);
  }

  // run runs one scenario whose url is already expanded; it resolves to a trace.
  function run(sc) {
    return new Promise(function (resolve) {
      const start = Date.now();
      const entries = [];
      const pending = [];
      const listeners = {};
      let finished = false;
      let ws;
      try {
        ws = sc.protocols ? new WebSocket(sc.url, sc.protocols) : new WebSocket(sc.url);
      } catch (e) {
        entries.push({ event: "new", exception: exceptionName(e) });
        resolve({ scenario: sc.name, entries: entries, elapsedMS: Date.now() - start });
        return;
      }
      entries.push({
        event: "new", readyState: ws.readyState, url: ws.url, binaryType: ws.binaryType,
        bufferedAmount: ws.bufferedAmount, protocol: ws.protocol, extensions: ws.extensions,
      });

      function act(actions, data) {
        for (const a of actions || []) {
          if ((a.if && a.if !== data) || (a.unless && a.unless === data)) continue;
          if (a.do === "attrs") {
            entries.push({
              event: "do", action: "attrs", readyState: ws.readyState, url: ws.url, protocol: ws.protocol,
              extensions: ws.extensions, binaryType: ws.binaryType, bufferedAmount: ws.bufferedAmount,
            });
            continue;
          }
          let exception = "";
          try {
            switch (a.do) {
              case "send": ws.send(expand(a.text)); break;
              case "sendBytes": ws.send(payload(a).buffer); break;
              case "sendView": ws.send(new Uint8Array(pattern(2 * a.size).buffer, a.offset || 0, a.size)); break;
              case "sendBlob": ws.send(new Blob([payload(a)])); break;
              case "sendNext": ws.send(String(parseInt(data.slice(5), 10) + 1)); break;
              case "close": ws.close(); break;
              case "closeCode":
                if (a.reason) ws.close(a.code || 0, expand(a.reason)); else ws.close(a.code || 0);
                break;
              case "binaryType": ws.binaryType = expand(a.text); break;
              case "block": { const t = Date.now(); while (Date.now() - t < (a.size || 0)) { /* busy */ } break; }
              case "listen": {
                const name = a.reason;
                const fn = function (ev) {
                  entries.push({ event: ev.type, action: "listener " + name, readyState: ws.readyState });
                };
                listeners[name] = fn;
                ws.addEventListener(a.text, fn, { once: a.code === 1 });
                break;
              }
              case "setOnMessage": ws.onmessage = a.text === "null" ? null : function (ev) { onmessage(ev); }; break;
              case "unlisten": ws.removeEventListener("message", listeners[a.reason]); ws.removeEventListener("open", listeners[a.reason]);
                ws.removeEventListener("error", listeners[a.reason]); ws.removeEventListener("close", listeners[a.reason]); break;
              default: throw new Error("unknown action " + a.do);
            }
          } catch (e) {
            exception = exceptionName(e);
          }
          const e = { event: "do", action: a.desc, readyState: ws.readyState };
          if (exception) e.exception = exception;
          entries.push(e);
        }
      }

      // finish resolves with the trace; after a timeout, the trace as it was at
      // the timeout (what close() makes happen then differs from run to run in
      // Node, and the report must not).
      function finish(trace) {
        if (finished) return;
        finished = true;
        Promise.all(pending).then(function () { resolve({ scenario: sc.name, entries: trace || entries, elapsedMS: Date.now() - start }); });
      }

      act(sc.now, "");
      ws.onopen = function () {
        entries.push({ event: "open", readyState: ws.readyState, protocol: ws.protocol, extensions: ws.extensions });
        act(sc.onOpen, "");
      };
      function onmessage(ev) {
        const entry = { event: "message", readyState: ws.readyState, origin: ev.origin };
        entries.push(entry);
        const d = ev.data;
        if (typeof d === "string") {
          entry.data = describeText(d);
        } else if (d instanceof ArrayBuffer) {
          entry.data = describeBinary("arraybuffer", new Uint8Array(d), "");
        } else if (typeof Blob !== "undefined" && d instanceof Blob) {
          const type = d.type;
          pending.push(d.arrayBuffer().then(function (ab) { entry.data = describeBinary("blob", new Uint8Array(ab), type); }));
        } else {
          entry.data = "other:" + Object.prototype.toString.call(d);
        }
        act(sc.onMessage, entry.data || "");
      }
      ws.onmessage = onmessage;
      ws.onerror = function () {
        entries.push({ event: "error", readyState: ws.readyState });
      };
      ws.onclose = function (ev) {
        entries.push({ event: "close", readyState: ws.readyState, code: ev.code, reason: ev.reason, wasClean: ev.wasClean });
        act(sc.onClose, "");
        finish();
      };
      setTimeout(function () {
        if (finished) return;
        entries.push({ event: "timeout", readyState: ws.readyState });
        const trace = entries.slice();
        try { ws.close(); } catch (e) { /* ignore */ }
        finish(trace);
      }, sc.timeoutMS || 5000);
    });
  }

  // conformanceRunAll runs the scenarios, parallel at a time, and resolves to
  // their traces as a JSON string.
  globalThis.conformanceRunAll = async function (scenarios, parallel) {
    const out = new Array(scenarios.length);
    let next = 0;
    async function worker() {
      while (next < scenarios.length) {
        const i = next++;
        out[i] = await run(scenarios[i]);
      }
    }
    const workers = [];
    for (let k = 0; k < Math.max(1, parallel || 1); k++) workers.push(worker());
    await Promise.all(workers);
    return JSON.stringify(out);
  };
})();
