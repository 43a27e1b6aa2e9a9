// The peer: the OpenTelemetry JS web SDK as an app would ship it (web
// tracer provider, batch span processor, OTLP/HTTP exporter, fetch and
// document-load instrumentation), plus window.peer, the functions
// compare.mjs calls. Bundled by build-peer.mjs with esbuild.
import { trace, context } from '@opentelemetry/api';
import { WebTracerProvider } from '@opentelemetry/sdk-trace-web';
import { BatchSpanProcessor, NoopSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { FetchInstrumentation } from '@opentelemetry/instrumentation-fetch';
import { DocumentLoadInstrumentation } from '@opentelemetry/instrumentation-document-load';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';

const firstSpanAt = { t: null };
const params = new URLSearchParams(location.search);
const endpoint = params.get('endpoint') || `${location.origin}/v1/traces`;
const resource = resourceFromAttributes({ 'service.name': 'otel-js-peer' });

// The app's provider: batch processor + OTLP/HTTP JSON exporter, the
// configuration the OTel JS docs give for browsers.
function pipeline(opts = {}) {
  const exporter = new OTLPTraceExporter({ url: endpoint });
  const bsp = new BatchSpanProcessor(exporter, opts);
  const provider = new WebTracerProvider({ resource, spanProcessors: [bsp] });
  return { provider, exporter, bsp };
}

const app = pipeline();
app.provider.register();
registerInstrumentations({
  tracerProvider: app.provider,
  instrumentations: [new FetchInstrumentation(), new DocumentLoadInstrumentation()],
});
// First recorded span: the document-load instrumentation's spans end on
// the load event; record when the first one reaches the processor.
const onEnd = app.bsp.onEnd.bind(app.bsp);
app.bsp.onEnd = (s) => {
  if (firstSpanAt.t === null) firstSpanAt.t = performance.now();
  onEnd(s);
};

function loop(tracer, n) {
  for (let i = 0; i < n; i++) {
    const s = tracer.startSpan('bench', {
      attributes: { a: 'x', b: 'y', i, j: 2, ok: true },
    });
    s.end();
  }
}

// spans runs n spans (start + 2 string, 2 int, 1 bool attributes + end) and
// returns µs per span. mode "drop": a processor that drops; "pipeline": a
// batch processor exporting to the endpoint (queue sized to hold n), the
// time including forceFlush, i.e. until every span is sent.
async function spans(n, mode) {
  let provider, flush = async () => {};
  if (mode === 'drop') {
    provider = new WebTracerProvider({ resource, spanProcessors: [new NoopSpanProcessor()] });
  } else {
    const p = pipeline({ maxQueueSize: n + 1, maxExportBatchSize: 512, scheduledDelayMillis: 1000 });
    provider = p.provider;
    flush = () => provider.forceFlush();
  }
  const tracer = provider.getTracer('bench');
  if (mode === 'drop') {
    // The median of ten chunks, as Spanfall's bench.spans.
    const chunk = Math.max(1, Math.floor(n / 10));
    const per = [];
    const t0 = performance.now();
    for (let i = 0; i < n; i += chunk) {
      const c = Math.min(chunk, n - i);
      const c0 = performance.now();
      loop(tracer, c);
      per.push(((performance.now() - c0) * 1000) / c);
    }
    const total = ((performance.now() - t0) * 1000) / n;
    per.sort((a, b) => a - b);
    await provider.shutdown();
    const med = per[Math.floor(per.length / 2)];
    return { usPerSpan: med, usPerSpanTotal: total, usPerSpanFlushed: med };
  }
  // As Spanfall's bench.spans: chunks of 4096 spans, each flushed. One
  // forceFlush of more than 30 batches fails (the exporter's concurrency
  // limit), so flushing only at the end is no option.
  let loopMs = 0, failed = 0;
  const t0 = performance.now();
  for (let i = 0; i < n; i += 4096) {
    const l0 = performance.now();
    loop(tracer, Math.min(4096, n - i));
    loopMs += performance.now() - l0;
    await flush().catch(() => { failed++; });
  }
  const t2 = performance.now();
  await provider.shutdown();
  return { usPerSpan: (loopMs * 1000) / n, usPerSpanFlushed: ((t2 - t0) * 1000) / n, failedFlushes: failed };
}

// captured collects n ended spans with the bench's shape.
function captured(n) {
  const out = [];
  const provider = new WebTracerProvider({
    resource, spanProcessors: [{ onStart() {}, onEnd(s) { out.push(s); }, forceFlush: async () => {}, shutdown: async () => {} }],
  });
  loop(provider.getTracer('bench'), n);
  return out;
}

// serialize returns ms to encode n spans as one OTLP request body (median
// of reps) and its size.
function serialize(n, encoding, reps = 5) {
  const spans = captured(n);
  const ser = encoding === 'json' ? JsonTraceSerializer : ProtobufTraceSerializer;
  const times = [];
  let bytes = 0;
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    const body = ser.serializeRequest(spans);
    times.push(performance.now() - t0);
    bytes = body.length;
  }
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(times.length / 2)], bytes };
}

// record makes n spans at rate per second through the app's provider
// (figure 4) and resolves when done.
async function paced(n, perSecond) {
  const tracer = app.provider.getTracer('paced');
  const batch = Math.max(1, Math.round(perSecond / 100)); // every 10 ms
  let made = 0;
  const t0 = performance.now();
  while (made < n) {
    const k = Math.min(batch, n - made);
    loop(tracer, k);
    made += k;
    const next = t0 + (made / perSecond) * 1000;
    await new Promise((r) => setTimeout(r, Math.max(0, next - performance.now())));
  }
}

// endToEnd makes n spans through a batch processor exporting to the
// endpoint and resolves after forceFlush with ms and the request count.
async function endToEnd(n) {
  let requests = 0;
  const p = pipeline({ maxQueueSize: n + 1, maxExportBatchSize: 512, scheduledDelayMillis: 1000 });
  const exp = p.exporter.export.bind(p.exporter);
  p.exporter.export = (spans, cb) => { requests++; exp(spans, cb); };
  const tracer = p.provider.getTracer('e2e');
  const t0 = performance.now();
  for (let i = 0; i < n; i += 4096) { // see spans()
    loop(tracer, Math.min(4096, n - i));
    await p.provider.forceFlush();
  }
  const ms = performance.now() - t0;
  await p.provider.shutdown();
  return { ms, requests };
}

window.peer = {
  spans, serialize, paced, endToEnd,
  firstSpanAt: () => firstSpanAt.t,
  flush: () => app.provider.forceFlush(),
  ready: true,
};
void trace; void context;
