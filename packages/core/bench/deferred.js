// Deferred vs Promise, measured in the same run (tinybench, warm-up, several interleaved rounds).
// Uses the built package: `cd packages/core && npx tsc -b && node bench/deferred.js`.
//
// (a) a 10-callback chain: Deferred (create, add 10 callbacks, fire, read the result
//     synchronously) vs Promise (Promise.resolve().then ×10, awaited). Goal ≥ 3×.
// (b) an async function awaiting 10 already-fired Deferreds vs 10 resolved Promises. Goal ≥ 0.5×.
// (c) context rows, no goal: (a) with async-context propagation off; the ceiling for (b) (a
//     minimal thenable); 10 callbacks added to a fired Deferred; succeed() vs
//     Promise.resolve(); 100 000 nested pending Deferreds vs Promises; last, (a) once an
//     AsyncLocalStorage is enabled (it stays enabled: Promises get slower too, and the
//     Deferred captures a store per callback) — so it must stay the last row.
//
// (a) runs in a process where no AsyncLocalStorage was enabled, as in a program that uses
// none: on Node 20–22 the Deferred then captures nothing (see src/defer/async-context.ts).
import { pathToFileURL } from 'node:url';
import { Bench } from 'tinybench';
import { AsyncLocalStorage } from 'node:async_hooks';
import { Deferred, setAsyncContextPropagation, succeed } from '../dist/index.js';
import { captureMode } from '../dist/defer/async-context.js';

const BATCH = 100; // operations per task call, so the harness's own cost stays out of the numbers
const ROUNDS = 5;

const inc = (n) => n + 1;

function deferredChain() {
  let sum = 0;
  for (let i = 0; i < BATCH; i++) {
    const d = new Deferred();
    d.addCallback(inc).addCallback(inc).addCallback(inc).addCallback(inc).addCallback(inc);
    d.addCallback(inc).addCallback(inc).addCallback(inc).addCallback(inc).addCallback(inc);
    d.callback(i);
    d.addCallback((n) => {
      sum += n;
    });
  }
  if (sum !== (BATCH * (BATCH - 1)) / 2 + BATCH * 10) throw new Error(`wrong sum ${sum}`);
}

/** The same 10 callbacks added to an already-fired Deferred: the synchronous fast path. */
function firedChain() {
  let sum = 0;
  for (let i = 0; i < BATCH; i++) {
    const d = succeed(i);
    d.addCallback(inc).addCallback(inc).addCallback(inc).addCallback(inc).addCallback(inc);
    d.addCallback(inc).addCallback(inc).addCallback(inc).addCallback(inc).addCallback(inc);
    d.addCallback((n) => {
      sum += n;
    });
  }
  if (sum !== (BATCH * (BATCH - 1)) / 2 + BATCH * 10) throw new Error(`wrong sum ${sum}`);
}

async function promiseChain() {
  let sum = 0;
  for (let i = 0; i < BATCH; i++) {
    sum += await Promise.resolve(i)
      .then(inc)
      .then(inc)
      .then(inc)
      .then(inc)
      .then(inc)
      .then(inc)
      .then(inc)
      .then(inc)
      .then(inc)
      .then(inc);
  }
  if (sum !== (BATCH * (BATCH - 1)) / 2 + BATCH * 10) throw new Error(`wrong sum ${sum}`);
}

const firedDeferreds = Array.from({ length: 10 }, (_, i) => succeed(i));
const resolvedPromises = Array.from({ length: 10 }, (_, i) => Promise.resolve(i));

async function awaitTen(items) {
  let sum = 0;
  for (let i = 0; i < 10; i++) sum += await items[i];
  return sum;
}

/** The cheapest possible thenable: the ceiling for any non-Promise under `await`. */
class MinimalThenable {
  constructor(value) {
    this.value = value;
  }
  then(resolve) {
    resolve(this.value);
  }
}
const minimalThenables = Array.from({ length: 10 }, (_, i) => new MinimalThenable(i));

async function awaitMinimalThenables() {
  for (let i = 0; i < BATCH; i++)
    if ((await awaitTen(minimalThenables)) !== 45) throw new Error('wrong sum');
}

async function awaitDeferreds() {
  for (let i = 0; i < BATCH; i++)
    if ((await awaitTen(firedDeferreds)) !== 45) throw new Error('wrong sum');
}

async function awaitPromises() {
  for (let i = 0; i < BATCH; i++)
    if ((await awaitTen(resolvedPromises)) !== 45) throw new Error('wrong sum');
}

function succeedMany() {
  let last;
  for (let i = 0; i < BATCH; i++) last = succeed(i);
  return last;
}

