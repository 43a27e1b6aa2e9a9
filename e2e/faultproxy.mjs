// A fault-injecting HTTP proxy for the e2e tests, in front of the collector.
//
//   Chromium ──POST /v1/traces──> faultproxy ──> otelcol-spanfall
//
// By default it forwards every request (POST /v1/traces and the CORS
// preflight OPTIONS) to the collector unchanged and passes the answer back.
// The test process programs it directly (same process, plain JS API) with
// rules, checked in the order they were added; the first active rule whose
// match holds applies to a POST:
//
//   proxy.reply({status: 503, headers: {'Retry-After': '2'}}, {forMs: 6000})
//   proxy.reply(rpcStatus(400, 3, 'no'), {match: hasSpanId(id), times: 1})
//   const h = proxy.hold({times: 1, forever: true})   // forward, never answer
//   const h = proxy.hold({times: 1}); ...; h.release()  // forward, answer later
//
// Faults answered by the proxy itself are never forwarded (the collector does
// not see that request). Every request is logged in proxy.requests with its
// times, status, size, content type and encoding, the span ids it carried
// (decoded from OTLP JSON or protobuf, gzipped or not) and how many POSTs
// were in flight when it arrived; proxy.maxInFlight is the most POSTs ever in
// flight at once.
//
// The proxy answers CORS itself on the answers it makes up (like the
// collector: Access-Control-Allow-Origin echoes http://localhost:* and
// http://127.0.0.1:* origins). Unlike the collector, it also sends
// Access-Control-Expose-Headers: Retry-After on them (exposeRetryAfter,
// default true): without it a browser's fetch cannot read Retry-After on a
// cross-origin answer, so no web app could honour it.

import http from 'node:http';
import zlib from 'node:zlib';

const ALLOWED_ORIGIN = /^http:\/\/(localhost|127\.0\.0\.1)(:\d+)?$/;
const ALLOWED_HEADERS = 'Content-Type, Content-Encoding, traceparent, tracestate';

/** A google.rpc.Status JSON answer: rpcStatus(400, 3, 'bad') */
export function rpcStatus(status, code, message, headers = {}) {
  return {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify({ code, message }),
  };
}

/** A match for rules: the request carries this span id (hex). */
export const hasSpanId = (spanId) => (req) => req.spanIds.includes(spanId);

/** A match for rules: the decompressed body contains this text. */
export const bodyIncludes = (text) => (req) => req.body.includes(Buffer.from(text));

/**
 * Starts the proxy on a free 127.0.0.1 port, forwarding to target (the
 * collector's base URL, e.g. http://127.0.0.1:4318).
 */
