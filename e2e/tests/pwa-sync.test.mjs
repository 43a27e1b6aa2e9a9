// Background Sync: spans recorded offline reach the collector after every
// tab is closed, sent by the service worker itself when the browser fires
// the "spanfall-flush" sync (here through CDP ServiceWorker.dispatchSyncEvent).
// A collector answering 503 keeps them pending and the sync rejected.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import {
  startCollector, startServer, waitForApp, waitForServiceWorkerControl, waitFor, appRecord, appSpans,
  appFlush, appStatus, waitForCollectorIds, assertEachOnce, assertSpanIds, CHROMIUM_ARGS,
} from '../harness.mjs';
import { startFaultProxy, hasSpanId } from '../faultproxy.mjs';

const TAG = 'spanfall-flush';

let collector;
let proxy;
let server;
let userDataDir;
let context;
before(async () => {
  collector = await startCollector();
  proxy = await startFaultProxy({ target: collector.url });
  server = await startServer({ collector, env: { SPANFALL_EXPORT_URL: proxy.tracesURL } });
  userDataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'spanfall-sync-'));
  // Service workers and Background Sync need a persistent profile.
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
  });
});
after(async () => {
  await context?.close();
  await server?.stop();
  await proxy?.stop();
  await collector?.stop();
  if (userDataDir) await fs.rm(userDataDir, { recursive: true, force: true });
});

/** The sync tags registered with the page's service worker. */
const syncTags = (page) =>
  page.evaluate(() => navigator.serviceWorker.ready.then((r) => r.sync.getTags()));

/**
 * Opens the app online (the service worker installs and controls it), goes
 * offline, records count spans, waits until the app registered the sync,
 * then closes every page, calls beforeOnline(spanIds), and goes back online (where
 * Chromium may fire the sync by itself). Returns the span ids.
 */
async function recordOfflineAndCloseAll(name, count, beforeOnline = () => {}) {
  const page = await context.newPage();
  await page.goto(`${server.baseURL}/`);
  await waitForApp(page);
  await waitForServiceWorkerControl(page);
  assert.equal(await page.evaluate(() => typeof SyncManager), 'function', 'this Chromium has Background Sync');
  await context.setOffline(true);
  const { spanIds } = await appRecord(page, { count, name });
  // The flusher (every 1 s) fails offline and registers the sync.
  await waitFor(async () => (await syncTags(page)).includes(TAG), 30_000, {
    message: async () => `the app registered the ${TAG} sync; status ${JSON.stringify(await appStatus(page))}`,
  });
  const stored = await appSpans(page);
  for (const id of spanIds) {
    assert.equal(stored.find((s) => s.spanId === id)?.exported, false, `span ${id} is stored, pending`);
  }
  // Closing a page sends one keepalive request (pagehide), and Chromium's
  // offline emulation does not cover it once the page is gone: refuse it,
  // so that the spans stay pending for the worker (a keepalive answered
  // 2xx after its page died is the unload path's documented duplicate).
  proxy.reply({ status: 503, body: 'e2e: pages are closing' });
  for (const p of context.pages()) await p.close();
  assert.equal(context.pages().length, 0, 'every page is closed');
  // Let a keepalive request still on its way arrive and be refused.
  await new Promise((resolve) => setTimeout(resolve, 500));
  await waitFor(() => proxy.inFlight === 0, 5_000, { message: 'no request in flight after the pages closed' });
  proxy.passThrough();
  await beforeOnline(spanIds);
  await context.setOffline(false);
  return spanIds;
}

/** Fires the sync of the app's service worker through CDP, from a blank page. */
async function dispatchSync() {
  const blank = await context.newPage(); // about:blank: no app, no flusher
  const cdp = await context.newCDPSession(blank);
  const regs = new Map();
  cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }) => {
    for (const r of registrations) regs.set(r.registrationId, r);
  });
  await cdp.send('ServiceWorker.enable');
  const scope = `${server.baseURL}/`;
  const reg = await waitFor(() => [...regs.values()].find((r) => r.scopeURL === scope && !r.isDeleted), 10_000, {
    message: () => `a service worker registration for ${scope}; got ${JSON.stringify([...regs.values()])}`,
  });
  await cdp.send('ServiceWorker.dispatchSyncEvent', {
    origin: server.baseURL, registrationId: reg.registrationId, tag: TAG, lastChance: false,
  });
  return { blank, cdp };
}

