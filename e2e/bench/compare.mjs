// Spanfall next to OpenTelemetry JS, in one Chromium run: the figures of
// issue 7 (docs/benchmarks.md). Spanfall is the real app (its server, the
// real collector as OTLP endpoint); the peer is the OTel JS web SDK bundled
// by build-peer.mjs, served from a static server on another free port and
// exporting to the same collector.
//
//   node bench/compare.mjs            all figures, medians of BENCH_RUNS (5)
//                                     runs after a warm-up; prints JSON and
//                                     rewrites the table in docs/benchmarks.md
//   node bench/compare.mjs --smoke    tiny sizes, one run, no docs write: the
//                                     check make test runs so this cannot rot
//
// Times are printed, never asserted. Run: make bench.
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import {
  REPO_ROOT, startCollector, startServer, launchBrowser, waitForApp, waitForServiceWorkerControl,
  appRecord, appFlush, median, serverBinary, CHROMIUM_ARGS, waitFor,
} from '../harness.mjs';
import { buildPeer } from './build-peer.mjs';
import { measureFirstSpan } from './first-span.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const SMOKE = process.argv.includes('--smoke');
const RUNS = SMOKE ? 1 : Number(process.env.BENCH_RUNS ?? 5);
const N = {
  spans: SMOKE ? 300 : 100_000, // figure 1 (drop) and 5
  // Figure 1 with the real pipeline: persisting to IndexedDB costs ~0.7 ms
  // a span here, so 100,000 would take minutes a run (and the stock SDK's
  // twice that); 20,000 keeps a run under a minute.
  pipeline: SMOKE ? 300 : Number(process.env.BENCH_PIPELINE_SPANS ?? 20_000),
  serialize: SMOKE ? 50 : 1_000, // figure 2
  e2e: SMOKE ? 200 : 10_000, // figure 3
  pacedRate: SMOKE ? 100 : 1_000, pacedSeconds: SMOKE ? 1 : 10, // figure 4
  faults: SMOKE ? 5 : 100, // figure 6, spans per page life
  firstSpanRuns: SMOKE ? 1 : RUNS, // figure 8
};
const log = (...a) => console.error('compare:', ...a);

// ---------------------------------------------------------------------------
// Pages

// Captures the wasm instance's memory so figure 5 can read its size.
const CAPTURE_WASM_MEMORY = `(() => {
  const keep = (r) => { const i = r.instance || r; const m = i.exports && i.exports.mem; if (m) window.__wasmMemory = m; return r; };
  const s = WebAssembly.instantiateStreaming, n = WebAssembly.instantiate;
  if (s) WebAssembly.instantiateStreaming = (...a) => s(...a).then(keep);
  WebAssembly.instantiate = (...a) => n(...a).then(keep);
})();`;

function staticServer(dir) {
  const types = { '.html': 'text/html', '.js': 'text/javascript' };
  const srv = http.createServer(async (req, res) => {
    const p = new URL(req.url, 'http://x').pathname;
    const file = path.join(dir, p === '/' ? 'index.html' : path.normalize(p).replace(/^([/\\])+/, ''));
    try {
      const body = await fs.readFile(file);
      res.writeHead(200, { 'Content-Type': types[path.extname(file)] ?? 'application/octet-stream', 'Cache-Control': 'max-age=3600' });
      res.end(body);
    } catch {
      res.writeHead(404);
      res.end();
    }
  });
  return new Promise((resolve) => srv.listen(0, '127.0.0.1', () => resolve({
    url: `http://127.0.0.1:${srv.address().port}`,
    stop: () => new Promise((r) => srv.close(r)),
  })));
}

// A page in its own context; counts the OTLP POSTs it makes.
async function openPage(browser, url, ready) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.addInitScript(CAPTURE_WASM_MEMORY);
  const counter = { requests: 0 };
  page.on('request', (r) => {
    if (r.method() === 'POST' && new URL(r.url()).pathname === '/v1/traces') counter.requests++;
  });
  page.on('pageerror', (e) => log('page error', url, e.message));
  await page.goto(url);
  await ready(page);
  return { context, page, counter, close: () => context.close() };
}

const spanfallReady = (page) => waitForApp(page).then(() => page.waitForFunction(() => !!window.spanfall?.bench));
const peerReady = (page) => page.waitForFunction(() => window.peer?.ready === true);