export async function startFaultProxy({ target, exposeRetryAfter = true } = {}) {
  const upstream = new URL(target);
  const rules = [];
  const requests = [];
  const sockets = new Set();
  const proxy = {
    requests,
    inFlight: 0,
    maxInFlight: 0,
    exposeRetryAfter,
    url: '',
    tracesURL: '',

    /**
     * Answers POSTs with response ({status, headers, body}) instead of
     * forwarding them. opts: times (how many requests, default unlimited),
     * forMs (only during the next forMs ms), match (req => bool, see
     * hasSpanId/bodyIncludes; req has n, body, spanIds, headers).
     */
    reply(response, opts = {}) {
      return addRule({ ...opts, reply: response });
    },

    /**
     * Holds POSTs: forwards them to the collector (forward: false skips
     * that) but keeps the answer until rule.release() — or forever (forever:
     * true; the request ends only when the client goes away). Same
     * times/forMs/match as reply(). rule.held() counts requests being held.
     */
    hold(opts = {}) {
      return addRule({ forward: true, ...opts, hold: true });
    },

    /** Removes every rule (releasing held answers): plain pass-through. */
    passThrough() {
      for (const r of rules.splice(0)) r.release();
    },

    /** Forgets the request log and the concurrency high-water mark. */
    resetLog() {
      requests.length = 0;
      proxy.maxInFlight = proxy.inFlight;
    },

    /** The POSTs of the log (what the app exported). */
    posts() {
      return requests.filter((r) => r.method === 'POST');
    },

    /** A summary for figures and diagnostics. */
    summary() {
      const posts = proxy.posts();
      const by = (k) => {
        const m = {};
        for (const p of posts) m[p[k] ?? '(none)'] = (m[p[k] ?? '(none)'] ?? 0) + 1;
        return m;
      };
      return {
        requests: posts.length,
        bytes: posts.reduce((a, p) => a + p.bytes, 0),
        decodedBytes: posts.reduce((a, p) => a + p.decodedBytes, 0),
        spans: posts.reduce((a, p) => a + p.spanIds.length, 0),
        statuses: by('status'),
        contentTypes: by('contentType'),
        contentEncodings: by('contentEncoding'),
        maxInFlight: proxy.maxInFlight,
      };
    },

    /** One line per request, for failure messages. */
    describe(last = 60) {
      const t0 = requests[0]?.received ?? 0;
      return requests.slice(-last).map((r) =>
        `#${r.n} ${r.method} +${r.received - t0}ms` +
        (r.answered != null ? ` answered +${r.answered - t0}ms` : ' (no answer)') +
        ` ${r.status ?? '-'}${r.action !== 'forward' ? ` [${r.action}]` : ''}` +
        (r.aborted ? ' ABORTED' : '') +
        (r.method === 'POST' ? ` ${r.bytes}B ${r.contentType ?? ''} ${r.contentEncoding ?? ''} spans=${r.spanIds.length} inflight=${r.inFlightAtStart}` : '') +
        (r.error ? ` error=${r.error}` : '')).join('\n');
    },

    async stop() {
      proxy.passThrough();
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(() => resolve()));
    },
  };

  function addRule(opts) {
    let releaseAll;
    const released = new Promise((resolve) => { releaseAll = resolve; });
    const rule = {
      match: opts.match ?? (() => true),
      times: opts.times ?? Infinity,
      until: opts.forMs != null ? Date.now() + opts.forMs : Infinity,
      reply: opts.reply,
      hold: !!opts.hold,
      forever: !!opts.forever,
      forward: opts.forward ?? !opts.reply,
      hits: 0,
      holding: 0,
      released,
      release() {
        rule.times = 0;
        rule.isReleased = true;
        releaseAll();
      },
      remove() {
        const i = rules.indexOf(rule);
        if (i >= 0) rules.splice(i, 1);
        rule.release();
      },
      held: () => rule.holding,
    };
    rules.push(rule);
    return rule;
  }

  function pickRule(req) {
    const now = Date.now();
    for (const r of rules) {
      if (r.times <= 0 || now > r.until) continue;
      let ok = false;
      try {
        ok = r.match(req);
      } catch {
        ok = false;
      }
      if (!ok) continue;
      r.times--;
      r.hits++;
      return r;
    }
    return null;
  }

  function corsHeaders(origin) {
    if (!origin || !ALLOWED_ORIGIN.test(origin)) return {};
    const h = { 'Access-Control-Allow-Origin': origin, Vary: 'Origin' };
    if (proxy.exposeRetryAfter) h['Access-Control-Expose-Headers'] = 'Retry-After';
    return h;
  }

  function forward(req, body) {
    return new Promise((resolve, reject) => {
      const headers = { ...req.headers, host: upstream.host };
      const up = http.request({
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers,
        agent: false,
      }, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      });
      up.on('error', reject);
      up.end(body);
    });
  }

  const server = http.createServer(async (req, res) => {
    const entry = {
      n: requests.length,
      method: req.method,
      path: req.url,
      received: Date.now(),
      answered: null,
      status: null,
      action: 'forward',
      bytes: 0,
      decodedBytes: 0,
      contentType: req.headers['content-type'],
      contentEncoding: req.headers['content-encoding'],
      origin: req.headers.origin,
      spanIds: [],
      inFlightAtStart: 0,
      aborted: false,
    };
    requests.push(entry);
    const isPost = req.method === 'POST';
    let done = false;
    if (isPost) {
      proxy.inFlight++;
      entry.inFlightAtStart = proxy.inFlight;
      proxy.maxInFlight = Math.max(proxy.maxInFlight, proxy.inFlight);
    }
    const finish = () => {
      if (done) return;
      done = true;
      if (isPost) proxy.inFlight--;
    };
    res.on('finish', finish);
    res.on('close', () => {
      if (!res.writableFinished) entry.aborted = true;
      finish();
    });

    try {
      const chunks = [];
      for await (const c of req) chunks.push(c);
      const body = Buffer.concat(chunks);
      entry.bytes = body.length;

      if (req.method === 'OPTIONS') {
        let answer;
        try {
          answer = await forward(req, body);
        } catch (err) {
          // Collector away: answer the preflight as it would.
          entry.action = 'own-preflight';
          entry.error = err.code ?? err.message;
          answer = {
            status: 204,
            headers: {
              ...corsHeaders(req.headers.origin),
              'Access-Control-Allow-Methods': 'POST',
              'Access-Control-Allow-Headers': ALLOWED_HEADERS,
              'Access-Control-Max-Age': '600',
            },
            body: Buffer.alloc(0),
          };
        }
        return send(res, entry, answer);
      }

      const decoded = decodeBody(body, entry.contentEncoding, entry.contentType);
      entry.decodedBytes = decoded.body.length;
      entry.spanIds = decoded.spanIds;
      if (decoded.error) entry.error = decoded.error;
      const info = { n: entry.n, headers: req.headers, body: decoded.body, spanIds: decoded.spanIds };
      const rule = isPost ? pickRule(info) : null;

      if (rule?.reply) {
        entry.action = `reply ${rule.reply.status}`;
        return send(res, entry, {
          status: rule.reply.status,
          headers: { ...corsHeaders(req.headers.origin), ...(rule.reply.headers ?? {}) },
          body: Buffer.from(rule.reply.body ?? ''),
        });
      }

      let answer = null;
      if (!rule || rule.forward) {
        try {
          answer = await forward(req, body);
        } catch (err) {
          entry.error = err.code ?? err.message;
          answer = { status: 502, headers: corsHeaders(req.headers.origin), body: Buffer.from(`faultproxy: ${entry.error}`) };
        }
      }
      if (rule?.hold) {
        entry.action = rule.forever ? 'hold forever' : 'hold';
        entry.forwarded = !!rule.forward;
        entry.upstreamStatus = answer?.status;
        rule.holding++;
        if (rule.forever) {
          // Never answer; the request ends when the client goes away.
          await clientGone(res);
          rule.holding--;
          return;
        }
        await Promise.race([rule.released, clientGone(res)]);
        rule.holding--;
        if (res.destroyed) return;
        if (!answer) answer = { status: 200, headers: { ...corsHeaders(req.headers.origin), 'Content-Type': 'application/json' }, body: Buffer.from('{"partialSuccess":{}}') };
      }
      return send(res, entry, answer);
    } catch (err) {
      entry.error = err.message;
      if (!res.headersSent && !res.destroyed) {
        send(res, entry, { status: 500, headers: corsHeaders(req.headers.origin), body: Buffer.from(`faultproxy: ${err.message}`) });
      }
    }
  });
  server.keepAliveTimeout = 5000;
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  proxy.port = server.address().port;
  proxy.url = `http://127.0.0.1:${proxy.port}`;
  proxy.tracesURL = `${proxy.url}/v1/traces`;
  return proxy;
}

