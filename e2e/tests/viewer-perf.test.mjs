// Viewer performance on large traces: time from navigation to the first
// waterfall rows for one trace of 1,000 and of 10,000 nested spans, and
// rAF frame times while scrolling it. Prints FIGURE lines (and appends
// them to test-results/figures.jsonl); the assertions are loose bounds
// that catch a regression to rendering every row, not a benchmark.
//
// Needs spanfall.record({count, trace: true}) (one trace of nested spans).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, withDiagnostics, waitForApp, figure, median } from '../harness.mjs';

let env;
before(async () => {
  env = await setup();
});
after(async () => {
  await env?.close();
});

const GRID = '[role="treegrid"]';
const ROW = `${GRID} [role="row"][data-span-id]`;

/**
 * spanfall.record(opts) with opts.trace set: fails clearly when the app's
 * test API does not know the option (every span its own trace).
 */
async function recordTrace(page, opts) {
  const r = await page.evaluate((o) => window.spanfall.record(o), opts);
  const traces = new Set(r.traceIds);
  if (r.spanIds.length !== (opts.count ?? 1) || traces.size !== 1 ||
      (typeof opts.trace === 'string' && !traces.has(opts.trace))) {
    throw new Error(`spanfall.record(${JSON.stringify(opts)}) made ${r.spanIds.length} spans in ${traces.size} traces: ` +
      'the test API lacks the trace option (one nested trace with trace: true; children of parent in trace: "<id>")');
  }
  return r;
}

/** The q-quantile of numbers (nearest rank). */
function quantile(xs, q) {
  const a = [...xs].sort((x, y) => x - y);
  return a[Math.min(a.length - 1, Math.max(0, Math.ceil(q * a.length) - 1))];
}

for (const spans of [1_000, 10_000]) {
  test(`viewer: first rows and scrolling for one trace of ${spans} spans`, { timeout: 300_000 }, async () => {
    const { page } = await env.newPage({ viewport: { width: 1400, height: 900 } });
    await withDiagnostics(env, `viewer-perf-${spans}`, () => page, async () => {
      await page.goto(`${env.baseURL}/`);
      await waitForApp(page);
      const t0 = Date.now();
      const rec = await recordTrace(page, { count: spans, trace: true, name: 'perf.op' });
      const seedMs = Date.now() - t0;
      const traceId = rec.traceIds[0];
      const st = await page.evaluate(() => window.spanfall.status());
      assert.ok(st.spans >= spans, `the store holds the ${spans} spans (status ${JSON.stringify(st)})`);

      // Marks, from the navigation's start: the app's API defined (the
      // wasm runs) and the first waterfall row in the DOM.
      await page.addInitScript(() => {
        const t = setInterval(() => {
          if (window.spanfall && !window.__sfvReady) window.__sfvReady = performance.now();
          if (window.__sfvReady) clearInterval(t);
        }, 2);
        new MutationObserver((_, obs) => {
          if (document.querySelector('[role="treegrid"] [role="row"][data-span-id]')) {
            window.__sfvFirstRows = performance.now();
            obs.disconnect();
          }
        }).observe(document, { childList: true, subtree: true });
      });
      await page.goto(`${env.baseURL}/viewer?trace=${traceId}`);
      await page.waitForFunction(() => window.__sfvFirstRows, null, { timeout: 120_000, polling: 50 });
      const marks = await page.evaluate(() => ({ ready: window.__sfvReady, rows: window.__sfvFirstRows }));
      // The first rows may come from the trace's head while the rest is
      // read (aria-busy): then every span is there.
      await page.waitForFunction(([sel, n]) => document.querySelector(sel)?.getAttribute('aria-rowcount') === n,
        [GRID, String(spans + 1)], { timeout: 120_000, polling: 50 });
      assert.equal(await page.locator(GRID).getAttribute('aria-busy'), 'false');
      const domRows = await page.locator(ROW).count();
      await figure({
        name: 'viewer.first_rows', spans, ms: Math.round(marks.rows),
        appReadyMs: Math.round(marks.ready), viewerMs: Math.round(marks.rows - marks.ready),
        domRows, seedMs,
      });
      assert.ok(domRows < 150, `${domRows} row elements for ${spans} spans`);

      // Scroll by 250px a frame for 3 s, wrapping at the end; record the
      // frame deltas and the most row elements seen.
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
      const p50 = quantile(run.frames, 0.5);
      const p95 = quantile(run.frames, 0.95);
      await figure({
        name: 'viewer.scroll_frames', spans, frames: run.frames.length,
        p50Ms: Number(p50.toFixed(1)), p95Ms: Number(p95.toFixed(1)), medianMs: Number(median(run.frames).toFixed(1)),
        maxMs: Number(Math.max(...run.frames).toFixed(1)), maxDomRows: run.maxRows,
      });
      assert.ok(run.maxRows < 150, `at most ${run.maxRows} row elements while scrolling`);
      assert.ok(p95 < 250, `p95 frame ${p95.toFixed(1)} ms while scrolling ${spans} spans`);
    });
  });
}