// ---------------------------------------------------------------------------
// Figures

// Runs f(side) for both sides, alternating which goes first, warm-up
// first, and returns the per-side lists of results.
async function alternate(sides, f, { warmup = true } = {}) {
  if (warmup && !SMOKE) for (const s of sides) await f(s, true);
  const out = Object.fromEntries(sides.map((s) => [s.name, []]));
  for (let r = 0; r < RUNS; r++) {
    const order = r % 2 ? [...sides].reverse() : sides;
    for (const s of order) out[s.name].push(await f(s, false));
  }
  return out;
}

const med = (xs, k) => median(xs.map((x) => x[k]));
const round = (x, d = 2) => (x === undefined || x === null || Number.isNaN(x) ? null : Number(x.toFixed(d)));

async function figure1(sf, peer) {
  const res = {};
  for (const mode of ['drop', 'pipeline']) {
    // The drop mode warms up with a whole run (a fraction of a second):
    // the first run grows the wasm heap to its collector goal
    // (tracer/gcpace), which costs once and is not what a span costs.
    const r = await alternate([
      { name: 'spanfall', run: (n) => sf.page.evaluate(([n, m]) => window.spanfall.bench.spans(n, m), [n, mode]) },
      { name: 'peer', run: (n) => peer.page.evaluate(([n, m]) => window.peer.spans(n, m), [n, mode]) },
      { name: 'sdk', run: (n) => sf.page.evaluate(([n, m]) => window.spanfall.bench.spans(n, m), [n, `sdk-${mode}`]) },
      ...(mode === 'drop' ? [{ name: 'noop', run: (n) => sf.page.evaluate((n) => window.spanfall.bench.spans(n, 'noop'), n) }] : []),
    ], (s, warm) => s.run(mode === 'drop' ? N.spans : Math.ceil(N.pipeline / (warm ? 10 : 1))));
    const k = mode === 'drop' ? 'usPerSpan' : 'usPerSpanFlushed';
    res[mode] = {
      spanfall: round(med(r.spanfall, k)), otelJS: round(med(r.peer, k)), stockGoSDK: round(med(r.sdk, k)),
      spanfallLoopOnly: round(med(r.spanfall, 'usPerSpan')), otelJSLoopOnly: round(med(r.peer, 'usPerSpan')),
      spanfallDropped: Math.max(...r.spanfall.map((x) => x.dropped ?? 0)),
      runs: { spanfall: r.spanfall.map((x) => round(x[k])), otelJS: r.peer.map((x) => round(x[k])), stockGoSDK: r.sdk.map((x) => round(x[k])) },
    };
    if (r.noop) res[mode].goNoopTracer = round(med(r.noop, k));
    res[mode].ratio = round(res[mode].spanfall / res[mode].otelJS);
    log('figure 1', mode, JSON.stringify(res[mode]));
  }
  return res;
}

async function figure2(sf, peer) {
  const res = {};
  for (const enc of ['json', 'proto']) {
    const r = await alternate([
      { name: 'spanfall', run: () => sf.page.evaluate(([n, e]) => window.spanfall.bench.serialize(n, e), [N.serialize, enc]) },
      { name: 'peer', run: () => peer.page.evaluate(([n, e]) => window.peer.serialize(n, e), [N.serialize, enc]) },
    ], (s) => s.run());
    res[enc] = {
      spanfallMs: round(med(r.spanfall, 'ms'), 3), otelJSMs: round(med(r.peer, 'ms'), 3),
      spanfallBytes: r.spanfall[0].bytes, otelJSBytes: r.peer[0].bytes,
    };
    res[enc].ratio = round(res[enc].spanfallMs / res[enc].otelJSMs);
  }
  log('figure 2', JSON.stringify(res));
  return res;
}

