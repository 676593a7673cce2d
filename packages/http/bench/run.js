// `pnpm --filter @tw/http bench` (node bench/run.js): hello-world requests/s of our Site against
// node:http and Twisted's web server, measured with wrk in the same run, in interleaved rounds
// (so drift in machine load hits every server alike), best of N. Needs a build first (turbo's
// bench task depends on build) and Debian's wrk and python3-twisted (without Twisted its column
// is left out, loudly).
//
//   node bench/run.js [--seconds 5] [--rounds 3] [--raw] [--pin]
//
// --pin runs wrk on CPU 0 and the servers on CPU 1 (taskset). On the 2-vCPU VM this was
// written on it made every number far worse and noisier, so it is off by default.
// --raw adds a canned responder on raw node:net that parses nothing: the ceiling of this
// machine and wrk, to see how much of it is left to win.
//
// Each server runs in a process of its own; wrk runs one thread. See docs/http-bench.md.
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { checkHello, findTwistedPython, findWrk, pinning, startServer } from './peers.js';
import { runWrk } from './wrk.js';

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '3' },
    raw: { type: 'boolean', default: false },
    pin: { type: 'boolean', default: false },
  },
});
const seconds = Math.min(10, Math.max(1, Number(values.seconds)));
const rounds = Math.min(10, Math.max(1, Number(values.rounds)));

export const SCENARIOS = [
  { name: '1 connection', connections: 1, depth: 1 },
  { name: '64 connections', connections: 64, depth: 1, goal: 1.3 },
  { name: '64 connections, 16-deep pipelining', connections: 64, depth: 16, goal: 5 },
];

const wrk = findWrk();
if (wrk === null) {
  console.error(
    'wrk is not installed: apt-get install wrk (scripts/install-peers.sh installs it).',
  );
  process.exit(1);
}
const python = findTwistedPython();
if (python === null) {
  console.error(
    '\n*** Twisted is not installed: its column is LEFT OUT (apt-get install python3-twisted) ***\n',
  );
}

const pin = values.pin ? pinning() : { wrk: [], server: [] };
const servers = [];
try {
  servers.push(
    await startServer('tw-http', process.execPath, [join(here, 'servers/tw-hello.js')], pin.server),
  );
  servers.push(
    await startServer(
      'node:http',
      process.execPath,
      [join(here, 'servers/node-hello.js')],
      pin.server,
    ),
  );
  if (values.raw) {
    servers.push(
      await startServer(
        'raw net',
        process.execPath,
        [join(here, 'servers/raw-hello.js')],
        pin.server,
      ),
    );
  }
  if (python !== null) {
    servers.push(
      await startServer('twisted', python, [join(here, 'servers/twisted_hello.py')], pin.server),
    );
  }
  for (const server of servers) await checkHello(server);

  console.log(
    `@tw/http hello world — Node ${process.version}, ${new Date().toISOString()}\n` +
      `wrk -t1, ${seconds} s per run, best of ${rounds} interleaved rounds` +
      (pin.wrk.length > 0 ? ', wrk pinned to CPU 0 and the servers to CPU 1\n' : '\n'),
  );
  // Warm up: let V8 optimise the hot paths before anything counts.
  for (const server of servers) {
    await runWrk(
      wrk,
      server.port,
      { connections: 64, depth: 1, seconds: Math.min(2, seconds) },
      pin.wrk,
    );
  }

  const best = new Map(); // `${scenario}|${server}` → { rps, errors }
  for (let round = 0; round < rounds; round++) {
    for (const scenario of SCENARIOS) {
      for (const server of servers) {
        const result = await runWrk(wrk, server.port, { ...scenario, seconds }, pin.wrk);
        const key = `${scenario.name}|${server.name}`;
        const previous = best.get(key);
        if (previous === undefined || result.rps > previous.rps) best.set(key, result);
        process.stderr.write(
          `  round ${round + 1} ${scenario.name}, ${server.name}: ${Math.round(result.rps)} req/s\n`,
        );
      }
    }
  }
  console.log('');
  printTable(best, servers);
} finally {
  for (const server of servers) await server.stop();
}

function printTable(best, servers) {
  for (const scenario of SCENARIOS) {
    const rps = (name) => best.get(`${scenario.name}|${name}`)?.rps;
    const ours = rps('tw-http');
    const cells = servers.map((server) => {
      const result = best.get(`${scenario.name}|${server.name}`);
      const errors = result.errors > 0 ? ` (${result.errors} errors)` : '';
      return `${server.name} ${Math.round(result.rps).toLocaleString('en-US')}${errors}`;
    });
    const ratios = servers
      .filter((server) => server.name !== 'tw-http')
      .map((server) => `${(ours / rps(server.name)).toFixed(2)}× ${server.name}`);
    const nodeRatio = ours / rps('node:http');
    const goal =
      scenario.goal === undefined
        ? ''
        : `  (goal ≥ ${scenario.goal}× node:http: ${nodeRatio >= scenario.goal ? 'met' : 'NOT met'})`;
    console.log(
      `${scenario.name} — requests/s\n  ${cells.join('  ')}\n  ours = ${ratios.join(', ')}${goal}`,
    );
  }
}
