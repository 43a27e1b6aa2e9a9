// CPU profile of the span pipeline (Chrome DevTools Protocol Profiler)
// while window.spanfall.bench.spans records N spans in a mode ("pipeline":
// the app's provider into IndexedDB; "drop": the engine alone): prints the
// functions with the most self time and the Go functions with the most
// inclusive time. PROFILE_MODE=paced records N spans at 1,000 a second
// (figure 4) and also prints the longest busy stretch: the longest task. Build the wasm with symbols first for readable names:
//
//   GOOS=js GOARCH=wasm go build -o web/app.wasm ./app && rm -f web/app.wasm.br web/app.wasm.gz
//   cd e2e && PROFILE_SPANS=8192 PROFILE_MODE=pipeline node bench/profile-pipeline.mjs
//
// Not part of make bench: a tool to find where the time goes.

import { setup, waitForApp } from '../harness.mjs';
import { selfTimes as profileTimes, print } from './profile.mjs';

const N = Number(process.env.PROFILE_SPANS ?? 8192);
const MODE = process.env.PROFILE_MODE ?? 'pipeline';
const TOP = Number(process.env.PROFILE_TOP ?? 30);
// Only the samples with this Go function on their stack (e.g. main.benchLoop:
// the cost on the calling thread, without the writer and the flusher).
const UNDER = process.env.PROFILE_UNDER;

const selfTimes = (profile) => profileTimes(profile, { top: TOP, under: UNDER });

const env = await setup({ flushInterval: '1h', serverEnv: { SPANFALL_MAX_SPANS: '200000' } });
try {
  const { page, context } = await env.newPage();
  await page.goto(`${env.baseURL}/`);
  await waitForApp(page);
  await page.waitForFunction(() => !!window.spanfall?.bench);
  await page.evaluate(([n, m]) => window.spanfall.bench.spans(n, m), [Math.ceil(N / 10), MODE === 'paced' ? 'pipeline' : MODE]); // warm-up
  const cdp = await context.newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
  await cdp.send('Profiler.start');
  const r = MODE === 'paced'
    ? await page.evaluate((n) => window.spanfall.bench.paced(n, 1000), N)
    : await page.evaluate(([n, m]) => window.spanfall.bench.spans(n, m), [N, MODE]);
  const { profile } = await cdp.send('Profiler.stop');
  if (MODE === 'paced') {
    // The longest stretch of samples without idle: the longest task.
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    let best = [0, 0], start = 0, t = 0, run = 0;
    for (let i = 0; i < profile.samples.length; i++) {
      t += profile.timeDeltas[i];
      const idle = byId.get(profile.samples[i]).callFrame.functionName === '(idle)';
      if (idle) { run = 0; start = i + 1; continue; }
      run += profile.timeDeltas[i];
      if (run > best[0]) best = [run, start, i];
    }
    const [ms, from, to] = best;
    const slice = { ...profile, samples: profile.samples.slice(from, to + 1), timeDeltas: profile.timeDeltas.slice(from, to + 1) };
    print(`paced: longest busy stretch ${(ms / 1000).toFixed(1)} ms`, selfTimes(slice));
  }
  print(`${MODE}: ${N} spans, ${JSON.stringify(r)}`, selfTimes(profile));
} finally {
  await env.close();
}
