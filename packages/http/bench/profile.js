// `node bench/profile.js [--connections 64] [--depth 1] [--seconds 5]`: run our hello-world
// server under `node --cpu-prof` while wrk loads it, then print where the time went: the
// functions with the most self time, and the share of each source file. Not part of the bench
// run; a tool for finding hot paths (see docs/http-bench.md).
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { findWrk, startServer } from './peers.js';
import { runWrk } from './wrk.js';

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: {
    connections: { type: 'string', default: '64' },
    depth: { type: 'string', default: '1' },
    seconds: { type: 'string', default: '5' },
    top: { type: 'string', default: '30' },
  },
});
const wrk = findWrk();
if (wrk === null) throw new Error('wrk is not installed: apt-get install wrk');

const profileDir = await mkdtemp(join(tmpdir(), 'tw-http-profile-'));
const server = await startServer('tw-http', process.execPath, [
  '--cpu-prof',
  '--cpu-prof-dir',
  profileDir,
  join(here, 'servers/tw-hello.js'),
]);
try {
  const shape = {
    connections: Number(values.connections),
    depth: Number(values.depth),
    seconds: Number(values.seconds),
  };
  await runWrk(wrk, server.port, { ...shape, seconds: 2 }); // warm-up, also profiled
  const result = await runWrk(wrk, server.port, shape);
  console.log(
    `${shape.connections} connections, depth ${shape.depth}: ${Math.round(result.rps)} req/s (under the profiler)\n`,
  );
} finally {
  await server.stop();
}
const [file] = (await readdir(profileDir)).filter((name) => name.endsWith('.cpuprofile'));
const profile = JSON.parse(await readFile(join(profileDir, file), 'utf8'));
await rm(profileDir, { recursive: true, force: true });
report(profile, Number(values.top));

function report({ nodes, samples, timeDeltas }, top) {
  const byId = new Map(nodes.map((node) => [node.id, node]));
  const selfTime = new Map();
  for (let i = 0; i < samples.length; i++) {
    selfTime.set(samples[i], (selfTime.get(samples[i]) ?? 0) + (timeDeltas[i] ?? 0));
  }
  const total = [...selfTime.values()].reduce((a, b) => a + b, 0);
  const byFunction = new Map();
  const byFile = new Map();
  for (const [id, time] of selfTime) {
    const { functionName, url, lineNumber } = byId.get(id).callFrame;
    const where = url === '' ? '' : shortUrl(url);
    const key = `${functionName || '(anonymous)'} ${where}${where === '' ? '' : `:${lineNumber + 1}`}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + time);
    const fileKey = where === '' ? functionName : where;
    byFile.set(fileKey, (byFile.get(fileKey) ?? 0) + time);
  }
  const print = (title, map, count) => {
    console.log(title);
    for (const [key, time] of [...map].sort((a, b) => b[1] - a[1]).slice(0, count)) {
      console.log(`  ${((100 * time) / total).toFixed(1).padStart(5)}%  ${key}`);
    }
    console.log('');
  };
  print('Self time by function:', byFunction, top);
  print('Self time by file:', byFile, 20);
}

function shortUrl(url) {
  const path = url.startsWith('file://') ? fileURLToPath(url) : url;
  return path.startsWith('/') ? relative(join(here, '..', '..'), path) : path;
}