async function figure3(sf, peer) {
  const r = await alternate([
    {
      name: 'spanfall', run: async () => {
        await appFlush(sf.page); // start from nothing pending
        const before = sf.counter.requests;
        const out = await sf.page.evaluate(async (n) => {
          const t0 = performance.now();
          await window.spanfall.bench.spans(n, 'pipeline');
          let f;
          for (let i = 0; i < 50; i++) {
            f = await window.spanfall.flush();
            if (f.pending === 0 && !f.error) break;
          }
          return { ms: performance.now() - t0, flush: f };
        }, N.e2e);
        if (out.flush.pending !== 0 || out.flush.error) throw new Error(`figure 3: spanfall flush left ${JSON.stringify(out.flush)}`);
        return { ms: out.ms, requests: sf.counter.requests - before };
      },
    },
    {
      name: 'peer', run: async () => {
        const before = peer.counter.requests;
        const out = await peer.page.evaluate((n) => window.peer.endToEnd(n), N.e2e);
        return { ms: out.ms, requests: peer.counter.requests - before };
      },
    },
  ], (s) => s.run(), { warmup: false });
  const res = {
    spanfallMs: round(med(r.spanfall, 'ms'), 0), otelJSMs: round(med(r.peer, 'ms'), 0),
    spanfallRequests: med(r.spanfall, 'requests'), otelJSRequests: med(r.peer, 'requests'),
  };
  res.ratio = round(res.spanfallMs / res.otelJSMs);
  log('figure 3', JSON.stringify(res));
  return res;
}

// Long tasks while recording at a steady rate: longest task and total
// blocking time (sum of each task's time past 50 ms).
async function figure4(sf, peer) {
  const observe = () => {
    window.__longTasks = [];
    new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__longTasks.push(e.duration); })
      .observe({ type: 'longtask', buffered: false });
  };
  const collect = () => {
    const t = window.__longTasks;
    return { longestMs: t.length ? Math.max(...t) : 0, tbtMs: t.reduce((a, d) => a + Math.max(0, d - 50), 0), tasks: t.length };
  };
  const n = N.pacedRate * N.pacedSeconds;
  const r = await alternate([
    {
      name: 'spanfall', run: async () => {
        await sf.page.evaluate(observe);
        await sf.page.evaluate(([n, r]) => window.spanfall.bench.paced(n, r), [n, N.pacedRate]);
        // While recording (persisting, and exporting every 256 spans), then
        // with the final flush.
        const recording = await sf.page.evaluate(collect);
        await appFlush(sf.page);
        return { ...(await sf.page.evaluate(collect)), recordingLongestMs: recording.longestMs, recordingTbtMs: recording.tbtMs };
      },
    },
    { name: 'peer', run: async () => { await peer.page.evaluate(observe); await peer.page.evaluate(([n, r]) => window.peer.paced(n, r), [n, N.pacedRate]); await peer.page.evaluate(() => window.peer.flush()); return peer.page.evaluate(collect); } },
  ], (s) => s.run(), { warmup: false });
  const res = {
    spanfallLongestMs: round(med(r.spanfall, 'longestMs'), 0), spanfallTbtMs: round(med(r.spanfall, 'tbtMs'), 0),
    spanfallRecordingLongestMs: round(med(r.spanfall, 'recordingLongestMs'), 0), spanfallRecordingTbtMs: round(med(r.spanfall, 'recordingTbtMs'), 0),
    otelJSLongestMs: round(med(r.peer, 'longestMs'), 0), otelJSTbtMs: round(med(r.peer, 'tbtMs'), 0),
  };
  log('figure 4', JSON.stringify(res));
  return res;
}

// Memory after N.spans recorded and flushed, on fresh pages, after a GC.
async function figure5(browser, urls) {
  const heap = async (page) => {
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('HeapProfiler.collectGarbage');
    const { usedSize } = await cdp.send('Runtime.getHeapUsage');
    await cdp.detach();
    return usedSize;
  };
  const sf = await openPage(browser, urls.spanfall, spanfallReady);
  const peer = await openPage(browser, urls.peer, peerReady);
  try {
    await sf.page.evaluate((n) => window.spanfall.bench.spans(n, 'pipeline'), N.spans);
    await appFlush(sf.page);
    const go = await sf.page.evaluate(() => window.spanfall.bench.memory());
    const res = {
      spanfallJSHeap: await heap(sf.page),
      spanfallWasmMemory: await sf.page.evaluate(() => window.__wasmMemory?.buffer.byteLength ?? null),
      spanfallGoHeapAlloc: go.heapAlloc,
    };
    await peer.page.evaluate((n) => window.peer.spans(n, 'pipeline'), N.spans);
    res.otelJSHeap = await heap(peer.page);
    log('figure 5', JSON.stringify(res));
    return res;
  } finally {
    await sf.close();
    await peer.close();
  }
}

