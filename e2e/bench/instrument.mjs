// Page instrumentation figures (a benchmark, not a test):
//
// 1. The blind window: how long after navigation start (performance
//    timeOrigin) the page's clicks, fetches and errors start being seen —
//    with the early buffer, when its inline script has run
//    (__spanfall_early.t0); without it, when the wasm's live hooks are
//    installed (__spanfall_early.liveAt). Median of BENCH_RUNS fresh page
//    loads (new context each: no HTTP or service-worker cache).
// 2. The per-request overhead of the fetch instrumentation: the same
//    BENCH_FETCHES same-origin fetches of /api/demo on a page with it and
//    on a page without it (SPANFALL_EARLY_BUFFER=off: no wrapper at all),
//    measured as (a) the synchronous cost of calling fetch() (a batch, so
//    the coarse 100 µs clock of a non-isolated page does not matter), and
//    (b) sequential round trips. Median over BENCH_ROUNDS rounds.
//
// Prints one JSON line and a Markdown table. Run:
//   cd e2e && SPANFALL_COLLECTOR="$(collector/build.sh | tail -n 1)" node bench/instrument.mjs

import { startCollector, startServer, launchBrowser, waitForApp } from '../harness.mjs';

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const FETCHES = Number(process.env.BENCH_FETCHES ?? 200);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}
const round = (x, d = 3) => Number(x.toFixed(d));

const collector = await startCollector();
const withEarly = await startServer({ collector, flushInterval: '1h' });
const without = await startServer({ collector, flushInterval: '1h', env: { SPANFALL_EARLY_BUFFER: 'off' } });
const browser = await launchBrowser();
const out = { runs: RUNS, fetches: FETCHES, rounds: ROUNDS, blind: { early: [], live: [] }, overhead: {} };

async function measureFetches(baseURL) {
  const context = await browser.newContext({ serviceWorkers: 'block' });
  try {
    const page = await context.newPage();
    await page.goto(`${baseURL}/`);
    await waitForApp(page);
    const sync = [];
    const seq = [];
    for (let r = 0; r < ROUNDS; r++) {
      const m = await page.evaluate(async (n) => {
        const ps = [];
        const t0 = performance.now();
        for (let i = 0; i < n; i++) ps.push(fetch(`/api/demo?bench=${i}`));
        const t1 = performance.now();
        await Promise.all(ps.map((p) => p.then((res) => res.arrayBuffer())));
        const t2 = performance.now();
        for (let i = 0; i < n; i++) await (await fetch(`/api/demo?seq=${i}`)).arrayBuffer();
        const t3 = performance.now();
        return { sync: (t1 - t0) / n, seq: (t3 - t2) / n };
      }, FETCHES);
      sync.push(m.sync);
      seq.push(m.seq);
    }
    return { syncMs: median(sync), roundTripMs: median(seq) };
  } finally {
    await context.close();
  }
}

try {
  for (let i = 0; i < RUNS; i++) {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(`${withEarly.baseURL}/`);
      await waitForApp(page);
      await page.waitForFunction(() => window.__spanfall_early && window.__spanfall_early.liveAt > 0);
      const t = await page.evaluate(() => ({ early: window.__spanfall_early.t0, live: window.__spanfall_early.liveAt }));
      out.blind.early.push(t.early);
      out.blind.live.push(t.live);
    } finally {
      await context.close();
    }
  }
  out.overhead.instrumented = await measureFetches(withEarly.baseURL);
  out.overhead.plain = await measureFetches(without.baseURL);
} finally {
  await browser.close();
  await withEarly.stop();
  await without.stop();
  await collector.stop();
}

const b = { earlyMs: round(median(out.blind.early), 1), liveMs: round(median(out.blind.live), 1) };
const o = out.overhead;
const perReq = {
  syncUs: round((o.instrumented.syncMs - o.plain.syncMs) * 1000, 1),
  roundTripUs: round((o.instrumented.roundTripMs - o.plain.roundTripMs) * 1000, 1),
};
console.log(JSON.stringify({ ...out, median: { blind: b, overheadPerRequest: perReq } }));
console.log(`
| figure | median |
|---|---|
| blind window without the early buffer (navigation start → live hooks), ${RUNS} loads | ${b.liveMs} ms |
| blind window with the early buffer (navigation start → inline script ran) | ${b.earlyMs} ms |
| fetch() call, synchronous part: instrumented / plain (${FETCHES} per batch, ${ROUNDS} rounds) | ${round(o.instrumented.syncMs * 1000, 1)} µs / ${round(o.plain.syncMs * 1000, 1)} µs (+${perReq.syncUs} µs) |
| sequential same-origin round trip: instrumented / plain | ${round(o.instrumented.roundTripMs, 3)} ms / ${round(o.plain.roundTripMs, 3)} ms (+${perReq.roundTripUs} µs) |
`);
