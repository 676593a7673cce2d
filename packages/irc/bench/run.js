// `pnpm --filter @tw/irc bench [-- --clients 1000 --messages 300 --rounds 5]`: IRC fan-out.
// Our server (bench/our-server.js) and Debian's ngircd each run in a process of their own on
// loopback; `clients` raw clients join #bench on each, one more client sends `messages`
// PRIVMSGs there per round, rounds alternate between the servers. Printed: deliveries per
// second (clients × messages / seconds until the last client has the last message) and memory
// per connection (the server's RSS after the clients joined minus before, / clients), each with
// the ratio tw/ngircd for throughput and ngircd/tw for memory — above 1 means ours is better.
// See docs/irc-bench.md.
import { execSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { closeClients, connectClients, fanOutRound } from './fan-out.js';
import { findNgircd, rssOf, startNgircd, startOurServer } from './peers.js';

const { values } = parseArgs({
  options: {
    clients: { type: 'string', default: '1000' },
    messages: { type: 'string', default: '300' },
    rounds: { type: 'string', default: '5' },
    'round-timeout': { type: 'string', default: '60' },
  },
});
const CLIENTS = Number(values.clients);
const MESSAGES = Number(values.messages);
const ROUNDS = Number(values.rounds);
const ROUND_TIMEOUT_MS = Number(values['round-timeout']) * 1000;
const CHANNEL = '#bench';

const settle = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function checkFileLimit() {
  // Each server holds CLIENTS + 1 sockets and this process CLIENTS + 1 per server.
  const needed = 2 * (CLIENTS + 1) + 64;
  let limit = Number.NaN;
  try {
    limit = Number(execSync('ulimit -n', { shell: '/bin/sh', encoding: 'utf8' }).trim());
  } catch {
    // Not a POSIX shell: go on and let connect() report EMFILE if it comes to that.
  }
  console.log(`ulimit -n: ${Number.isNaN(limit) ? 'unknown' : limit} (this run needs ≥ ${needed})`);
  if (limit < needed) {
    throw new Error(`raise the open-file limit first: ulimit -n ${needed} (it is ${limit})`);
  }
}

async function prepare(server) {
  await settle(300);
  const before = await rssOf(server.pid);
  const started = Date.now();
  const clients = await connectClients(server.port, CLIENTS, 'b', CHANNEL);
  const [sender] = await connectClients(server.port, 1, 'sender', CHANNEL);
  await settle(1000);
  const after = await rssOf(server.pid);
  const joinSeconds = (Date.now() - started) / 1000;
  console.log(
    `${server.name}: ${CLIENTS} clients joined ${CHANNEL} in ${joinSeconds.toFixed(1)} s; ` +
      `RSS ${(before / 2 ** 20).toFixed(1)} → ${(after / 2 ** 20).toFixed(1)} MiB`,
  );
  return {
    server,
    clients,
    sender,
    bytesPerConnection: (after - before) / (CLIENTS + 1),
    rates: [],
  };
}

const ngircdCommand = findNgircd();
if (ngircdCommand === null) {
  console.error(
    'ngircd is not installed (Debian: apt-get install ngircd); nothing to compare with.',
  );
  process.exit(1);
}
checkFileLimit();
const servers = [await startOurServer(), await startNgircd(ngircdCommand)];
const runs = [];
try {
  for (const server of servers) runs.push(await prepare(server));
  for (let round = 1; round <= ROUNDS; round++) {
    for (const run of runs) {
      const seconds = await fanOutRound(
        run.sender,
        run.clients,
        CHANNEL,
        MESSAGES,
        ROUND_TIMEOUT_MS,
      );
      const rate = (CLIENTS * MESSAGES) / seconds;
      run.rates.push(rate);
      console.log(
        `round ${round} ${run.server.name}: ${CLIENTS * MESSAGES} deliveries in ${seconds.toFixed(3)} s = ${Math.round(rate)}/s`,
      );
      await settle(500);
    }
  }
} finally {
  for (const run of runs) closeClients([...run.clients, run.sender]);
  for (const server of servers) await server.stop();
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const [ours, theirs] = runs;
const oursRate = median(ours.rates);
const theirRate = median(theirs.rates);
console.log('');
console.log(
  `fan-out, ${CLIENTS} clients in one channel, ${MESSAGES} messages × ${ROUNDS} rounds (median):`,
);
console.log(
  `  deliveries/s   tw ${Math.round(oursRate)}   ngircd ${Math.round(theirRate)}   tw/ngircd = ${(oursRate / theirRate).toFixed(2)} (higher is better)`,
);
console.log(
  `  RSS/connection tw ${(ours.bytesPerConnection / 1024).toFixed(1)} KiB   ngircd ${(theirs.bytesPerConnection / 1024).toFixed(1)} KiB   ` +
    `ngircd/tw = ${(theirs.bytesPerConnection / ours.bytesPerConnection).toFixed(2)} (higher is better)`,
);