/** The app's service worker's sync log (self.spanfallSyncLog). */
async function workerSyncLog() {
  const sw = context.serviceWorkers().find((w) => w.url().startsWith(server.baseURL));
  return sw ? sw.evaluate(() => self.spanfallSyncLog) : null;
}

/**
 * Dispatches the sync and waits until the worker logged one more outcome
 * and every sync it runs is done; returns the outcomes logged since the
 * ISO time since (Chromium may fire the sync by itself on reconnecting).
 */
async function syncOnce(since) {
  const before = (await workerSyncLog())?.at(-1)?.at ?? '';
  const { blank } = await dispatchSync();
  const log = await waitFor(async () => {
    const l = await workerSyncLog();
    return l && l.length && l.at(-1).at > before && l.every((e) => e.done) ? l : null;
  }, 30_000, { message: 'the worker logged the dispatched sync' });
  await blank.close();
  return log.filter((e) => e.at >= since);
}

/** Reopens the app and returns its stored spans with these ids. */
async function reopen() {
  const page = await context.newPage();
  await page.goto(`${server.baseURL}/`);
  await waitForApp(page);
  return page;
}

test('the service worker sends spans recorded offline after every tab is closed', { timeout: 180_000 }, async () => {
  proxy.passThrough();
  proxy.resetLog();
  const since = new Date().toISOString();
  const ids = await recordOfflineAndCloseAll('sync.offline', 7);
  // Back online, Chromium may fire the pending sync by itself; the
  // dispatched one then finds nothing left. Either way only the worker can
  // have sent them: no page of the app is open.
  const log = await syncOnce(since);
  assert.equal(context.pages().length, 0, 'still no page open');
  const spans = await waitForCollectorIds({ spans: () => collector.spans() }, ids, 30_000, 'offline spans sent by the worker');
  assertEachOnce(assert, spans, ids, `offline spans (requests: ${proxy.describe(10)}; worker log: ${JSON.stringify(log)})`);
  for (const s of spans.filter((x) => ids.includes(x.spanId))) {
    assertSpanIds(assert, s);
    assert.equal(s.name, 'sync.offline');
    assert.equal(s.resourceAttrs['service.name'], 'spanfall-demo', 'the resource travels with the spans');
    assert.equal(s.scope.name, 'github.com/spanfall/spanfall/app/test', 'and the scope');
  }
  assert.deepEqual(log.filter((e) => e.error), [], `every sync succeeded: ${JSON.stringify(log)}`);
  assert.ok(log.reduce((a, e) => a + e.exported, 0) >= ids.length, `the syncs exported the spans: ${JSON.stringify(log)}`);
  // One gzipped OTLP JSON request carried them.
  const posts = proxy.posts().filter((p) => p.status === 200 && p.spanIds.some((id) => ids.includes(id)));
  assert.equal(posts.length, 1, `one accepted request carried the spans: ${proxy.describe(10)}`);
  assert.equal(posts[0].contentType, 'application/json');
  assert.equal(posts[0].contentEncoding, 'gzip');

  await expectExportedOnce(ids);
});

/** Reopens the app: ids are marked exported, and a flush sends them no more. */
async function expectExportedOnce(ids) {
  const page = await reopen();
  const stored = await appSpans(page);
  for (const id of ids) {
    assert.equal(stored.find((s) => s.spanId === id)?.exported, true, `span ${id} is marked exported in the store`);
  }
  const { spanIds: [marker] } = await appRecord(page, { count: 1, name: 'e2e.marker' });
  // A backoff the app itself earned earlier (503 with Retry-After: 1) may
  // still be in force: flush until it has passed.
  let f;
  await waitFor(async () => {
    f = await appFlush(page);
    return !f.error && f.pending === 0;
  }, 30_000, { message: () => `the app flushed everything; last flush ${JSON.stringify(f)}` });
  const after = await waitForCollectorIds({ spans: () => collector.spans() }, [marker], 30_000, 'marker');
  assertEachOnce(assert, after, ids, 'spans after the app restarted');
  const st = await appStatus(page);
  assert.equal(st.pending, 0, 'nothing pending');
  assert.equal(st.spans, st.exported + st.pending, 'the store counters add up');
  await page.close();
}