function promiseResolveMany() {
  let last;
  for (let i = 0; i < BATCH; i++) last = Promise.resolve(i);
  return last;
}

/** 100 000 pending Deferreds, each callback returning the next, fired innermost-last. */
function nestedPending() {
  const n = 100_000;
  const ds = new Array(n);
  for (let i = 0; i < n; i++) ds[i] = new Deferred();
  for (let i = 0; i < n - 1; i++) {
    const next = ds[i + 1];
    ds[i].addCallback(() => next);
  }
  let result = -1;
  ds[0].addCallback((v) => {
    result = v;
  });
  for (let i = 0; i < n - 1; i++) ds[i].callback(0);
  ds[n - 1].callback(42);
  if (result !== 42) throw new Error('nested chain did not finish');
}

/** The same shape with Promises: each resolved with the next, the innermost resolved last. */
async function nestedPromises() {
  const n = 100_000;
  const resolvers = new Array(n);
  const ps = new Array(n);
  for (let i = 0; i < n; i++) ps[i] = new Promise((resolve) => (resolvers[i] = resolve));
  for (let i = 0; i < n - 1; i++) resolvers[i](ps[i + 1].then((v) => v));
  resolvers[n - 1](42);
  if ((await ps[0]) !== 42) throw new Error('nested promises did not finish');
}

/** `fn` run with setAsyncContextPropagation(false): what the context capture costs. */
function withoutPropagation(fn) {
  return () => {
    setAsyncContextPropagation(false);
    try {
      return fn();
    } finally {
      setAsyncContextPropagation(true);
    }
  };
}

const storage = new AsyncLocalStorage();

/** `fn` run inside a store of an enabled AsyncLocalStorage (both sides of the pair). */
function inStore(fn) {
  return () => storage.run('request', fn);
}

/** Median of per-round mean throughput (operations per second, BATCH operations per call). */
async function measurePair(ours, peer, { time = 300, batch = BATCH } = {}) {
  const oursRates = [];
  const peerRates = [];
  for (let round = 0; round < ROUNDS; round++) {
    const bench = new Bench({ time, warmupTime: 100 });
    // Alternate the order so neither side always runs on a warmer (or more tired) process.
    if (round % 2 === 0) bench.add('ours', ours).add('peer', peer);
    else bench.add('peer', peer).add('ours', ours);
    await bench.run();
    for (const task of bench.tasks) {
      const rate = task.result.throughput.mean * batch;
      (task.name === 'ours' ? oursRates : peerRates).push(rate);
    }
  }
  return { ours: median(oursRates), peer: median(peerRates) };
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function row(name, { ours, peer }, goal) {
  return goal === undefined
    ? { name, ours, peer, ratio: ours / peer }
    : { name, ours, peer, ratio: ours / peer, goal };
}

/** Run the Deferred benchmarks; rows of {name, ours, peer, ratio, goal?}, rates in operations/s. */
export async function runDeferredBench() {
  const chainMode = captureMode();
  return [
    row(
      `deferred: 10-callback chain, ops/s (Deferred vs Promise .then ×10; capture: ${chainMode})`,
      await measurePair(deferredChain, promiseChain),
      3,
    ),
    row(
      'deferred: 10-callback chain without async-context propagation, ops/s (vs Promise .then ×10)',
      await measurePair(withoutPropagation(deferredChain), promiseChain),
    ),
    row(
      'deferred: await 10 fired Deferreds vs 10 resolved Promises, ops/s',
      await measurePair(awaitDeferreds, awaitPromises),
      0.5,
    ),
    row(
      'deferred: ceiling for (b): await 10 minimal thenables vs 10 resolved Promises, ops/s',
      await measurePair(awaitMinimalThenables, awaitPromises),
    ),
    row(
      'deferred: 10 callbacks on a fired Deferred vs Promise .then ×10, ops/s',
      await measurePair(firedChain, promiseChain),
    ),
    row(
      'deferred: succeed() vs Promise.resolve(), ops/s',
      await measurePair(succeedMany, promiseResolveMany),
    ),
    row(
      'deferred: 100 000 nested pending Deferreds vs Promises, runs/s',
      await measurePair(nestedPending, nestedPromises, { time: 1000, batch: 1 }),
    ),
    // Last: enabling a storage cannot be undone for the Promise side (Node keeps promise hooks).
    row(
      'deferred: 10-callback chain inside an AsyncLocalStorage store, ops/s (vs Promise .then ×10, same store)',
      await measurePair(inStore(deferredChain), inStore(promiseChain)),
    ),
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { printRows } = await import('./report.js');
  printRows(await runDeferredBench());
}
