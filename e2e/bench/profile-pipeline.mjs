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

const N = Number(process.env.PROFILE_SPANS ?? 8192);
const MODE = process.env.PROFILE_MODE ?? 'pipeline';
const TOP = Number(process.env.PROFILE_TOP ?? 30);
// Only the samples with this Go function on their stack (e.g. main.benchLoop:
// the cost on the calling thread, without the writer and the flusher).
const UNDER = process.env.PROFILE_UNDER;

/** Self time per function name, from a CDP Profiler profile. */
function selfTimes(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  const dt = profile.timeDeltas;
  const up = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) up.set(c, n.id);
  const under = (id) => {
    for (; id !== undefined; id = up.get(id)) if (byId.get(id).callFrame.functionName === UNDER) return true;
    return false;
  };
  for (let i = 0; i < profile.samples.length; i++) {
    if (UNDER && !under(profile.samples[i])) continue;
    const n = byId.get(profile.samples[i]);
    const f = n.callFrame;
    const name = `${f.functionName || '(anonymous)'} ${f.url ? f.url.split('/').pop() : ''}`.trim();
    self.set(name, (self.get(name) ?? 0) + (dt[i] ?? 0) / 1000);
  }
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  // Inclusive time per Go function (names with a dot and no file), to
  // see which Go code the JS calls come from.
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const incl = new Map();
  for (let i = 0; i < profile.samples.length; i++) {
    if (UNDER && !under(profile.samples[i])) continue;
    const seen = new Set();
    for (let id = profile.samples[i]; id !== undefined; id = parent.get(id)) {
      const fn = byId.get(id).callFrame.functionName;
      if (!fn || seen.has(fn) || !/[._]/.test(fn) || /^runtime|^syscall|^internal/.test(fn)) continue;
      seen.add(fn);
      incl.set(fn, (incl.get(fn) ?? 0) + (dt[i] ?? 0) / 1000);
    }
  }
  return {
    total, top: [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, TOP),
    incl: [...incl.entries()].sort((a, b) => b[1] - a[1]).slice(0, TOP * 2),
  };
}

function print(title, { total, top, incl }) {
  console.log(`\n## ${title}: ${Math.round(total)} ms sampled\n### self time`);
  for (const [name, ms] of top) console.log(`${ms.toFixed(1).padStart(8)} ms ${(100 * ms / total).toFixed(1).padStart(5)}%  ${name}`);
  console.log('### inclusive time of Go functions');
  for (const [name, ms] of incl) console.log(`${ms.toFixed(1).padStart(8)} ms ${(100 * ms / total).toFixed(1).padStart(5)}%  ${name}`);
}

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