/** Resolves when the response is closed (answered or the client went away). */
function clientGone(res) {
  if (res.closed || res.destroyed) return Promise.resolve();
  return new Promise((resolve) => res.once('close', resolve));
}

function send(res, entry, { status, headers, body }) {
  if (res.destroyed) {
    entry.aborted = true;
    return;
  }
  const h = { ...headers };
  // Node recomputes these; passing the upstream's could conflict.
  for (const k of Object.keys(h)) {
    if (['content-length', 'transfer-encoding', 'connection', 'keep-alive'].includes(k.toLowerCase())) delete h[k];
  }
  entry.status = status;
  res.writeHead(status, { ...h, 'Content-Length': body.length });
  res.end(body, () => {
    entry.answered = Date.now();
  });
}

// ---------------------------------------------------------------------------
// Request body decoding: which span ids does an OTLP request carry?

function decodeBody(raw, encoding, contentType) {
  let body = raw;
  try {
    if (/gzip/i.test(encoding ?? '')) body = zlib.gunzipSync(raw);
  } catch (err) {
    return { body: raw, spanIds: [], error: `gunzip: ${err.message}` };
  }
  try {
    if (/protobuf/i.test(contentType ?? '')) return { body, spanIds: protoSpanIds(body) };
    if (/json/i.test(contentType ?? '')) return { body, spanIds: jsonSpanIds(body) };
  } catch (err) {
    return { body, spanIds: [], error: `decode: ${err.message}` };
  }
  return { body, spanIds: [] };
}

function jsonSpanIds(body) {
  const req = JSON.parse(body.toString('utf8'));
  const ids = [];
  for (const rs of req.resourceSpans ?? []) {
    for (const ss of rs.scopeSpans ?? []) {
      for (const s of ss.spans ?? []) ids.push(String(s.spanId ?? '').toLowerCase());
    }
  }
  return ids;
}

// ExportTraceServiceRequest{1: ResourceSpans{2: ScopeSpans{2: Span{2: span_id}}}}
function protoSpanIds(buf) {
  const ids = [];
  for (const [f1, rs] of fields(buf)) {
    if (f1 !== 1) continue;
    for (const [f2, ss] of fields(rs)) {
      if (f2 !== 2) continue;
      for (const [f3, span] of fields(ss)) {
        if (f3 !== 2) continue;
        for (const [f4, id] of fields(span)) {
          if (f4 === 2) ids.push(Buffer.from(id).toString('hex'));
        }
      }
    }
  }
  return ids;
}

/** The length-delimited fields of a protobuf message, as [number, bytes]. */
function fields(buf) {
  const out = [];
  let i = 0;
  const varint = () => {
    let v = 0n;
    let shift = 0n;
    for (;;) {
      if (i >= buf.length) throw new Error('truncated varint');
      const b = buf[i++];
      v |= BigInt(b & 0x7f) << shift;
      if (!(b & 0x80)) return v;
      shift += 7n;
    }
  };
  while (i < buf.length) {
    const key = varint();
    const num = Number(key >> 3n);
    const wire = Number(key & 7n);
    switch (wire) {
      case 0: varint(); break;
      case 1: i += 8; break;
      case 5: i += 4; break;
      case 2: {
        const len = Number(varint());
        if (i + len > buf.length) throw new Error('truncated field');
        out.push([num, buf.subarray(i, i + len)]);
        i += len;
        break;
      }
      default: throw new Error(`wire type ${wire}`);
    }
  }
  return out;
}