// Spans delivered / made across an offline period with two reloads: three
// page lives offline, each recording N.faults spans, then back online.
async function figure6(browser, urls, collector) {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(urls.spanfall);
    await waitForApp(page);
    await waitForServiceWorkerControl(page);
    await context.setOffline(true);
    const made = [];
    for (let life = 0; life < 3; life++) {
      if (life > 0) {
        await page.reload();
        await waitForApp(page);
      }
      const r = await appRecord(page, { count: N.faults, name: 'bench.fault' });
      made.push(...r.spanIds);
    }
    await context.setOffline(false);
    let at = new Set();
    await waitFor(async () => {
      await appFlush(page);
      at = new Set((await collector.spans()).map((s) => s.spanId));
      return made.every((id) => at.has(id));
    }, 60_000, { interval: 500, message: 'figure 6: spans at the collector' }).catch(() => {});
    const res = { made: made.length, delivered: made.filter((id) => at.has(id)).length };
    log('figure 6', JSON.stringify(res));
    return res;
  } finally {
    await context.close();
  }
}

// Bundle sizes: the app's wasm, a go-app hello world built the same way
// (cached by the hash of its source, go.mod/go.sum and the Go version) and
// the peer's bundle; gzip -9 and brotli (the app's `spanfall precompress`,
// q9, for both wasm files; zlib's brotli q9 for the peer).
async function figure7(peerDir) {
  const sizes = (file) => {
    const raw = readFileSync(file);
    const gz = existsSync(`${file}.gz`) ? readFileSync(`${file}.gz`).length : zlib.gzipSync(raw, { level: 9 }).length;
    const br = existsSync(`${file}.br`) ? readFileSync(`${file}.br`).length
      : zlib.brotliCompressSync(raw, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 9 } }).length;
    return { raw: raw.length, gzip: gz, brotli: br };
  };
  const hello = path.join(here, 'hello', 'hello.wasm');
  const goVersion = execFileSync('go', ['version'], { encoding: 'utf8' });
  const key = crypto.createHash('sha256').update(goVersion)
    .update(readFileSync(path.join(here, 'hello', 'main.go')))
    .update(readFileSync(path.join(REPO_ROOT, 'go.mod'))).update(readFileSync(path.join(REPO_ROOT, 'go.sum'))).digest('hex');
  const stamp = `${hello}.stamp`;
  if (!existsSync(hello) || (existsSync(stamp) ? readFileSync(stamp, 'utf8') : '') !== key) {
    log('building the go-app hello world');
    execFileSync('go', ['build', '-trimpath', '-ldflags=-s -w', '-o', hello, './e2e/bench/hello/main.go'], {
      cwd: REPO_ROOT, env: { ...process.env, GOOS: 'js', GOARCH: 'wasm' }, stdio: ['ignore', 'inherit', 'inherit'],
    });
    execFileSync(serverBinary(), ['precompress', '-quality', '9', hello], { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
    await fs.writeFile(stamp, key);
  }
  const res = { app: sizes(path.join(REPO_ROOT, 'web', 'app.wasm')), goAppHello: sizes(hello), otelJS: sizes(path.join(peerDir, 'peer.js')) };
  log('figure 7', JSON.stringify(res));
  return res;
}

// Navigation to first recorded span, cold (new profile) and warm (reload:
// Spanfall's service worker, the peer's HTTP cache).
async function figure8(server, peerURL) {
  const sf = await measureFirstSpan(server, N.firstSpanRuns);
  const cold = [];
  const warm = [];
  for (let i = 0; i < N.firstSpanRuns; i++) {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'spanfall-bench-peer-'));
    const { chromium } = await import('playwright-core');
    const context = await chromium.launchPersistentContext(dir, {
      executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS,
    });
    try {
      const page = await context.newPage();
      const first = () => page.waitForFunction(() => window.peer?.firstSpanAt?.() ?? false, null, { timeout: 30_000 }).then((h) => h.jsonValue());
      await page.goto(peerURL);
      cold.push(await first());
      await page.reload();
      warm.push(await first());
    } finally {
      await context.close();
      await fs.rm(dir, { recursive: true, force: true });
    }
  }
  const res = {
    spanfallColdMs: round(median(sf.cold), 0), spanfallWarmMs: round(median(sf.warm), 0),
    otelJSColdMs: round(median(cold), 0), otelJSWarmMs: round(median(warm), 0),
  };
  log('figure 8', JSON.stringify(res));
  return res;
}

