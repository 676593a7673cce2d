/**
 * A deliberately dumb IRC client on node:net for interop tests: it sends the lines it is told
 * to, answers PING, and records every line received so a test can wait for one. Independent of
 * our own client, so a test of our server through it checks the server alone.
 */
import { connect, type Socket } from 'node:net';

export class RawIRCClient {
  readonly lines: string[] = [];
  private buffered = '';
  private waiters: { test: (line: string) => boolean; resolve: (line: string) => void }[] = [];
  private readonly closedPromise: Promise<void>;

  private constructor(private readonly socket: Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => this.received(chunk));
    this.closedPromise = new Promise((resolve) => socket.on('close', () => resolve()));
    socket.on('error', () => undefined);
  }

  /** Connect to 127.0.0.1:`port` and register as `nick`; resolves after 001 RPL_WELCOME. */
  static async register(port: number, nick: string): Promise<RawIRCClient> {
    const socket = connect({ host: '127.0.0.1', port });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const client = new RawIRCClient(socket);
    client.send(`NICK ${nick}`, `USER ${nick} 0 * :Raw ${nick}`);
    await client.waitFor((line) => / 001 /.test(line));
    return client;
  }

  send(...lines: string[]): void {
    this.socket.write(lines.map((line) => `${line}\r\n`).join(''));
  }

  /** The first line (already received or still to come) that passes `test`. */
  waitFor(test: (line: string) => boolean): Promise<string> {
    const seen = this.lines.find(test);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve) => this.waiters.push({ test, resolve }));
  }

  /** Send QUIT and resolve once the server closed the connection. */
  async quit(): Promise<void> {
    if (!this.socket.destroyed) this.send('QUIT :done');
    await this.closedPromise;
  }

  close(): void {
    this.socket.destroy();
  }

  private received(chunk: string): void {
    this.buffered += chunk;
    let end: number;
    while ((end = this.buffered.indexOf('\n')) >= 0) {
      const line = this.buffered.slice(0, end).replace(/\r$/, '');
      this.buffered = this.buffered.slice(end + 1);
      if (line.startsWith('PING ')) this.send(`PONG ${line.slice(5)}`);
      this.lines.push(line);
      const ready = this.waiters.filter((waiter) => waiter.test(line));
      this.waiters = this.waiters.filter((waiter) => !waiter.test(line));
      for (const waiter of ready) waiter.resolve(line);
    }
  }
}
