// The fault proxy itself (e2e/faultproxy.mjs), against a fake upstream: the
// durable-* tests rely on its rules, log and CORS. No browser; < 1 s.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import zlib from 'node:zlib';
import { setTimeout as sleep } from 'node:timers/promises';
import { startFaultProxy, rpcStatus, hasSpanId, bodyIncludes } from '../faultproxy.mjs';

const ORIGIN = 'http://127.0.0.1:8000';
let upstream;
let upstreamHits = [];
let proxy;

before(async () => {
  upstream = http.createServer(async (req, res) => {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    upstreamHits.push({ method: req.method, headers: req.headers, body: Buffer.concat(chunks) });
    const cors = req.headers.origin ? { 'Access-Control-Allow-Origin': req.headers.origin, Vary: 'Origin' } : {};
    if (req.method === 'OPTIONS') {
      res.writeHead(204, { ...cors, 'Access-Control-Allow-Methods': 'POST', 'Access-Control-Allow-Headers': 'Content-Type' });
      return res.end();
    }
    res.writeHead(200, { ...cors, 'Content-Type': 'application/json' });
    res.end('{"partialSuccess":{}}');
  });
  await new Promise((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  proxy = await startFaultProxy({ target: `http://127.0.0.1:${upstream.address().port}` });
});
after(async () => {
  await proxy?.stop();
  await new Promise((resolve) => upstream?.close(resolve));
});

const jsonBody = (...spanIds) => JSON.stringify({
  resourceSpans: [{ scopeSpans: [{ spans: spanIds.map((spanId) => ({ traceId: '1'.repeat(32), spanId, name: 'x' })) }] }],
});

// ExportTraceServiceRequest{1: ResourceSpans{2: ScopeSpans{2: Span{1: trace_id, 2: span_id}}}}
function protoBody(...spanIds) {
  const field = (num, bytes) => Buffer.concat([Buffer.from([(num << 3) | 2, bytes.length]), bytes]);
  const spans = spanIds.map((id) => field(2, Buffer.concat([field(1, Buffer.alloc(16, 1)), field(2, Buffer.from(id, 'hex'))])));
  return field(1, field(2, Buffer.concat(spans)));
}

async function post(body, headers = { 'Content-Type': 'application/json' }, signal) {
  const res = await fetch(proxy.tracesURL, { method: 'POST', body, headers: { Origin: ORIGIN, ...headers }, signal });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

test('faultproxy: pass-through, log, span ids from JSON and gzipped protobuf', async () => {
  proxy.passThrough();
  proxy.resetLog();
  upstreamHits = [];
  const a = await post(jsonBody('aaaaaaaaaaaaaaaa', 'bbbbbbbbbbbbbbbb'));
  assert.equal(a.status, 200);
  assert.equal(a.headers.get('access-control-allow-origin'), ORIGIN, 'the upstream CORS answer passes through');
  const z = zlib.gzipSync(protoBody('0123456789abcdef'));
  const b = await post(z, { 'Content-Type': 'application/x-protobuf', 'Content-Encoding': 'gzip' });
  assert.equal(b.status, 200);
  assert.equal(upstreamHits.length, 2, 'both forwarded');
  assert.deepEqual(upstreamHits[1].body, z, 'the body is forwarded unchanged');
  assert.equal(upstreamHits[1].headers['content-encoding'], 'gzip', 'headers forwarded unchanged');
  const [p0, p1] = proxy.posts();
  assert.deepEqual(p0.spanIds, ['aaaaaaaaaaaaaaaa', 'bbbbbbbbbbbbbbbb']);
  assert.deepEqual(p1.spanIds, ['0123456789abcdef']);
  assert.equal(p1.bytes, z.length);
  assert.equal(p1.contentType, 'application/x-protobuf');
  assert.equal(p1.contentEncoding, 'gzip');
  assert.ok(p1.answered >= p1.received);
  const opt = await fetch(proxy.tracesURL, { method: 'OPTIONS', headers: { Origin: ORIGIN, 'Access-Control-Request-Method': 'POST' } });
  assert.equal(opt.status, 204, 'the preflight is forwarded');
  assert.equal(upstreamHits.at(-1).method, 'OPTIONS');
});

test('faultproxy: reply for the next N, for a time window, for a marker', async () => {
  proxy.passThrough();
  proxy.resetLog();
  upstreamHits = [];
  proxy.reply({ status: 503, headers: { 'Retry-After': '2' }, body: 'x' }, { times: 2 });
  const r1 = await post(jsonBody('aaaaaaaaaaaaaaaa'));
  const r2 = await post(jsonBody('aaaaaaaaaaaaaaaa'));
  const r3 = await post(jsonBody('aaaaaaaaaaaaaaaa'));
  assert.deepEqual([r1.status, r2.status, r3.status], [503, 503, 200]);
  assert.equal(r1.headers.get('retry-after'), '2');
  assert.equal(r1.headers.get('access-control-allow-origin'), ORIGIN, 'the proxy answers CORS on its own answers');
  assert.equal(r1.headers.get('access-control-expose-headers'), 'Retry-After');
  assert.equal(upstreamHits.length, 1, 'faults are not forwarded');

  proxy.reply({ status: 413 }, { forMs: 150 });
  assert.equal((await post(jsonBody('aaaaaaaaaaaaaaaa'))).status, 413);
  await sleep(200);
  assert.equal((await post(jsonBody('aaaaaaaaaaaaaaaa'))).status, 200, 'the window is over');

  const rule = proxy.reply(rpcStatus(400, 3, 'bad'), { match: hasSpanId('0123456789abcdef'), times: 1 });
  proxy.reply({ status: 415 }, { match: bodyIncludes('"zzz"') });
  assert.equal((await post(jsonBody('aaaaaaaaaaaaaaaa'))).status, 200);
  const bad = await post(zlib.gzipSync(protoBody('1111111111111111', '0123456789abcdef')), { 'Content-Type': 'application/x-protobuf', 'Content-Encoding': 'gzip' });
  assert.equal(bad.status, 400);
  assert.deepEqual(JSON.parse(bad.text), { code: 3, message: 'bad' });
  assert.equal(rule.hits, 1);
  assert.equal((await post(JSON.stringify({ resourceSpans: [], x: 'zzz' }))).status, 415);
  proxy.passThrough();
});

test('faultproxy: hold until released, hold forever, concurrency', async () => {
  proxy.passThrough();
  proxy.resetLog();
  upstreamHits = [];
  const h = proxy.hold({ times: 2 });
  const p1 = post(jsonBody('aaaaaaaaaaaaaaaa'));
  const p2 = post(jsonBody('bbbbbbbbbbbbbbbb'));
  for (let i = 0; i < 100 && h.held() < 2; i++) await sleep(10);
  assert.equal(h.held(), 2, 'two requests held');
  assert.equal(upstreamHits.length, 2, 'held requests are forwarded at once');
  assert.equal(proxy.inFlight, 2);
  h.release();
  assert.deepEqual([(await p1).status, (await p2).status], [200, 200]);
  assert.equal(proxy.maxInFlight, 2);
  assert.equal(proxy.inFlight, 0);

  const f = proxy.hold({ times: 1, forever: true, forward: false });
  const ac = new AbortController();
  const p3 = post(jsonBody('cccccccccccccccc'), undefined, ac.signal).catch((e) => e);
  for (let i = 0; i < 100 && f.held() < 1; i++) await sleep(10);
  assert.equal(f.held(), 1);
  proxy.passThrough(); // release() does not answer a forever hold
  await sleep(50);
  assert.equal(f.held(), 1, 'still held');
  ac.abort();
  await p3;
  for (let i = 0; i < 100 && f.held() > 0; i++) await sleep(10);
  assert.equal(f.held(), 0, 'the hold ends when the client goes away');
  const last = proxy.posts().at(-1);
  assert.equal(last.aborted, true);
  assert.equal(last.status, null);
  assert.equal(proxy.inFlight, 0);
  assert.equal(upstreamHits.length, 2, 'forward: false did not forward');
});
