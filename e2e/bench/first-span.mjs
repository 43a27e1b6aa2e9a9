// Time from navigation to the first recorded span, cold (new profile: no
// HTTP or service-worker cache, wasm fetched over the network) and warm
// (the same profile reloading: the service worker serves the cached shell
// and wasm). "Recorded" means persisted in the store: the moment
// spanfall.status() first reports a span, on the page's own clock
// (performance.now(), which starts at navigation).
//
// Prints one JSON line and a Markdown table. Run: make bench.

import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startCollector, startServer, waitForApp, waitForServiceWorkerControl, CHROMIUM_ARGS } from '../harness.mjs';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);

// firstSpanMs waits, inside the page so the clock is the page's own, until
// the store holds more than baseline spans: the first span of this page
// life (a reload keeps the spans of the earlier ones).
async function firstSpanMs(page, baseline = 0) {
  return page.evaluate(async (baseline) => {
    while (!window.spanfall) await new Promise((r) => setTimeout(r, 5));
    const ready = performance.now();
    for (;;) {
      const st = await window.spanfall.status();
      if (st.spans > baseline) return { ready, firstSpan: performance.now() };
      await new Promise((r) => setTimeout(r, 5));
    }
  }, baseline);
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

// measureFirstSpan runs `runs` cold + warm navigations against a running
// server and returns the per-run figures in ms.
export async function measureFirstSpan(server, runs = RUNS) {
  const cold = [];
  const warm = [];
  const ready = { cold: [], warm: [] };
  for (let i = 0; i < runs; i++) {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'spanfall-bench-'));
    const context = await chromium.launchPersistentContext(dir, {
      executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS,
    });
    try {
      const page = await context.newPage();
      await page.goto(`${server.baseURL}/`);
      const c = await firstSpanMs(page);
      cold.push(c.firstSpan);
      ready.cold.push(c.ready);
      await waitForApp(page);
      await waitForServiceWorkerControl(page);
      // Let this life's document load be stored, then count what is there.
      await page.waitForFunction(async () => (await window.spanfall.status()).spans >= 7, null, { timeout: 30_000 });
      const baseline = (await page.evaluate(() => window.spanfall.status())).spans;
      await page.reload();
      const w = await firstSpanMs(page, baseline);
      warm.push(w.firstSpan);
      ready.warm.push(w.ready);
    } finally {
      await context.close();
      await fs.rm(dir, { recursive: true, force: true });
    }
  }
  return { cold, warm, ready };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
const collector = await startCollector();
const server = await startServer({ collector, flushInterval: '1h' });
let cold, warm, ready;
try {
  ({ cold, warm, ready } = await measureFirstSpan(server));
} finally {
  await server.stop();
  await collector.stop();
}
const wasm = (await fs.stat(path.join(path.dirname(new URL(import.meta.url).pathname), '..', '..', 'web', 'app.wasm'))).size;
const out = {
  bench: 'first-span', runs: RUNS, wasmBytes: wasm,
  coldMedianMs: Math.round(median(cold)), warmMedianMs: Math.round(median(warm)),
  coldReadyMedianMs: Math.round(median(ready.cold)), warmReadyMedianMs: Math.round(median(ready.warm)),
  cold: cold.map(Math.round), warm: warm.map(Math.round),
};
console.log(JSON.stringify(out));
console.log(`\n| navigation → | cold (median of ${RUNS}) | warm, service worker cache (median of ${RUNS}) |\n|---|---|---|\n` +
  `| wasm running (window.spanfall) | ${out.coldReadyMedianMs} ms | ${out.warmReadyMedianMs} ms |\n` +
  `| first span stored | ${out.coldMedianMs} ms | ${out.warmMedianMs} ms |`);
}
