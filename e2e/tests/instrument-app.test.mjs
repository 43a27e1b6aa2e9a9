// Issue 4, part B: the app instrumentation at a real collector — page
// errors and unhandled rejections (live and from the early buffer), a Go
// panic recovered in a go-app handler, long tasks, web vitals after page
// hide, route navigations, go-app actions, and trace-complete sampling
// (ratio 0 with the tail rule: an erroring trace kept whole, a clean one
// dropped, counted in status().sampling).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  setup, withDiagnostics, waitForApp, appFlush, appSpans, appStatus, waitFor, attr, attrsObject,
  startServer, APP_INSTRUMENTATION_ON,
} from '../harness.mjs';

const STATUS_ERROR = 2;

let env;
before(async () => {
  env = await setup({ serverEnv: APP_INSTRUMENTATION_ON });
});
after(async () => {
  await env?.close();
});

/** Flushes the app and waits until pred(collector spans) returns a value. */
async function flushUntil(page, pred, message, timeout = 20_000) {
  let last = [];
  return waitFor(
    async () => {
      await appFlush(page);
      last = await env.spans();
      return pred(last);
    },
    timeout,
    { message: () => `${message}; collector has: ${JSON.stringify(last.map((s) => s.name))}`, interval: 300 },
  );
}

/** The attributes of a span's first event named name, as an object. */
function eventAttrs(span, name = 'exception') {
  const ev = (span.events ?? []).find((e) => e.name === name);
  return ev ? attrsObject(ev.attributes) : null;
}

async function openLab(page) {
  await page.goto(`${env.baseURL}/lab`);
  await waitForApp(page);
  await page.waitForSelector('[data-testid="lab-state"]');
}

test('a thrown error and a rejected promise become error spans with exception events; an early-buffer error keeps its time', { timeout: 120_000 }, async () => {
  const { page } = await env.newPage();
  // The early buffer's contract: errors caught before the wasm booted.
  // Whether or not web/early.js defines the buffer, one entry is added.
  const earlyTime = Date.now() - 60_000; // a minute "before boot": clearly its own time
  await page.addInitScript((t) => {
    const entry = { type: 'error', time: t, message: 'early: boom', errorType: 'ReferenceError', stack: 'ReferenceError: early: boom\n    at head.js:1:1', filename: 'http://x/head.js?token=s', lineno: 1, colno: 1 };
    let buf = null;
    Object.defineProperty(window, '__spanfall_early', {
      configurable: true,
      get() { return buf ?? (buf = { errors: [entry], events: [], stop() {} }); },
      set(v) { v.errors.push(entry); buf = v; },
    });
  }, earlyTime);
  await withDiagnostics(env, 'instrument-errors', () => page, async () => {
    await openLab(page);
    await page.waitForFunction(() => !!window.spanfallLab);
    await page.click('[data-testid="lab-throw"]');
    await page.click('[data-testid="lab-reject"]');
    const found = await flushUntil(page, (spans) => {
      const thrown = spans.find((s) => s.name === 'error' && eventAttrs(s)?.['exception.type'] === 'TypeError' && eventAttrs(s)?.['exception.message']?.includes('lab: thrown'));
      const rejected = spans.find((s) => s.name === 'unhandledrejection' && eventAttrs(s)?.['exception.message'] === 'lab: rejected');
      const early = spans.find((s) => s.name === 'error' && eventAttrs(s)?.['exception.message'] === 'early: boom');
      return thrown && rejected && early ? { thrown, rejected, early } : null;
    }, 'an error span (TypeError lab: thrown), an unhandledrejection span (lab: rejected) and the early error');

    for (const [what, s] of Object.entries(found)) {
      assert.equal(s.status?.code, STATUS_ERROR, `${what}: status error`);
      const ev = eventAttrs(s);
      for (const k of ['exception.type', 'exception.message', 'exception.stacktrace']) {
        assert.ok(ev[k], `${what}: exception event has ${k}: ${JSON.stringify(ev)}`);
      }
    }
    assert.match(eventAttrs(found.thrown)['exception.stacktrace'], /labThrow/, 'the thrown error keeps its stack');
    assert.match(attr(found.thrown.attributes, 'code.file.path'), /\/web\/lab\.js$/, 'the thrown error names its script');
    assert.match(eventAttrs(found.rejected)['exception.stacktrace'], /lab: rejected/, 'the rejection keeps its stack');
    assert.equal(eventAttrs(found.rejected)['exception.type'], 'Error');
    // The early error: its original time, marked early, URL query stripped.
    const startMs = Number(BigInt(found.early.startTimeUnixNano) / 1_000_000n);
    assert.equal(startMs, earlyTime, 'the early error keeps its original time');
    assert.equal(attr(found.early.attributes, 'spanfall.early'), true);
    assert.equal(attr(found.early.attributes, 'code.file.path'), 'http://x/head.js');
    assert.equal(await page.evaluate(() => window.__spanfall_early.errors.length), 0, 'the early errors were taken from the buffer');
  });
});

