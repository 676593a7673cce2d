// Runs inside the rehearsal's scratch project. A client a person could have typed by hand:
// connect to 127.0.0.1:<port>, send one line, read the answer until the server closes or goes
// quiet. Retries the connection for a while, since a server started by another process may
// still be binding.
import { connect } from 'node:net';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function exchange(port, request, quietMs) {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    const chunks = [];
    let idle;
    const finish = () => {
      clearTimeout(idle);
      socket.destroy();
      resolve(Buffer.concat(chunks).toString('utf8'));
    };
    const arm = () => {
      clearTimeout(idle);
      idle = setTimeout(finish, quietMs);
    };
    socket.once('connect', () => {
      socket.write(request);
      arm();
    });
    socket.on('data', (chunk) => {
      chunks.push(chunk);
      arm();
    });
    socket.once('end', finish);
    socket.once('error', (error) => {
      clearTimeout(idle);
      reject(error);
    });
  });
}

/** The answer to `request`, or throws once `attempts` connections were refused. */
export async function probe(port, request, { attempts = 40, quietMs = 3_000 } = {}) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await exchange(port, request, quietMs);
    } catch (error) {
      if (attempt >= attempts || error.code !== 'ECONNREFUSED') throw error;
      await sleep(500);
    }
  }
}

// `node probe.mjs <port> [request]`: prints the answer; exit 1 if there was none.
if (process.argv[1] === import.meta.filename) {
  const port = Number(process.argv[2]);
  const request = (process.argv[3] ?? '') + '\r\n';
  const answer = await probe(port, request);
  process.stdout.write(answer);
  if (answer.length === 0) {
    console.error(`probe: 127.0.0.1:${port} accepted the connection but answered nothing`);
    process.exit(1);
  }
}
