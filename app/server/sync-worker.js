// -----------------------------------------------------------------------------
// Spanfall: Background Sync flush of the IndexedDB outbox
// -----------------------------------------------------------------------------
// When the page registered a Background Sync ("spanfall-flush") because
// spans were pending while offline or after a failed flush, the browser fires
// "sync" here, possibly after every tab is closed. The worker then drains the
// outbox itself: pending records of the "spans" store (cache/idb, schema 2),
// in batches of at most batchSize spans and maxBodyBytes of JSON, each sent
// as one OTLP JSON ExportTraceServiceRequest (gzip through CompressionStream
// unless configured off) under the same Web Lock as the page's flusher, and
// marked exported only after a 2xx. 413 splits a batch; another refusal that
// retrying cannot fix drops the batch (marked, as the Go flusher does); 408,
// 429, 502-504 and network failures keep everything and reject the sync, so the
// browser retries it later with its own backoff.
const spanfallSync = {{.SpanfallSync}};

self.addEventListener("sync", (event) => {
  if (event.tag !== spanfallSync.tag) {
    return;
  }
  event.waitUntil(spanfallSyncFlush());
});

// spanfallSyncLog keeps the outcome of the last syncs ({at, exported,
// dropped, requests, error, done}), newest last, for devtools and tests.
self.spanfallSyncLog = [];

async function spanfallSyncFlush() {
  const entry = { at: new Date().toISOString(), exported: 0, dropped: 0, requests: 0 };
  self.spanfallSyncLog = self.spanfallSyncLog.slice(-9).concat([entry]);
  try {
    const drain = () => spanfallDrain(entry);
    if (self.navigator.locks) {
      await self.navigator.locks.request(spanfallSync.lock, drain);
    } else {
      await drain();
    }
  } catch (err) {
    entry.error = String(err && err.message ? err.name + ": " + err.message : err);
    console.warn("spanfall: background sync failed, the browser will retry:", entry.error);
    throw err;
  } finally {
    entry.done = true;
  }
}

// spanfallRecordSpan maps one stored record of the "spans" store to what a
// request needs. It is the only code that knows the record shape (schema 2:
// cache.StoredRecord, the "span" property being the OTLP JSON span, and
// "resource" the id of a record of the "resources" store).
function spanfallRecordSpan(rec) {
  return {
    seq: rec.seq,
    resource: rec.resource || "",
    scope: rec.scope || { name: "" },
    span: rec.span,
  };
}

// spanfallMarkRecord marks a stored record exported, as cache/idb's
// MarkExported does: exported 1, and the exported eviction class of its
// trace (0, or 1 for an error trace). The record's size is unchanged, so the
// store's totals stay right.
function spanfallMarkRecord(rec) {
  rec.exported = 1;
  rec.class = rec.class === 1 || rec.class === 3 ? 1 : 0;
}

async function spanfallDrain(entry) {
  const db = await spanfallOpen();
  if (!db) {
    return; // no outbox in this origin yet
  }
  try {
    for (;;) {
      const batch = await spanfallPending(db, spanfallSync.batchSize);
      if (batch.items.length === 0) {
        return;
      }
      await spanfallSend(db, batch.items, batch.resources, entry);
      if (batch.items.length < spanfallSync.batchSize) {
        return;
      }
    }
  } finally {
    db.close();
  }
}

// spanfallOpen opens the outbox database at its current version, or
// resolves null when it does not exist (it is then not created: the page
// creates it with its schema).
function spanfallOpen() {
  return new Promise((resolve, reject) => {
    let missing = false;
    const req = indexedDB.open(spanfallSync.db);
    req.onupgradeneeded = () => {
      missing = true;
      req.transaction.abort();
    };
    req.onsuccess = () => {
      const db = req.result;
      db.onversionchange = () => db.close(); // let the page upgrade
      if (db.version !== spanfallSync.schema) {
        db.close();
        reject(new Error("outbox schema " + db.version + " is not the " + spanfallSync.schema + " this worker reads"));
        return;
      }
      resolve(db);
    };
    req.onerror = () => (missing ? resolve(null) : reject(req.error));
  });
}

