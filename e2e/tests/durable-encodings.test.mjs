// Every export encoding the browser can send decodes at the real
// collector: protobuf and JSON, each gzipped (CompressionStream) or plain.
// The fault proxy, passing everything through, shows what went on the wire.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startCollector, startServer, launchBrowser, waitForApp, appRecord, appFlush, waitForCollectorIds } from '../harness.mjs';
import { startFaultProxy } from '../faultproxy.mjs';

let collector;
let proxy;
let browser;
before(async () => {
  collector = await startCollector();
  proxy = await startFaultProxy({ target: collector.url });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await proxy?.stop?.();
  await collector?.stop();
});

const combos = [
  { encoding: 'protobuf', compression: 'gzip', contentType: 'application/x-protobuf', contentEncoding: 'gzip' },
  { encoding: 'protobuf', compression: 'none', contentType: 'application/x-protobuf', contentEncoding: undefined },
  { encoding: 'json', compression: 'gzip', contentType: 'application/json', contentEncoding: 'gzip' },
  { encoding: 'json', compression: 'none', contentType: 'application/json', contentEncoding: undefined },
];

for (const c of combos) {
  test(`export as ${c.encoding} + ${c.compression} decodes at the real collector`, { timeout: 120_000 }, async () => {
    const server = await startServer({
      collector,
      env: { SPANFALL_EXPORT_URL: proxy.tracesURL, SPANFALL_OTLP_ENCODING: c.encoding, SPANFALL_OTLP_COMPRESSION: c.compression },
    });
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(`${server.baseURL}/`);
      await waitForApp(page);
      proxy.resetLog();
      const { spanIds } = await appRecord(page, { count: 40, errors: 2, name: `enc.${c.encoding}.${c.compression}` });
      const f = await appFlush(page);
      assert.equal(f.error, undefined, `flush: ${JSON.stringify(f)}`);
      await waitForCollectorIds({ spans: () => collector.spans() }, spanIds, 30_000, `${c.encoding}+${c.compression} span ids`);
      const posts = proxy.posts().filter((p) => p.spanIds.some((id) => spanIds.includes(id)));
      assert.ok(posts.length > 0, 'the proxy saw the export');
      for (const p of posts) {
        assert.equal(p.contentType, c.contentType, 'Content-Type on the wire');
        assert.equal(p.contentEncoding, c.contentEncoding, 'Content-Encoding on the wire');
        assert.ok(p.status >= 200 && p.status < 300, `collector answered ${p.status}`);
      }
    } finally {
      await context.close();
      await server.stop();
    }
  });
}