test('a Go panic in a go-app handler becomes an error span and the app keeps working', { timeout: 120_000 }, async () => {
  const { page } = await env.newPage();
  await withDiagnostics(env, 'instrument-panic', () => page, async () => {
    await openLab(page);
    await page.click('[data-testid="lab-panic"]');
    await page.click('[data-testid="lab-count"]');
    await page.waitForFunction(() => document.querySelector('[data-testid="lab-state"]')?.textContent.includes('clicks 1 · panics 1'), null, { timeout: 10_000 });
    const { root, step } = await flushUntil(page, (spans) => {
      const root = spans.find((s) => s.name === 'lab.panic');
      const step = root && spans.find((s) => s.name === 'lab.panic.step' && s.parentSpanId === root.spanId);
      return root && step ? { root, step } : null;
    }, 'lab.panic with its child lab.panic.step');
    assert.equal(root.status?.code, STATUS_ERROR);
    const ev = eventAttrs(root);
    assert.equal(ev['exception.type'], 'runtime.plainError');
    assert.equal(ev['exception.message'], 'assignment to entry in nil map');
    assert.match(ev['exception.stacktrace'], /goroutine \d+/, 'a Go stack from runtime/debug.Stack');
    assert.match(ev['exception.stacktrace'], /lab\.go/, 'the stack names the panicking handler');
    // Still working: a traced action after the panic.
    await page.click('[data-testid="lab-action"]');
    await page.waitForFunction(() => document.querySelector('[data-testid="lab-state"]')?.textContent.includes('actions 1'), null, { timeout: 10_000 });
  });
});

test('a long task becomes a span with its attribution', { timeout: 120_000 }, async () => {
  const { page } = await env.newPage();
  await withDiagnostics(env, 'instrument-longtask', () => page, async () => {
    await openLab(page);
    await page.evaluate(() => { const t = performance.now(); while (performance.now() - t < 120) { /* busy */ } });
    await page.click('[data-testid="lab-long-task"]');
    const found = await flushUntil(page, (spans) => {
      const tasks = spans.filter((s) => s.name === 'longtask' && attr(s.attributes, 'browser.long_task.duration') >= 120);
      const frames = spans.filter((s) => s.name === 'long-animation-frame');
      return tasks.length >= 2 && frames.length >= 1 ? { tasks, frames, spans } : null;
    }, 'two longtask spans (the evaluate loop and the Go handler) and a long-animation-frame');
    for (const t of found.tasks) {
      assert.ok(attr(t.attributes, 'browser.long_task.name'), 'longtask has its name attribution');
      assert.ok(BigInt(t.endTimeUnixNano) - BigInt(t.startTimeUnixNano) >= 120_000_000n, 'the span covers the task');
    }
    const frame = found.frames.find((f) => attr(f.attributes, 'browser.loaf.blocking_duration') > 0);
    assert.ok(frame, 'a long animation frame with a blocking duration');
    const scripts = found.spans.filter((s) => s.name === 'long-animation-frame.script' && found.frames.some((f) => f.spanId === s.parentSpanId));
    for (const s of scripts) {
      const url = attr(s.attributes, 'browser.loaf.script.source_url') ?? '';
      assert.ok(!url.includes('?'), `script source URL has no query: ${url}`);
    }
  });
});

test('route navigations and go-app actions become spans', { timeout: 120_000 }, async () => {
  const { page } = await env.newPage();
  await withDiagnostics(env, 'instrument-routes', () => page, async () => {
    await page.goto(`${env.baseURL}/`);
    await waitForApp(page);
    await page.click('[data-testid="open-lab"]');
    await page.waitForSelector('[data-testid="lab-action"]');
    await page.click('[data-testid="lab-action"]');
    await page.waitForFunction(() => document.querySelector('[data-testid="lab-state"]')?.textContent.includes('actions 1'), null, { timeout: 10_000 });
    await page.click('[data-testid="lab-home"]');
    await page.waitForSelector('[data-testid="demo-action"]');
    const found = await flushUntil(page, (spans) => {
      const navs = spans.filter((s) => s.name === 'navigation');
      const initial = navs.find((s) => attr(s.attributes, 'app.navigation.kind') === 'initial' && attr(s.attributes, 'app.route') === '/');
      const toLab = navs.find((s) => attr(s.attributes, 'app.route') === '/lab' && attr(s.attributes, 'app.route.previous') === '/');
      const back = navs.find((s) => attr(s.attributes, 'app.route') === '/' && attr(s.attributes, 'app.route.previous') === '/lab');
      const click = spans.find((s) => s.name === 'lab.click');
      const action = click && spans.find((s) => s.name === 'action lab.save' && s.parentSpanId === click.spanId && s.traceId === click.traceId);
      const work = action && spans.find((s) => s.name === 'lab.save.work' && s.parentSpanId === action.spanId);
      return initial && toLab && back && work ? { initial, toLab, back, action } : null;
    }, 'navigation spans for / (initial), /lab and back to /, and lab.click > action lab.save > lab.save.work');
    assert.equal(attr(found.toLab.attributes, 'app.navigation.kind'), 'link');
    assert.equal(attr(found.toLab.attributes, 'url.path'), '/lab');
    assert.equal(attr(found.action.attributes, 'app.action.name'), 'lab.save');
  });
});