// ---------------------------------------------------------------------------
// Report

function machine(browserVersion) {
  const cpu = readFileSync('/proc/cpuinfo', 'utf8').match(/^model name\s*:\s*(.+)$/m)?.[1] ?? os.cpus()[0]?.model;
  return { nproc: os.cpus().length, cpu, chromium: browserVersion, node: process.version, date: new Date().toISOString() };
}

const kb = (b) => `${(b / 1024).toFixed(0)} KiB`;
const mb = (b) => (b === null || b === undefined ? 'n/a' : `${(b / 1e6).toFixed(2)} MB`);

function markdown(r) {
  const f = r.figures;
  const m = r.machine;
  const lines = [
    `Measured ${m.date.slice(0, 10)} on ${m.nproc} × ${m.cpu}, Chromium ${m.chromium} (headless), Node ${m.node}; ` +
    `medians of ${r.runs} runs after a warm-up, Spanfall and OpenTelemetry JS alternating in one browser. ` +
    `Command: \`${r.command}\`. The machine was shared with other jobs: compare ratios, not absolute times.`,
    '',
    '| # | figure | Spanfall | OpenTelemetry JS | ratio |',
    '|---|---|---|---|---|',
  ];
  const row = (...c) => lines.push(`| ${c.join(' | ')} |`);
  const f1 = f.perSpan;
  if (f1) {
    row(1, `per span, processor that drops (${N.spans.toLocaleString('en')} spans)`, `${f1.drop.spanfall} µs (stock Go SDK: ${f1.drop.stockGoSDK} µs; the Go API's no-op tracer, the floor: ${f1.drop.goNoopTracer} µs)`, `${f1.drop.otelJS} µs`, `${f1.drop.ratio}×`);
    const loopRatio = round(f1.pipeline.spanfallLoopOnly / f1.pipeline.otelJSLoopOnly);
    row(1, `per span on the page's thread, real pipeline attached (start, attributes, end and the hand-over to the processor; persisting / exporting follows off the loop)`, `${f1.pipeline.spanfallLoopOnly} µs`, `${f1.pipeline.otelJSLoopOnly} µs`, `${loopRatio}×`);
    row(1, `per span, real pipeline until persisted (Spanfall: IndexedDB) / exported (OTel JS: batch processor → collector) (${N.pipeline.toLocaleString('en')} spans, flushed every 4,096)`, `${f1.pipeline.spanfall} µs (stock Go SDK: ${f1.pipeline.stockGoSDK} µs)`, `${f1.pipeline.otelJS} µs`, `${f1.pipeline.ratio}×`);
  }
  if (f.serialize) {
    row(2, `serialise ${N.serialize.toLocaleString('en')} spans, OTLP JSON`, `${f.serialize.json.spanfallMs} ms, ${kb(f.serialize.json.spanfallBytes)}`, `${f.serialize.json.otelJSMs} ms, ${kb(f.serialize.json.otelJSBytes)}`, `${f.serialize.json.ratio}×`);
    row(2, `serialise ${N.serialize.toLocaleString('en')} spans, OTLP protobuf`, `${f.serialize.proto.spanfallMs} ms, ${kb(f.serialize.proto.spanfallBytes)}`, `${f.serialize.proto.otelJSMs} ms, ${kb(f.serialize.proto.otelJSBytes)}`, `${f.serialize.proto.ratio}×`);
  }
  if (f.endToEnd) row(3, `${N.e2e.toLocaleString('en')} spans, creation → all at the collector`, `${f.endToEnd.spanfallMs} ms, ${f.endToEnd.spanfallRequests} requests`, `${f.endToEnd.otelJSMs} ms, ${f.endToEnd.otelJSRequests} requests`, `${f.endToEnd.ratio}×`);
  if (f.mainThread) row(4, `main thread, ${N.pacedRate} spans/s for ${N.pacedSeconds} s: longest task / total blocking time`, `${f.mainThread.spanfallLongestMs} / ${f.mainThread.spanfallTbtMs} ms (while recording, before the final flush: ${f.mainThread.spanfallRecordingLongestMs} / ${f.mainThread.spanfallRecordingTbtMs} ms)`, `${f.mainThread.otelJSLongestMs} / ${f.mainThread.otelJSTbtMs} ms`, '');
  if (f.memory) row(5, `memory after ${N.spans.toLocaleString('en')} spans recorded and flushed`, `JS heap ${mb(f.memory.spanfallJSHeap)} + wasm linear memory ${mb(f.memory.spanfallWasmMemory)} (Go heap in use ${mb(f.memory.spanfallGoHeapAlloc)})`, `JS heap ${mb(f.memory.otelJSHeap)}`, '');
  if (f.faults) row(6, 'delivered / made across an offline period with two reloads', `${f.faults.delivered} / ${f.faults.made}`, 'n/a (memory only: lost on reload)', '');
  if (f.bundle) {
    const b = f.bundle;
    row(7, 'bundle raw / gzip -9 / brotli q9', `${mb(b.app.raw)} / ${mb(b.app.gzip)} / ${mb(b.app.brotli)} (go-app hello world: ${mb(b.goAppHello.raw)} / ${mb(b.goAppHello.gzip)} / ${mb(b.goAppHello.brotli)})`, `${kb(b.otelJS.raw)} / ${kb(b.otelJS.gzip)} / ${kb(b.otelJS.brotli)}`, '');
  }
  if (f.firstSpan) row(8, 'navigation → first recorded span, cold / warm', `${f.firstSpan.spanfallColdMs} / ${f.firstSpan.spanfallWarmMs} ms`, `${f.firstSpan.otelJSColdMs} / ${f.firstSpan.otelJSWarmMs} ms`, '');
  return lines.join('\n');
}

