// `pnpm --filter @tw/irc bench:simulation [-- --rounds 5 --sizes 200x10,200x1,400x20]`: the
// 200-client partition simulation of the test suite, timed. Each size CLIENTSxROOMS runs
// `rounds` times, each in a fresh Node process (cold JIT, as in a test run), the sizes
// interleaved. Printed per size: median real seconds and CPU seconds, and the speed-up over the
// wall clock, virtual seconds / real seconds (the same scenario on real sockets would take its
// virtual seconds: its timers are what take time). 200x10 is the test's layout (ten rooms of
// twenty); 200x1 puts everyone in one channel, so JOIN and QUIT fan-outs grow with the square
// of the members. See docs/virtual-reactor.md.
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '5' },
    sizes: { type: 'string', default: '200x10,200x1' },
  },
});
const rounds = Number(values.rounds);
const sizes = values.sizes.split(',').map((size) => {
  const [clients, rooms] = size.split('x').map(Number);
  if (!(clients > 0 && rooms > 0 && rooms <= clients)) throw new Error(`bad size ${size}`);
  return { clients, rooms };
});

const dir = await mkdtemp(join(tmpdir(), 'tw-irc-simulation-'));
try {
  const bundle = join(dir, 'simulation-run.mjs');
  // From the TypeScript sources, as the test runs (no build needed, same code).
  await build({
    entryPoints: [join(here, 'simulation-run.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    conditions: ['@tw/source'],
    outfile: bundle,
    logLevel: 'warning',
  });
  const results = new Map(sizes.map((size) => [size, []]));
  for (let round = 1; round <= rounds; round++) {
    for (const size of sizes) {
      const run = spawnSync(process.execPath, [bundle, String(size.clients), String(size.rooms)], {
        encoding: 'utf8',
        timeout: 300_000,
      });
      if (run.status !== 0) {
        throw new Error(`run ${size.clients}x${size.rooms} failed:\n${run.stderr}${run.stdout}`);
      }
      const result = JSON.parse(run.stdout.trim().split('\n').at(-1));
      results.get(size).push(result);
      console.log(
        `round ${round} ${size.clients}x${size.rooms}: ${result.virtualSeconds.toFixed(1)} virtual s ` +
          `in ${result.realSeconds.toFixed(3)} real s (${result.cpuSeconds.toFixed(3)} s CPU)`,
      );
    }
  }
  const median = (numbers) => {
    const sorted = [...numbers].sort((a, b) => a - b);
    const middle = Math.floor(sorted.length / 2);
    return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  };
  console.log(`\nmedians of ${rounds} cold runs each (node ${process.version}):`);
  for (const [size, runs] of results) {
    const real = median(runs.map((run) => run.realSeconds));
    const cpu = median(runs.map((run) => run.cpuSeconds));
    const virtual = median(runs.map((run) => run.virtualSeconds));
    console.log(
      `  ${size.clients} clients in ${size.rooms} room(s): ${real.toFixed(3)} real s, ` +
        `${cpu.toFixed(3)} s CPU; virtual/real = ${(virtual / real).toFixed(0)}×`,
    );
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
