// CPU profile of the viewer (Chrome DevTools Protocol Profiler) while it
// opens one trace of N spans from the trace list, and while it scrolls
// it: prints the functions with the most self time in each phase. Build
// the wasm with symbols first for readable names:
//
//   GOOS=js GOARCH=wasm go build -o web/app.wasm ./app && rm -f web/app.wasm.br web/app.wasm.gz
//   cd e2e && PROFILE_SPANS=10000 node bench/profile-viewer.mjs
//
// Not part of make bench: a tool to find where the time goes.

import { setup, waitForApp } from '../harness.mjs';
import { selfTimes as profileTimes, print } from './profile.mjs';

const N = Number(process.env.PROFILE_SPANS ?? 10_000);
const TOP = Number(process.env.PROFILE_TOP ?? 25);

const selfTimes = (profile) => profileTimes(profile, { top: TOP });

const env = await setup({ flushInterval: '1h', serverEnv: { SPANFALL_MAX_SPANS: '200000' } });
try {
  const { page, context } = await env.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(`${env.baseURL}/`);
  await waitForApp(page);
  const r = await page.evaluate((count) => window.spanfall.record({ count, trace: true, name: 'bench.op' }), Math.min(N, 10_000));
  const traceId = r.traceIds[0];
  for (let left = N - 10_000; left > 0; left -= 10_000) {
    await page.evaluate(([count, trace, parent]) => window.spanfall.record({ count, trace, parent }), [Math.min(left, 10_000), traceId, r.spanIds[0]]);
  }
  for (let i = 0; i < 200 && (await page.evaluate(() => window.spanfall.flush())).pending > 0; i++);
  await page.goto(`${env.baseURL}/viewer`);
  const link = page.locator(`[data-testid="trace-row"][data-trace-id="${traceId}"] a`);
  await link.waitFor({ timeout: 120_000 });
  await page.waitForTimeout(500);

  page.on('console', (m) => { if (m.text().startsWith('mutations')) console.log(m.text()); });
  const cdp = await context.newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await cdp.send('Profiler.start');
  const openMs = await link.evaluate((a) => new Promise((resolve) => {
    const t0 = performance.now();
    new MutationObserver((_, obs) => {
      if (document.querySelector('[role="treegrid"] [role="row"][data-span-id]')) {
        obs.disconnect();
        resolve(performance.now() - t0);
      }
    }).observe(document, { childList: true, subtree: true });
    a.click();
  }));
  let { profile } = await cdp.send('Profiler.stop');
  print(`open (click → first rows ${Math.round(openMs)} ms)`, selfTimes(profile));

  await page.waitForTimeout(1500);
  await cdp.send('Profiler.start');
  const frames = await page.locator('[role="treegrid"]').evaluate((g) => new Promise((resolve) => {
    const out = [];
    const muts = {};
    const mo = new MutationObserver((recs) => {
      for (const r of recs) {
        const k = r.type === 'attributes' ? `attr ${r.attributeName}` : r.type;
        muts[k] = (muts[k] ?? 0) + 1;
      }
    });
    mo.observe(g, { subtree: true, childList: true, attributes: true, characterData: true });
    let last = performance.now();
    const end = last + 3000;
    const step = (t) => {
      out.push(t - last);
      last = t;
      g.scrollTop = g.scrollTop + g.clientHeight >= g.scrollHeight - 1 ? 0 : g.scrollTop + 250;
      if (t < end) requestAnimationFrame(step);
      else {
        mo.disconnect();
        console.log('mutations per frame', JSON.stringify(Object.fromEntries(Object.entries(muts).map(([k, v]) => [k, Math.round(v / out.length)]))));
        resolve(out.slice(1));
      }
    };
    requestAnimationFrame(step);
  }));
  ({ profile } = await cdp.send('Profiler.stop'));
  frames.sort((a, b) => a - b);
  print(`scroll (${frames.length} frames, p50 ${frames[frames.length >> 1].toFixed(1)} ms)`, selfTimes(profile));
} finally {
  await env.close();
}
