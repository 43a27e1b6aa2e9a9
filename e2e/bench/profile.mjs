// CPU profile helpers of the profiling tools (profile-viewer.mjs,
// profile-pipeline.mjs): self time per function and inclusive time per Go
// function, from a Chrome DevTools Protocol Profiler profile.

/** Self time per function name, from a CDP Profiler profile. */
export function selfTimes(profile, { top: TOP = 25, under: UNDER } = {}) {
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

export function print(title, { total, top, incl }) {
  console.log(`\n## ${title}: ${Math.round(total)} ms sampled\n### self time`);
  for (const [name, ms] of top) console.log(`${ms.toFixed(1).padStart(8)} ms ${(100 * ms / total).toFixed(1).padStart(5)}%  ${name}`);
  console.log('### inclusive time of Go functions');
  for (const [name, ms] of incl) console.log(`${ms.toFixed(1).padStart(8)} ms ${(100 * ms / total).toFixed(1).padStart(5)}%  ${name}`);
}

