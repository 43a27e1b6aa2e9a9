// The viewer's pipeline status line (issue 5): online/offline, the last
// flush and the rejected spans come from the app's flusher
// (viewer.UseStatus), next to the store's counts. The fault proxy sits
// between the app and the collector so that a batch can be refused.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, withDiagnostics, waitForApp, appFlush, appStatus, appRecord, waitFor, waitForStatus } from '../harness.mjs';
import { rpcStatus, hasSpanId } from '../faultproxy.mjs';

let env;
before(async () => {
  env = await setup({ proxy: true, serverEnv: { SPANFALL_BATCH_SIZE: '100' } });
});
after(async () => {
  await env?.close();
});

const PIPELINE = '[data-testid="pipeline-status"]';

/** Waits until the pipeline status line matches re; returns its text. */
async function waitLine(page, re, what) {
  let last = '';
  return waitFor(async () => {
    last = (await page.locator(PIPELINE).textContent({ timeout: 1_000 }).catch(() => '')) ?? '';
    return re.test(last) ? last : null;
  }, 15_000, { message: () => `${what}: pipeline status matching ${re}; have ${JSON.stringify(last)}` });
}

test('the status line shows offline, the last flush and the rejected spans', { timeout: 120_000 }, async () => {
  // No service worker: back online, its Background Sync could send the
  // offline batch before the page's flusher does (docs/pwa.md), and this
  // test reads the page flusher's own counts.
  const { context, page } = await env.newPage({ viewport: { width: 1600, height: 900 }, serviceWorkers: 'block' });
  await withDiagnostics(env, 'viewer-status', () => page, async () => {
    env.proxy.passThrough();
    await page.goto(`${env.baseURL}/viewer`);
    await waitForApp(page);
    await waitLine(page, /^online · /, 'online at first');

    await context.setOffline(true);
    await waitForStatus(page, (s) => s.online === false, 10_000, 'spanfall.status().online becomes false offline');
    await waitLine(page, /^offline · /, 'offline after context.setOffline(true)');

    // One batch (100 spans) refused by the collector once back online.
    const rec = await appRecord(page, { count: 100, name: 'viewer.status.refused' });
    const rule = env.proxy.reply(rpcStatus(400, 3, 'e2e: this batch is refused'), { match: hasSpanId(rec.spanIds[50]), times: 1 });
    await context.setOffline(false);
    await waitForStatus(page, (s) => s.online === true, 10_000, 'spanfall.status().online becomes true back online');
    const f = await appFlush(page);
    assert.equal(f.pending, 0, `nothing pending after the flush: ${JSON.stringify(f)}`);
    assert.equal(rule.hits, 1, `the proxy refused the batch\n${env.proxy.describe()}`);
    const st = await appStatus(page);
    assert.ok(st.flush.rejected >= 100 && st.lastFlush, `the flusher counted the refused batch: ${JSON.stringify(st.flush)}`);

    // The line shows the flusher's figures: its rejected count, and its
    // last flush as the page's local clock time.
    const clock = await page.evaluate((iso) => {
      const d = new Date(iso);
      return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
    }, st.lastFlush);
    const line = await waitLine(page, new RegExp(`^online · last flush \\d\\d:\\d\\d:\\d\\d · ${st.flush.rejected} rejected$`),
      'the flusher\'s rejected count after the refused flush');
    const shown = /last flush (\S+)/.exec(line)[1];
    // A later flush (the flusher's own timer) may move the time on; it
    // never goes back before the one just read.
    assert.ok(shown >= clock, `last flush ${shown} is not before the flusher's ${clock} (${st.lastFlush})`);
  });
});