function spanfallRequest(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

// spanfallPending reads up to limit pending records, oldest first, and their
// resources.
async function spanfallPending(db, limit) {
  const tx = db.transaction(["spans", "resources"], "readonly");
  const recs = await spanfallRequest(tx.objectStore("spans").index("exported").getAll(0, limit));
  const items = recs.map(spanfallRecordSpan);
  const ids = [...new Set(items.map((it) => it.resource).filter((id) => id !== ""))];
  const store = tx.objectStore("resources");
  const resources = new Map();
  await Promise.all(ids.map(async (id) => {
    const res = await spanfallRequest(store.get(id));
    if (!res) {
      throw new Error("resource " + id + " of a pending span is not stored");
    }
    resources.set(id, res.attributes || []);
  }));
  return { items, resources };
}

// spanfallBody builds the ExportTraceServiceRequest of items: grouped by
// resource, then by scope, keeping the order of the spans.
function spanfallBody(items, resources) {
  const groups = new Map();
  for (const it of items) {
    let rg = groups.get(it.resource);
    if (!rg) {
      rg = { attributes: it.resource ? resources.get(it.resource) : [], scopes: new Map() };
      groups.set(it.resource, rg);
    }
    const key = JSON.stringify([it.scope.name || "", it.scope.version || ""]);
    let sg = rg.scopes.get(key);
    if (!sg) {
      sg = { scope: it.scope, spans: [] };
      rg.scopes.set(key, sg);
    }
    sg.spans.push(it.span);
  }
  return {
    resourceSpans: [...groups.values()].map((rg) => ({
      resource: { attributes: rg.attributes },
      scopeSpans: [...rg.scopes.values()],
    })),
  };
}

// spanfallSend exports items, splitting them when too large, and marks what
// the collector took (or refused for good). It throws when a retryable
// failure stops it.
async function spanfallSend(db, items, resources, entry) {
  const text = new TextEncoder().encode(JSON.stringify(spanfallBody(items, resources)));
  if (text.length > spanfallSync.maxBodyBytes && items.length > 1) {
    const h = items.length >> 1;
    await spanfallSend(db, items.slice(0, h), resources, entry);
    await spanfallSend(db, items.slice(h), resources, entry);
    return;
  }
  const headers = { "Content-Type": "application/json" };
  let body = text;
  if (spanfallSync.gzip && typeof CompressionStream === "function") {
    const gz = new Blob([text]).stream().pipeThrough(new CompressionStream("gzip"));
    body = await new Response(gz).arrayBuffer();
    headers["Content-Encoding"] = "gzip";
  }
  const url = new URL(spanfallSync.exportURL, self.location.href).href;
  const resp = await fetch(url, { method: "POST", headers, body, cache: "no-store" });
  entry.requests++;
  await resp.arrayBuffer().catch(() => {});
  const seqs = items.map((it) => it.seq);
  if (resp.ok) {
    await spanfallMark(db, seqs);
    entry.exported += seqs.length;
    return;
  }
  if (resp.status === 413 && items.length > 1) {
    const h = items.length >> 1;
    await spanfallSend(db, items.slice(0, h), resources, entry);
    await spanfallSend(db, items.slice(h), resources, entry);
    return;
  }
  if ([408, 429, 502, 503, 504].includes(resp.status)) {
    const after = resp.headers.get("Retry-After");
    throw new Error("collector answered " + resp.status + (after ? " (Retry-After " + after + ")" : "") + ": " + seqs.length + " spans kept");
  }
  // Refused for good (like the Go flusher): drop the batch so that it does
  // not block the outbox.
  await spanfallMark(db, seqs);
  entry.dropped += seqs.length;
}

// spanfallMark marks the records with these seqs exported in one readwrite
// transaction, skipping records gone or already marked.
function spanfallMark(db, seqs) {
  return new Promise((resolve, reject) => {
    const tx = db.transaction("spans", "readwrite");
    const store = tx.objectStore("spans");
    for (const seq of seqs) {
      const get = store.get(seq);
      get.onsuccess = () => {
        const rec = get.result;
        if (rec && rec.exported !== 1) {
          spanfallMarkRecord(rec);
          store.put(rec);
        }
      };
    }
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error || new Error("mark exported: transaction aborted"));
  });
}