const BEGIN = '<!-- compare.mjs:begin -->';
const END = '<!-- compare.mjs:end -->';

async function writeDocs(md) {
  const file = path.join(REPO_ROOT, 'docs', 'benchmarks.md');
  const doc = await fs.readFile(file, 'utf8');
  const a = doc.indexOf(BEGIN);
  const b = doc.indexOf(END);
  if (a < 0 || b < a) throw new Error(`${file}: markers ${BEGIN} … ${END} not found`);
  await fs.writeFile(file, `${doc.slice(0, a + BEGIN.length)}\n${md}\n${doc.slice(b)}`);
  log('wrote', file);
}

// ---------------------------------------------------------------------------

const only = process.env.BENCH_FIGURES?.split(',').map(Number); // e.g. BENCH_FIGURES=1,2
const want = (n) => !only || only.includes(n);
const peerDir = await buildPeer();
const collector = await startCollector();
const server = await startServer({ collector, flushInterval: '1h' });
const peerServer = await staticServer(peerDir);
const browser = await launchBrowser();
const urls = { spanfall: `${server.baseURL}/`, peer: `${peerServer.url}/?endpoint=${encodeURIComponent(collector.tracesURL)}` };
const result = {
  bench: 'compare', smoke: SMOKE, runs: RUNS, sizes: N, machine: machine(browser.version()),
  command: `cd e2e && node bench/compare.mjs${SMOKE ? ' --smoke' : ''}${process.env.BENCH_RUNS ? ` (BENCH_RUNS=${process.env.BENCH_RUNS})` : ''}`,
  figures: {},
};
try {
  const sf = await openPage(browser, urls.spanfall, spanfallReady);
  const peer = await openPage(browser, urls.peer, peerReady);
  try {
    if (want(1)) result.figures.perSpan = await figure1(sf, peer);
    if (want(2)) result.figures.serialize = await figure2(sf, peer);
    if (want(3)) result.figures.endToEnd = await figure3(sf, peer);
    if (want(4)) result.figures.mainThread = await figure4(sf, peer);
  } finally {
    await sf.close();
    await peer.close();
  }
  if (want(5)) result.figures.memory = await figure5(browser, urls);
  if (want(6)) result.figures.faults = await figure6(browser, urls, collector);
  if (want(7)) result.figures.bundle = await figure7(peerDir);
  if (want(8)) result.figures.firstSpan = await figure8(server, urls.peer);
} finally {
  await browser.close();
  await peerServer.stop();
  await server.stop();
  await collector.stop();
}
const md = markdown(result);
console.log(JSON.stringify(result));
console.log(`\n${md}`);
if (!SMOKE && !only) await writeDocs(md);
