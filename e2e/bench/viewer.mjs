// Viewer performance on one stored trace of 1,000 / 10,000 / 50,000 nested
// spans (seeded through the app's store with spanfall.record):
//
//   navToRowsMs   navigation to /viewer?trace=<id> → first waterfall row in
//                 the DOM, on the page's clock (performance.now() starts at
//                 navigation): wasm download and start-up included;
//   readyToRowsMs wasm running (window.spanfall defined) → first row: the
//                 viewer's own share of the above;
//   openToRowsMs  a click on the trace in the trace list → first row: the
//                 "open a trace" the user sees once the viewer is up;
//   scroll        requestAnimationFrame deltas while scrolling the waterfall
//                 by 250 px a frame for 3 s (p50, p95, max).
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
 * 10,000 (its 30 s deadline), the rest are children of the root.
 */
async function seed(page, n) {
  const first = Math.min(n, 10_000);
  const r = await page.evaluate((count) => window.spanfall.record({ count, trace: true, name: 'bench.op' }), first);
  const traceId = r.traceIds[0];
  const root = r.spanIds[0];
  for (let left = n - first; left > 0; left -= 10_000) {
    const count = Math.min(left, 10_000);
    await page.evaluate(([count, trace, parent]) => window.spanfall.record({ count, trace, parent, name: 'bench.more' }),
      [count, traceId, root]);
  }
  const st = await page.evaluate(() => window.spanfall.status());
  if (st.spans < n) throw new Error(`seeded ${n} spans but the store holds ${st.spans}`);
  return traceId;
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
    for (let i = 0; i < RUNS; i++) {
      await page.goto(`${env.baseURL}/viewer?trace=${traceId}`);
      await page.waitForFunction(() => window.__sfvFirstRows, null, { timeout: 120_000, polling: 20 });
      const m = await page.evaluate(() => ({ ready: window.__sfvReady, rows: window.__sfvFirstRows }));
      nav.push(m.rows);
      ready.push(m.rows - m.ready);
    }
    const rowcount = await page.locator(GRID).getAttribute('aria-rowcount');
    if (rowcount !== String(n + 1)) throw new Error(`aria-rowcount ${rowcount}, want ${n + 1}`);

    // Scrolling the waterfall opened last.
    await page.waitForTimeout(500);
    const run = await page.locator(GRID).evaluate((g) => new Promise((resolve) => {
      const frames = [];
      let maxRows = 0;
      let last = performance.now();
      const end = last + 3000;
      const step = (t) => {
        frames.push(t - last);
        last = t;
        maxRows = Math.max(maxRows, g.querySelectorAll('[role="row"][data-span-id]').length);
        g.scrollTop = g.scrollTop + g.clientHeight >= g.scrollHeight - 1 ? 0 : g.scrollTop + 250;
        if (t < end) requestAnimationFrame(step);
        else resolve({ frames: frames.slice(1), maxRows });
      };
      requestAnimationFrame(step);
    }));

    // Opening from the trace list, once the list is shown.
    const open = [];
    for (let i = 0; i < RUNS; i++) {
      await page.goto(`${env.baseURL}/viewer`);
      const link = page.locator(`[data-testid="trace-row"][data-trace-id="${traceId}"] a`);
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
      openToRowsMs: Math.round(median(open)),
      scrollFrames: run.frames.length, scrollP50Ms: round1(quantile(run.frames, 0.5)),
      scrollP95Ms: round1(quantile(run.frames, 0.95)), scrollMaxMs: round1(Math.max(...run.frames)),
      maxDomRows: run.maxRows,
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
console.log(`\n| spans | navigation → first rows | wasm ready → first rows | click in list → first rows | scroll p50 / p95 / max (ms) |\n|---|---|---|---|---|\n` +
  results.map((r) => `| ${r.spans} | ${r.navToRowsMs} ms | ${r.readyToRowsMs} ms | ${r.openToRowsMs} ms | ${r.scrollP50Ms} / ${r.scrollP95Ms} / ${r.scrollMaxMs} |`).join('\n'));
