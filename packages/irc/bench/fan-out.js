// The load side of the fan-out benchmark: raw node:net IRC clients that register and join one
// channel, and one sender whose messages every other member receives. Counting is done on
// bytes (newlines), not parsed lines, so the load side stays cheap next to the servers.
import { connect } from 'node:net';

const NEWLINE = 0x0a;

/** One registered client; after `ready`, every line it receives is counted as a delivery. */
class BenchClient {
  constructor(socket) {
    this.socket = socket;
    this.received = 0;
    this.pending = '';
    this.counting = false;
    this.onLine = null;
    this.onCount = null;
    socket.on('data', (chunk) => this.data(chunk));
  }

  data(chunk) {
    if (this.counting) {
      let at = -1;
      while ((at = chunk.indexOf(NEWLINE, at + 1)) !== -1) this.received += 1;
      this.onCount?.(this);
      return;
    }
    this.pending += chunk.toString('latin1');
    let end;
    while ((end = this.pending.indexOf('\n')) >= 0) {
      const line = this.pending.slice(0, end);
      this.pending = this.pending.slice(end + 1);
      if (line.startsWith('PING ')) this.socket.write(`PONG ${line.slice(5)}\r\n`);
      this.onLine?.(line);
    }
  }
}

/** Connect and register one client as `nick`, join `channel`; resolves after 366 (end of NAMES). */
function joinOne(port, nick, channel) {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    const client = new BenchClient(socket);
    const timer = setTimeout(() => reject(new Error(`${nick}: no 366 within 60 s`)), 60_000);
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.once('connect', () => {
      socket.write(`NICK ${nick}\r\nUSER ${nick} 0 * :bench\r\n`);
    });
    client.onLine = (line) => {
      const words = line.split(' ');
      if (words[1] === '001') socket.write(`JOIN ${channel}\r\n`);
      else if (words[1] === '366') {
        clearTimeout(timer);
        client.onLine = null;
        resolve(client);
      } else if (words[0] === 'ERROR' || /^4(?!22)\d\d$/.test(words[1] ?? '')) {
        // Any error reply but 422 ERR_NOMOTD means the client did not get in.
        clearTimeout(timer);
        reject(new Error(`${nick}: ${line}`));
      }
    };
  });
}

/**
 * Connect `count` clients (at most `parallel` registering at a time, so neither server's listen
 * backlog overflows) and join them all to `channel`.
 */
export async function connectClients(port, count, prefix, channel, parallel = 50) {
  const clients = [];
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      clients[index] = await joinOne(port, `${prefix}${index}`, channel);
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, count) }, worker));
  return clients;
}

/**
 * One round: `sender` sends `messages` PRIVMSGs to `channel` at once; resolves with the seconds
 * from the first write until every receiver has counted all of them. Fails after `timeoutMs`.
 */
export function fanOutRound(sender, receivers, channel, messages, timeoutMs) {
  // Drop lines left over from joins (other members' JOINs) before counting starts.
  return new Promise((resolve, reject) => {
    let waiting = receivers.length;
    const started = process.hrtime.bigint();
    const timer = setTimeout(() => {
      const short = receivers.filter((client) => client.received < messages).length;
      reject(new Error(`round timed out: ${short} of ${receivers.length} clients short`));
    }, timeoutMs);
    for (const client of receivers) {
      client.received = 0;
      client.counting = true;
      client.onCount = (self) => {
        if (self.received < messages) return;
        self.onCount = null;
        waiting -= 1;
        if (waiting === 0) {
          clearTimeout(timer);
          resolve(Number(process.hrtime.bigint() - started) / 1e9);
        }
      };
    }
    const text = 'x'.repeat(64);
    let batch = '';
    for (let i = 0; i < messages; i++) batch += `PRIVMSG ${channel} :${i} ${text}\r\n`;
    sender.socket.write(batch);
  });
}

/** Close every client's socket. */
export function closeClients(clients) {
  for (const client of clients) client?.socket.destroy();
}
