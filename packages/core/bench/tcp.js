// TCP benchmarks: an echo Protocol on the NodeReactor against the same echo on raw `net`,
// measured in the same run by the same load client (in a worker thread).
import net from 'node:net';
import { Worker } from 'node:worker_threads';
import { Factory, NodeReactor, Protocol } from '../dist/index.js';
import { bestOfInterleaved, printRows } from './report.js';

class Echo extends Protocol {
  dataReceived(data) {
    this.transport.write(data);
  }
}

function runLoad(port, options) {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./load-client.js', import.meta.url), {
      workerData: { port, deadlineMs: 20_000, ...options },
    });
    worker.once('message', (result) => {
      void worker.terminate();
      resolve(result);
    });
    worker.once('error', reject);
  });
}

async function withRawEcho(fn) {
  const server = net.createServer((socket) => socket.on('data', (d) => socket.write(d)));
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    return await fn(server.address().port);
  } finally {
    server.close();
  }
}

async function withTwEcho(fn) {
  const reactor = new NodeReactor({ installSignalHandlers: false });
  const port = await reactor.listenTCP(0, new Factory(Echo), { interface: '127.0.0.1' });
  try {
    return await fn(port.getHost().port);
  } finally {
    await port.stopListening();
  }
}

const throughputLoad = { mode: 'throughput', totalBytes: 512 * 1024 * 1024, chunkSize: 64 * 1024 };
const roundTripLoad = { mode: 'roundtrips', connections: 1000, roundTrips: 100 };

export async function runTcpBench(rounds = 5) {
  const mbps = (r) => r.bytes / r.seconds / 1e6;
  const rtps = (r) => r.roundTrips / r.seconds;
  const throughput = await bestOfInterleaved(
    rounds,
    () => withTwEcho((p) => runLoad(p, throughputLoad)),
    () => withRawEcho((p) => runLoad(p, throughputLoad)),
    mbps,
  );
  const roundTrips = await bestOfInterleaved(
    rounds,
    () => withTwEcho((p) => runLoad(p, roundTripLoad)),
    () => withRawEcho((p) => runLoad(p, roundTripLoad)),
    rtps,
  );
  return [
    { name: 'TCP echo throughput (MB/s), Protocol vs raw net', ...throughput, goal: 0.95 },
    { name: '1000 connections, small round trips (/s), vs raw net', ...roundTrips },
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) printRows(await runTcpBench());
