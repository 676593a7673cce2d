import { SFTP_STATUS } from './sftp-constants.js';
import type { OpenFile } from './sftp-handle-table.js';
import type { SFTPOutputBacklog } from './sftp-output-backlog.js';
import { SFTPReadBuffers } from './sftp-read-buffers.js';

/** A READ request, admitted and waiting for room under the high-water mark. */
export interface QueuedRead {
  readonly reqId: number;
  readonly open: OpenFile;
  readonly offset: number;
  readonly length: number;
}

/** What the pump needs from its session. */
export interface ReadPumpSession {
  isClosed(): boolean;
  sendData(reqId: number, data: Buffer): void;
  sendStatus(reqId: number, code: number, message: string): void;
  fail(reqId: number, error: unknown): void;
  /** The request is answered (it was counted in when admitted). */
  requestDone(): void;
}

const asBuffer = (bytes: Uint8Array): Buffer =>
  Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/**
 * The download path of a session, where back-pressure lives. READs start only while the bytes
 * owed to the client — replies ssh2 holds for its shut window, plus reads under way — stay under
 * the high-water mark; the rest wait here (their number is bounded by the session's pending-
 * request limit). The pump runs again when a read completes and when the window opens. One read
 * may always run, so progress never stalls on a request larger than the mark.
 */
export class SFTPReadPump {
  readonly #session: ReadPumpSession;
  readonly #backlog: SFTPOutputBacklog;
  readonly #highWaterMark: number;
  readonly #buffers: SFTPReadBuffers;
  readonly #queue: QueuedRead[] = [];
  #bytesInFlight = 0;

  constructor(session: ReadPumpSession, backlog: SFTPOutputBacklog, highWaterMark: number) {
    this.#session = session;
    this.#backlog = backlog;
    this.#highWaterMark = highWaterMark;
    this.#buffers = new SFTPReadBuffers(highWaterMark);
  }

  enqueue(read: QueuedRead): void {
    this.#queue.push(read);
    this.pump();
  }

  pump(): void {
    while (this.#queue.length > 0 && !this.#session.isClosed()) {
      const next = this.#queue[0] as QueuedRead;
      const owed = this.#backlog.bytes() + this.#bytesInFlight;
      if (owed > 0 && owed + next.length > this.#highWaterMark) return;
      this.#queue.shift();
      this.#start(next);
    }
  }

  /** Drops waiting reads and kept buffers (the session is over). */
  clear(): void {
    this.#queue.length = 0;
    this.#buffers.clear();
  }

  #start({ reqId, open, offset, length }: QueuedRead): void {
    this.#bytesInFlight += length;
    const file = open.file;
    const readInto = file.readInto?.bind(file);
    const buffer = readInto === undefined ? undefined : this.#buffers.take(length);
    const result: Promise<Uint8Array> = open.writes.then(async () =>
      buffer === undefined || readInto === undefined
        ? file.read(offset, length)
        : buffer.subarray(0, await readInto(offset, buffer)),
    );
    const settle = (): void => {
      this.#bytesInFlight -= length;
      if (buffer !== undefined) this.#buffers.give(buffer);
      this.#session.requestDone();
      this.pump();
    };
    // Replies leave in request order, though the reads run concurrently: OpenSSH's client (scp,
    // `sftp get` in place) only advances its high-water mark on in-order data and truncates the
    // file there at the end.
    open.readReplies = open.readReplies
      .then(() => result)
      .then(
        (data) => {
          // ssh2 copies `data` into its packet here, so the buffer is free once this returns.
          if (data.length === 0) this.#session.sendStatus(reqId, SFTP_STATUS.EOF, 'End of file');
          else this.#session.sendData(reqId, asBuffer(data));
          settle();
        },
        (error: unknown) => {
          this.#session.fail(reqId, error);
          settle();
        },
      );
  }
}
