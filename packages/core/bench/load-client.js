// Load generators that run in a worker thread, so the server under test has the main thread
// to itself. Every loop is bounded by a byte or round-trip count and by a deadline.
import net from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';

const { mode, port, totalBytes, chunkSize, connections, roundTrips, deadlineMs } = workerData;
const deadline = Date.now() + deadlineMs;

function throughput() {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunk = Buffer.alloc(chunkSize, 0x61);
    let sent = 0;
    let received = 0;
    const start = process.hrtime.bigint();
    const pump = () => {
      while (sent < totalBytes) {
        sent += chunk.length;
        if (!socket.write(chunk)) return;
      }
    };
    socket.on('connect', pump);
    socket.on('drain', pump);
    socket.on('data', (data) => {
      received += data.length;
      if (received >= totalBytes || Date.now() > deadline) {
        const seconds = Number(process.hrtime.bigint() - start) / 1e9;
        socket.destroy();
        resolve({ bytes: received, seconds });
      }
    });
    socket.on('error', reject);
  });
}

function roundTripsOver(connectionCount, perConnection) {
  return new Promise((resolve, reject) => {
    const message = Buffer.from('ping\n');
    let open = 0;
    let finished = 0;
    let total = 0;
    let start = 0n;
    const sockets = [];
    const done = () => {
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      for (const s of sockets) s.destroy();
      resolve({ roundTrips: total, seconds });
    };
    for (let i = 0; i < connectionCount; i++) {
      const socket = net.connect(port, '127.0.0.1');
      sockets.push(socket);
      let count = 0;
      let pending = 0;
      socket.on('connect', () => {
        if (++open === connectionCount) {
          start = process.hrtime.bigint();
          for (const s of sockets) s.write(message);
        }
      });
      socket.on('data', (data) => {
        pending += data.length;
        while (pending >= message.length) {
          pending -= message.length;
          count++;
          total++;
          if (count < perConnection && Date.now() < deadline) socket.write(message);
          else if (++finished === connectionCount) done();
        }
      });
      socket.on('error', reject);
    }
  });
}

const result =
  mode === 'throughput' ? await throughput() : await roundTripsOver(connections, roundTrips);
parentPort.postMessage(result);