test('a sync against a collector answering 503 keeps the spans pending and fails; a later sync sends them', { timeout: 180_000 }, async () => {
  proxy.passThrough();
  proxy.resetLog();
  let down;
  const since = new Date().toISOString();
  const ids = await recordOfflineAndCloseAll('sync.failing', 4, () => {
    down = proxy.reply({ status: 503, headers: { 'Retry-After': '1' }, body: 'collector down' });
  });
  try {
    const log = await syncOnce(since);
    assert.match(log.at(-1).error ?? '', /503/, `the sync failed on the 503: ${JSON.stringify(log.at(-1))}`);
    assert.equal(log.at(-1).exported, 0);
    assert.ok(proxy.posts().some((p) => p.status === 503 && ids.every((id) => p.spanIds.includes(id))),
      `the worker posted the spans and got 503: ${proxy.describe(10)}`);
    assert.deepEqual((await collector.spans()).filter((s) => ids.includes(s.spanId)), [], 'the collector has none of them');

    // Still pending in the store.
    const page = await reopen();
    const stored = await appSpans(page);
    for (const id of ids) {
      assert.equal(stored.find((s) => s.spanId === id)?.exported, false, `span ${id} is still pending`);
    }
    await page.close();
  } finally {
    down.remove();
  }
  // The collector is back: the next sync sends them, once.
  const log = await syncOnce(new Date().toISOString());
  assert.equal(log.at(-1).error, undefined, `the retried sync succeeded: ${JSON.stringify(log.at(-1))}`);
  assert.ok(log.at(-1).exported >= ids.length, `the retried sync exported the spans: ${JSON.stringify(log.at(-1))}`);
  const spans = await waitForCollectorIds({ spans: () => collector.spans() }, ids, 30_000, 'spans kept through the failed sync');
  assertEachOnce(assert, spans, ids, 'spans kept through the failed sync');
  await expectExportedOnce(ids);
});

test('the worker sends at most 512 spans per request and splits a batch answered 413', { timeout: 180_000 }, async () => {
  proxy.passThrough();
  proxy.resetLog();
  const since = new Date().toISOString();
  const ids = await recordOfflineAndCloseAll('sync.many', 600, (spanIds) => {
    proxy.reply({ status: 413, body: 'too large' }, { times: 1, match: hasSpanId(spanIds[0]) });
  });
  try {
    const log = await syncOnce(since);
    const spans = await waitForCollectorIds({ spans: () => collector.spans() }, ids, 60_000, 'spans of the large backlog');
    assertEachOnce(assert, spans, ids, 'spans of the large backlog');
    assert.deepEqual(log.filter((e) => e.error), [], `every sync succeeded: ${JSON.stringify(log)}`);
    const posts = proxy.posts().filter((p) => p.spanIds.some((id) => ids.includes(id)));
    assert.ok(posts.every((p) => p.spanIds.length <= 512), `at most 512 spans per request: ${proxy.describe(10)}`);
    const refused = posts.filter((p) => p.status === 413);
    assert.equal(refused.length, 1, `one request answered 413: ${proxy.describe(10)}`);
    const halves = posts.filter((p) => p.status === 200 && p.spanIds.includes(ids[0]));
    assert.equal(halves.length, 1, `the span of the refused batch went in exactly one accepted request: ${proxy.describe(10)}`);
    assert.equal(halves[0].spanIds.length, refused[0].spanIds.length >> 1, `the refused batch was split in halves: ${proxy.describe(10)}`);
    await expectExportedOnce(ids);
  } finally {
    proxy.passThrough();
  }
});
