// Viewer performance on one stored trace of 1,000 / 10,000 / 50,000 nested
// spans (seeded through the app's store with spanfall.record):
//
//   navToRowsMs   navigation to /viewer?trace=<id> → first waterfall row in
//                 the DOM, on the page's clock (performance.now() starts at
//                 navigation): wasm download and start-up included;
//   readyToRowsMs wasm running (window.spanfall defined) → first row: the
//                 viewer's own share of the above;
//   navToAllRowsMs navigation → every span in the waterfall (aria-rowcount
//                 is the trace's, aria-busy is off): the first rows may be
//                 drawn from the trace's first spans while the rest is read;
//   openToRowsMs  a click on the trace in the trace list → first row: the
//                 "open a trace" the user sees once the viewer is up;
//   navToListMs   navigation to /viewer → the trace's row in the trace list
//                 (wasm start-up included): Store.Traces;
//   scroll        requestAnimationFrame deltas while scrolling the waterfall
//                 by 250 px a frame for 3 s (p50, p95, max), and the main
//                 thread's busy time per frame meanwhile (task, script,
//                 layout, style: CDP Performance.getMetrics), a figure that
//                 other processes on a loaded machine inflate far less,
//                 and the DOM mutations per frame (MutationObserver
//                 records), which no load changes.
//
// Prints one JSON line per size (medians of BENCH_RUNS, default 5) and a
// Markdown table. Timing goals live here, never in tests. Run: make bench,
// or BENCH_SIZES=10000 node bench/viewer.mjs in e2e/ after make build.

import { setup, waitForApp } from '../harness.mjs';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const SIZES = (process.env.BENCH_SIZES ?? '1000,10000,50000').split(',').map(Number);
const GRID = '[role="treegrid"]';
const ROW = `${GRID} [role="row"][data-span-id]`;

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** The q-quantile of numbers (nearest rank). */
function quantile(xs, q) {
  const a = [...xs].sort((x, y) => x - y);
  return a[Math.min(a.length - 1, Math.max(0, Math.ceil(q * a.length) - 1))];
}

const round1 = (x) => Math.round(x * 10) / 10;

/**
 * seed stores one trace of n nested spans: a record() call makes at most
 * 10,000 (its 30 s deadline), the rest are nested subtrees of the root.
 */
async function seed(page, n) {
  const first = Math.min(n, 10_000);
  const r = await page.evaluate((count) => window.spanfall.record({ count, trace: true, name: 'bench.op' }), first);
  const traceId = r.traceIds[0];
  const root = r.spanIds[0];
  for (let left = n - first; left > 0; left -= 10_000) {
    const count = Math.min(left, 10_000);
    // Nested (fanout 4), not 10,000 siblings: the waterfall folds runs of
    // same-named siblings into one row (docs/viewer-tools.md), and the
    // bench draws every span's row.
    await page.evaluate(([count, trace, parent]) => window.spanfall.record({ count, trace, parent, name: 'bench.more', fanout: 4 }),
      [count, traceId, root]);
  }
  const st = await page.evaluate(() => window.spanfall.status());
  if (st.spans < n) throw new Error(`seeded ${n} spans but the store holds ${st.spans}`);
  await exportAll(page);
  return traceId;
}

/**
 * exportAll exports every pending span: the flusher exports new spans at
 * once, and marking 50,000 spans exported would otherwise run during the
 * measurements.
 */
async function exportAll(page) {
  for (let i = 0; i < 200; i++) {
    const r = await page.evaluate(() => window.spanfall.flush());
    if (r.pending === 0) return;
  }
  throw new Error('spans still pending export after 200 flushes');
}

/** The main thread's cumulative busy times in ms (CDP Performance metrics). */
async function mainThread(cdp) {
  const { metrics } = await cdp.send('Performance.getMetrics');
  const out = {};
  for (const { name, value } of metrics) {
    if (['TaskDuration', 'ScriptDuration', 'LayoutDuration', 'RecalcStyleDuration'].includes(name)) out[name] = value * 1000;
  }
  return out;
}

// Marks on the page's clock, installed before every navigation: the app's
// API defined and the first waterfall row in the DOM.
function marks() {
  const t = setInterval(() => {
    if (window.spanfall && !window.__sfvReady) window.__sfvReady = performance.now();
    if (window.__sfvReady) clearInterval(t);
  }, 1);
  new MutationObserver((_, obs) => {
    if (document.querySelector('[role="treegrid"] [role="row"][data-span-id]')) {
      window.__sfvFirstRows = performance.now();
      obs.disconnect();
    }
  }).observe(document, { childList: true, subtree: true });
}