test('web vitals: LCP, FCP, TTFB, CLS and INP are reported after a click and page hide', { timeout: 120_000 }, async () => {
  const { page } = await env.newPage();
  await withDiagnostics(env, 'instrument-vitals', () => page, async () => {
    await openLab(page);
    // Interactions: real clicks (first-input and event timing entries).
    await page.click('[data-testid="lab-count"]');
    await page.click('[data-testid="lab-long-task"]'); // a slow interaction
    await page.waitForFunction(() => document.querySelector('[data-testid="lab-state"]')?.textContent.includes('clicks 1'));
    // Page hide. Headless Chromium never hides a page (switching tabs or
    // minimizing does not change visibilityState: playwright#2286,
    // w3c/webdriver#1718), so the document reports hidden and the browser
    // dispatches the real visibilitychange event to every listener.
    await page.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
      Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
      document.dispatchEvent(new Event('visibilitychange'));
    });
    const byName = await flushUntil(page, (spans) => {
      const vitals = spans.filter((s) => s.name === 'web-vital');
      const m = new Map(vitals.map((s) => [attr(s.attributes, 'web_vital.name'), s]));
      return ['LCP', 'FCP', 'TTFB', 'CLS', 'INP'].every((n) => m.has(n)) ? m : null;
    }, 'web-vital spans for LCP, FCP, TTFB, CLS and INP', 30_000);
    const spans = await env.spans();
    for (const [name, s] of byName) {
      const load = spans.find((l) => l.name === 'documentLoad' && l.spanId === s.parentSpanId && l.traceId === s.traceId);
      assert.ok(load, `${name} is a child of the page's documentLoad span`);
      const a = attrsObject(s.attributes);
      assert.equal(typeof a['web_vital.value'], 'number', `${name} value`);
      assert.ok(a['web_vital.value'] >= 0, `${name} value ${a['web_vital.value']}`);
      assert.ok(['good', 'needs-improvement', 'poor'].includes(a['web_vital.rating']), `${name} rating ${a['web_vital.rating']}`);
      assert.equal(a['web_vital.navigation_type'], 'navigate', `${name} navigation type`);
    }
    assert.ok(attr(byName.get('INP').attributes, 'web_vital.target'), 'INP names its interaction event');
  });
});

test('sampling ratio 0 with the tail rule: an erroring trace is kept whole, a clean one dropped', { timeout: 120_000 }, async () => {
  const server = await startServer({ collector: env.collector, env: { ...APP_INSTRUMENTATION_ON, SPANFALL_SAMPLE_RATIO: '0', SPANFALL_SLOW_ROOT: '30s' } });
  try {
    const { page } = await env.newPage();
    await withDiagnostics(env, 'instrument-sampling', () => page, async () => {
      await page.goto(`${server.baseURL}/lab`);
      await waitForApp(page);
      await page.click('[data-testid="lab-action"]'); // clean, fast: dropped
      await page.waitForFunction(() => document.querySelector('[data-testid="lab-state"]')?.textContent.includes('actions 1'));
      await page.click('[data-testid="lab-panic"]'); // error: kept whole
      await page.waitForFunction(() => document.querySelector('[data-testid="lab-state"]')?.textContent.includes('panics 1'));
      const status = await waitFor(async () => {
        await appFlush(page);
        const st = await appStatus(page);
        return st.sampling?.kept?.error >= 2 && st.sampling?.dropped?.fast >= 3 ? st : null;
      }, 20_000, { message: 'status().sampling to count the kept erroring trace and the dropped clean one' });
      assert.equal(status.sampling.kept.head ?? 0, 0, 'ratio 0: nothing head-sampled');

      const stored = await appSpans(page);
      const names = stored.map((s) => s.name);
      const root = stored.find((s) => s.name === 'lab.panic');
      assert.ok(root, `lab.panic stored: ${JSON.stringify(names)}`);
      assert.ok(stored.some((s) => s.name === 'lab.panic.step' && s.parentSpanId === root.spanId && s.traceId === root.traceId), 'its child too: the whole trace');
      for (const dropped of ['lab.click', 'action lab.save', 'lab.save.work']) {
        assert.ok(!names.includes(dropped), `${dropped} dropped, store has ${JSON.stringify(names)}`);
      }
      await flushUntil(page, (spans) => spans.some((s) => s.spanId === root.spanId) && spans.some((s) => s.name === 'lab.panic.step' && s.traceId === root.traceId),
        'the kept trace at the collector');
    });
  } finally {
    await server.stop();
  }
});
