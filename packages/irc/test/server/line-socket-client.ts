import { createConnection, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';

/** A raw (TCP or TLS) client that collects CRLF lines and waits for one matching a pattern. */
export class LineSocketClient {
  private buffer = '';
  readonly lines: string[] = [];
  private waiters: { pattern: RegExp; resolve: (line: string) => void }[] = [];

  constructor(readonly socket: Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      this.buffer += chunk;
      let end: number;
      while ((end = this.buffer.indexOf('\r\n')) !== -1) {
        const line = this.buffer.slice(0, end);
        this.buffer = this.buffer.slice(end + 2);
        this.lines.push(line);
        this.waiters = this.waiters.filter((w) => {
          if (!w.pattern.test(line)) return true;
          w.resolve(line);
          return false;
        });
      }
    });
  }

  /** Connect over plain TCP to 127.0.0.1:port. */
  static connect(port: number): Promise<LineSocketClient> {
    return new Promise((resolve, reject) => {
      const socket = createConnection({ host: '127.0.0.1', port }, () => {
        resolve(new LineSocketClient(socket));
      });
      socket.once('error', reject);
    });
  }

  /** Connect over TLS to 127.0.0.1:port once the handshake is done. */
  static connectTLS(port: number, options: ConnectionOptions): Promise<LineSocketClient> {
    return new Promise((resolve, reject) => {
      const socket = tlsConnect({ host: '127.0.0.1', port, ...options }, () => {
        resolve(new LineSocketClient(socket));
      });
      socket.once('error', reject);
    });
  }

  send(...lines: string[]): void {
    for (const line of lines) this.socket.write(`${line}\r\n`);
  }

  waitFor(pattern: RegExp): Promise<string> {
    const seen = this.lines.find((line) => pattern.test(line));
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve) => this.waiters.push({ pattern, resolve }));
  }

  closed(): Promise<void> {
    return new Promise((resolve) => {
      if (this.socket.destroyed) resolve();
      else this.socket.once('close', () => resolve());
    });
  }
}