async function benchSize(env, n) {
  const { context, page } = await env.newPage({ viewport: { width: 1400, height: 900 } });
  try {
    await page.goto(`${env.baseURL}/`);
    await waitForApp(page);
    const t0 = Date.now();
    const traceId = await seed(page, n);
    const seedMs = Date.now() - t0;
    await page.addInitScript(marks);

    const nav = [];
    const ready = [];
    const all = [];
    for (let i = 0; i < RUNS; i++) {
      await page.goto(`${env.baseURL}/viewer?trace=${traceId}`);
      await page.waitForFunction(() => window.__sfvFirstRows, null, { timeout: 120_000, polling: 20 });
      const m = await page.evaluate(() => ({ ready: window.__sfvReady, rows: window.__sfvFirstRows }));
      nav.push(m.rows);
      ready.push(m.rows - m.ready);
      // The first rows may be the trace's head; then every span's row.
      all.push(await (await page.waitForFunction(([sel, want]) => {
        const g = document.querySelector(sel);
        return g && g.getAttribute('aria-rowcount') === want && g.getAttribute('aria-busy') !== 'true' && performance.now();
      }, [GRID, String(n + 1)], { timeout: 120_000, polling: 10 })).jsonValue());
    }

    // Scrolling the waterfall opened last. Besides the wall-clock frame
    // times, the main thread's busy time (CDP Performance.getMetrics), which
    // other processes on a loaded machine inflate far less.
    // The trace list is read after the trace: wait for it, so that its
    // read (seconds at 50,000 spans before the stores kept per-trace
    // summaries) is not measured as a long frame.
    await page.locator(`[data-testid="trace-row"][data-trace-id="${traceId}"]`).waitFor({ timeout: 120_000 });
    await page.waitForTimeout(500);
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    const m0 = await mainThread(cdp);
    const run = await page.locator(GRID).evaluate((g) => new Promise((resolve) => {
      const frames = [];
      let maxRows = 0;
      let mutations = 0;
      const mo = new MutationObserver((recs) => { mutations += recs.length; });
      mo.observe(g, { subtree: true, childList: true, attributes: true, characterData: true });
      let last = performance.now();
      const end = last + 3000;
      const step = (t) => {
        frames.push(t - last);
        last = t;
        maxRows = Math.max(maxRows, g.querySelectorAll('[role="row"][data-span-id]').length);
        g.scrollTop = g.scrollTop + g.clientHeight >= g.scrollHeight - 1 ? 0 : g.scrollTop + 250;
        if (t < end) requestAnimationFrame(step);
        else {
          mo.disconnect();
          resolve({ frames: frames.slice(1), maxRows, mutations: mutations / frames.length });
        }
      };
      requestAnimationFrame(step);
    }));
    const m1 = await mainThread(cdp);
    const busy = {};
    for (const k of Object.keys(m1)) busy[k] = round1((m1[k] - m0[k]) / run.frames.length);

    // Opening from the trace list, once the list is shown; and how long
    // the list took to show, from navigation.
    const open = [];
    const list = [];
    for (let i = 0; i < RUNS; i++) {
      await page.goto(`${env.baseURL}/viewer`);
      const sel = `[data-testid="trace-row"][data-trace-id="${traceId}"] a`;
      list.push(await (await page.waitForFunction((s) => document.querySelector(s) && performance.now(), sel,
        { timeout: 120_000, polling: 10 })).jsonValue());
      const link = page.locator(sel);
      await link.waitFor({ timeout: 120_000 });
      await page.waitForTimeout(300);
      open.push(await link.evaluate((a) => new Promise((resolve) => {
        const t0 = performance.now();
        new MutationObserver((_, obs) => {
          if (document.querySelector('[role="treegrid"] [role="row"][data-span-id]')) {
            obs.disconnect();
            resolve(performance.now() - t0);
          }
        }).observe(document, { childList: true, subtree: true });
        a.click();
      })));
    }
    return {
      bench: 'viewer', spans: n, runs: RUNS, seedMs,
      navToRowsMs: Math.round(median(nav)), readyToRowsMs: Math.round(median(ready)),
      navToAllRowsMs: Math.round(median(all)),
      openToRowsMs: Math.round(median(open)), navToListMs: Math.round(median(list)),
      scrollFrames: run.frames.length, scrollP50Ms: round1(quantile(run.frames, 0.5)),
      scrollP95Ms: round1(quantile(run.frames, 0.95)), scrollMaxMs: round1(Math.max(...run.frames)),
      maxDomRows: run.maxRows,
      scrollBusyPerFrameMs: busy, scrollDomMutationsPerFrame: Math.round(run.mutations),
      nav: nav.map(Math.round), ready: ready.map(Math.round), open: open.map(Math.round),
    };
  } finally {
    await context.close();
  }
}

const env = await setup({
  flushInterval: '1h',
  serverEnv: { SPANFALL_MAX_SPANS: '200000', SPANFALL_MAX_BYTES: String(512 << 20) },
});
const results = [];
try {
  for (const n of SIZES) {
    const r = await benchSize(env, n);
    console.log(JSON.stringify(r));
    results.push(r);
  }
} finally {
  await env.close();
}
console.log(`\n| spans | navigation → first rows | navigation → all rows | wasm ready → first rows | click in list → first rows | scroll p50 / p95 / max (ms) | main thread busy per scroll frame (ms) | DOM mutations per scroll frame | navigation → trace list |\n|---|---|---|---|---|---|---|---|---|\n` +
  results.map((r) => `| ${r.spans} | ${r.navToRowsMs} ms | ${r.navToAllRowsMs} ms | ${r.readyToRowsMs} ms | ${r.openToRowsMs} ms | ${r.scrollP50Ms} / ${r.scrollP95Ms} / ${r.scrollMaxMs} | ${r.scrollBusyPerFrameMs.TaskDuration} | ${r.scrollDomMutationsPerFrame} | ${r.navToListMs} ms |`).join('\n'));
