import type { IFilesystem, OpenFlags } from '@tw/vfs';
import type { Attributes, SFTPWrapper } from 'ssh2';
import type { SubsystemContext } from '../server/subsystem.js';
import { attributesFromStat, longname, setAttributesFromSFTP } from './sftp-attributes.js';
import { endSFTPChannel } from './sftp-channel-end.js';
import { SFTP_OPEN, SFTP_STATUS } from './sftp-constants.js';
import { SFTPHandleTable, type OpenFile } from './sftp-handle-table.js';
import type { SFTPLimits } from './sftp-limits.js';
import { SFTPOutputBacklog } from './sftp-output-backlog.js';
import { SFTPReadPump } from './sftp-read-pump.js';
import { statusForError } from './sftp-status.js';

// REALPATH and READLINK replies carry a name only; ATTRS with no flags set.
const NO_ATTRIBUTES = {} as Attributes;

/**
 * One SFTP session: answers the requests ssh2 parses from the channel (OPEN, READ, WRITE, …)
 * against the user's IFilesystem. Replies to different handles may leave out of order (the
 * protocol matches them by request id); on one handle they keep request order. Nothing a client
 * sends can throw out of here: every failure is a status reply.
 */
export class SFTPSession {
  readonly #sftp: SFTPWrapper;
  readonly #context: SubsystemContext;
  readonly #limits: SFTPLimits;
  readonly #filesystem: Promise<IFilesystem>;
  readonly #handles = new SFTPHandleTable();
  readonly #backlog: SFTPOutputBacklog;
  readonly #reads: SFTPReadPump;
  #pending = 0;
  #pendingWriteBytes = 0;
  #closed = false;
  #inputEnded = false;

  constructor(
    sftp: SFTPWrapper,
    context: SubsystemContext,
    filesystem: Promise<IFilesystem>,
    limits: SFTPLimits,
  ) {
    this.#sftp = sftp;
    this.#context = context;
    this.#limits = limits;
    this.#filesystem = filesystem;
    // A rejected filesystem is reported per request; this keeps it from being "unhandled".
    filesystem.catch((error: unknown) => {
      context.log.failure(
        'SFTP: no filesystem for {username}',
        error,
        { username: context.username },
        'error',
      );
    });
    this.#backlog = new SFTPOutputBacklog(sftp, () => this.#reads.pump());
    this.#reads = new SFTPReadPump(
      {
        isClosed: () => this.#closed,
        sendData: (reqId, data) => sftp.data(reqId, data),
        sendStatus: (reqId, code, message) => this.#status(reqId, code, message),
        fail: (reqId, error) => this.#fail(reqId, error),
        requestDone: () => this.#requestDone(),
      },
      this.#backlog,
      limits.readHighWaterMark,
    );
    this.#listen();
  }

  #listen(): void {
    const sftp = this.#sftp;
    sftp.on('OPEN', (reqId: number, path: string, pflags: number, attrs: Attributes) =>
      this.#run(reqId, async (fs) => {
        if (this.#handles.size >= this.#limits.maxOpenHandles) {
          return this.#tooMany(
            'open handles',
            this.#limits.maxOpenHandles,
            'maxOpenHandles',
            reqId,
          );
        }
        const wanted = setAttributesFromSFTP(attrs);
        const file = await fs.open(path, openFlags(pflags), wanted.mode ?? 0o644);
        if (this.#closed) return void file.close().catch(() => undefined);
        sftp.handle(
          reqId,
          this.#handles.add({
            kind: 'file',
            file,
            writes: Promise.resolve(),
            readReplies: Promise.resolve(),
          }),
        );
      }),
    );
    sftp.on('READ', (reqId: number, handle: Buffer, offset: number, length: number) => {
      if (!this.#begin(reqId)) return;
      const open = this.#handles.get(handle);
      if (open?.kind !== 'file') return this.#finish(reqId, SFTP_STATUS.FAILURE, 'invalid handle');
      const capped = Math.min(length, this.#limits.maxReadLength);
      this.#reads.enqueue({ reqId, open, offset, length: capped });
    });
    sftp.on('WRITE', (reqId: number, handle: Buffer, offset: number, data: Buffer) => {
      if (this.#pendingWriteBytes + data.length > this.#limits.maxPendingWriteBytes) {
        this.#tooMany(
          'bytes of pending writes',
          this.#limits.maxPendingWriteBytes,
          'maxPendingWriteBytes',
          reqId,
        );
        return;
      }
      if (!this.#begin(reqId)) return;
      const open = this.#handles.get(handle);
      if (open?.kind !== 'file') return this.#finish(reqId, SFTP_STATUS.FAILURE, 'invalid handle');
      this.#pendingWriteBytes += data.length;
      // Writes to one handle land in arrival order (APPEND, overlapping ranges), as in OpenSSH.
      const done = open.writes
        .then(() => open.file.write(offset, data))
        .finally(() => (this.#pendingWriteBytes -= data.length));
      open.writes = done.catch(() => undefined);
      this.#settle(
        reqId,
        done.then(() => this.#ok(reqId)),
      );
    });
    sftp.on('FSTAT', (reqId: number, handle: Buffer) =>
      this.#withFile(reqId, handle, async (open) => {
        const stat = await open.file.stat();
        sftp.attrs(reqId, attributesFromStat(stat));
      }),
    );
    sftp.on('FSETSTAT', (reqId: number, handle: Buffer, attrs: Attributes) =>
      this.#withFile(reqId, handle, async (open) => {
        await open.writes;
        await open.file.setAttributes(setAttributesFromSFTP(attrs));
        this.#ok(reqId);
      }),
    );
    sftp.on('CLOSE', (reqId: number, handle: Buffer) =>
      this.#run(reqId, async () => {
        const open = this.#handles.delete(handle);
        if (open === undefined) return this.#status(reqId, SFTP_STATUS.FAILURE, 'invalid handle');
        if (open.kind === 'file') {
          // Answer the READs and WRITEs sent before CLOSE first, as a sequential server would.
          await open.writes;
          await open.readReplies;
          await open.file.close();
        }
        this.#ok(reqId);
      }),
    );
    sftp.on('OPENDIR', (reqId: number, path: string) =>
      this.#run(reqId, async (fs) => {
        if (this.#handles.size >= this.#limits.maxOpenHandles) {
          return this.#tooMany(
            'open handles',
            this.#limits.maxOpenHandles,
            'maxOpenHandles',
            reqId,
          );
        }
        const entries = await fs.readdir(path);
        const self = await fs.stat(path);
        const parent = await fs.stat(`${path}/..`);
        entries.unshift({ name: '.', stat: self }, { name: '..', stat: parent });
        if (this.#closed) return;
        sftp.handle(reqId, this.#handles.add({ kind: 'directory', path, entries, next: 0 }));
      }),
    );
    sftp.on('READDIR', (reqId: number, handle: Buffer) =>
      this.#run(reqId, async () => {
        const open = this.#handles.get(handle);
        if (open?.kind !== 'directory')
          return this.#status(reqId, SFTP_STATUS.FAILURE, 'invalid handle');
        if (open.next >= open.entries.length)
          return this.#status(reqId, SFTP_STATUS.EOF, 'End of file');
        const batch = open.entries.slice(open.next, open.next + this.#limits.readdirBatch);
        open.next += batch.length;
        const now = new Date();
        sftp.name(
          reqId,
          batch.map((entry) => ({
            filename: entry.name,
            longname: longname(entry.name, entry.stat, now),
            attrs: attributesFromStat(entry.stat),
          })),
        );
        return Promise.resolve();
      }),
    );
    const statLike = (event: 'STAT' | 'LSTAT'): void => {
      sftp.on(event, (reqId: number, path: string) =>
        this.#run(reqId, async (fs) => {
          const stat = event === 'STAT' ? await fs.stat(path) : await fs.lstat(path);
          sftp.attrs(reqId, attributesFromStat(stat));
        }),
      );
    };
    statLike('STAT');
    statLike('LSTAT');
    sftp.on('SETSTAT', (reqId: number, path: string, attrs: Attributes) =>
      this.#run(reqId, async (fs) => {
        await fs.setAttributes(path, setAttributesFromSFTP(attrs));
        this.#ok(reqId);
      }),
    );
    sftp.on('REMOVE', (reqId: number, path: string) =>
      this.#run(reqId, async (fs) => {
        await fs.remove(path);
        this.#ok(reqId);
      }),
    );
    sftp.on('RMDIR', (reqId: number, path: string) =>
      this.#run(reqId, async (fs) => {
        await fs.rmdir(path);
        this.#ok(reqId);
      }),
    );
    sftp.on('MKDIR', (reqId: number, path: string, attrs: Attributes) =>
      this.#run(reqId, async (fs) => {
        await fs.mkdir(path, setAttributesFromSFTP(attrs).mode ?? 0o755);
        this.#ok(reqId);
      }),
    );
    sftp.on('RENAME', (reqId: number, from: string, to: string) =>
      this.#run(reqId, async (fs) => {
        // SFTP v3 RENAME never replaces an existing target (OpenSSH's sftp-server agrees).
        await fs.rename(from, to, { overwrite: false });
        this.#ok(reqId);
      }),
    );
    sftp.on('REALPATH', (reqId: number, path: string) =>
      this.#run(reqId, async (fs) => {
        const real = await fs.realpath(path === '' ? '.' : path);
        sftp.name(reqId, [{ filename: real, longname: real, attrs: NO_ATTRIBUTES }]);
      }),
    );
    sftp.on('READLINK', (reqId: number, path: string) =>
      this.#run(reqId, async (fs) => {
        const target = await fs.readlink(path);
        sftp.name(reqId, [{ filename: target, longname: target, attrs: NO_ATTRIBUTES }]);
      }),
    );
    // ssh2 hands over (link, target) whichever order the client used: it swaps OpenSSH's
    // reversed arguments itself (its typings name them the other way round).
    sftp.on('SYMLINK', (reqId: number, linkPath: string, target: string) =>
      this.#run(reqId, async (fs) => {
        await fs.symlink(target, linkPath);
        this.#ok(reqId);
      }),
    );
    sftp.on('error', (error: unknown) => {
      this.#context.log.failure(
        'SFTP protocol error from {username}',
        error,
        { username: this.#context.username },
        'warn',
      );
      this.#shutdown();
    });
    // The client sent EOF (OpenSSH's sftp does at `bye`): answer what is under way, then close
    // the channel, as sftp-server exiting makes sshd do.
    sftp.on('end', () => {
      this.#inputEnded = true;
      this.#closeIfIdle();
    });
    sftp.on('close', () => this.#shutdown());
  }

  /** Counts a request in; false (after replying, or closing) when a limit says no. */
  #begin(reqId: number): boolean {
    if (this.#closed) return false;
    if (this.#backlog.bytes() > this.#limits.maxBufferedOutput) {
      this.#context.log.warn(
        'SFTP: {username} sends requests but does not read replies ({bytes} bytes buffered, limit maxBufferedOutput): closing',
        { username: this.#context.username, bytes: this.#backlog.bytes() },
      );
      this.#shutdown();
      this.#sftp.end();
      return false;
    }
    this.#reads.pump();
    if (this.#pending >= this.#limits.maxPendingRequests) {
      this.#tooMany(
        'pending requests',
        this.#limits.maxPendingRequests,
        'maxPendingRequests',
        reqId,
      );
      return false;
    }
    this.#pending += 1;
    return true;
  }

  /** Runs one request against the filesystem; `work` sends the reply, a rejection becomes a status. */
  #run(reqId: number, work: (fs: IFilesystem) => Promise<void>): void {
    if (!this.#begin(reqId)) return;
    this.#settle(reqId, this.#filesystem.then(work));
  }

  #settle(reqId: number, done: Promise<void>): void {
    done.then(
      () => {
        this.#requestDone();
      },
      (error: unknown) => {
        this.#fail(reqId, error);
        this.#requestDone();
      },
    );
  }

  #fail(reqId: number, error: unknown): void {
    const { code, message } = statusForError(error);
    if (code === SFTP_STATUS.FAILURE && message === 'Failure') {
      this.#context.log.failure(
        'SFTP request failed for {username}',
        error,
        { username: this.#context.username },
        'error',
      );
    }
    this.#status(reqId, code, message);
  }

  #withFile(reqId: number, handle: Buffer, work: (open: OpenFile) => Promise<void>): void {
    this.#run(reqId, async () => {
      const open = this.#handles.get(handle);
      if (open?.kind !== 'file') return this.#status(reqId, SFTP_STATUS.FAILURE, 'invalid handle');
      await work(open);
    });
  }

  /** Replies to a request counted by #begin but not run through #run. */
  #finish(reqId: number, code: number, message: string): void {
    this.#status(reqId, code, message);
    this.#requestDone();
  }

  #status(reqId: number, code: number, message: string): void {
    if (!this.#closed) this.#sftp.status(reqId, code, message);
  }

  #ok(reqId: number): void {
    this.#status(reqId, SFTP_STATUS.OK, 'Success');
  }

  #tooMany(what: string, limit: number, option: string, reqId: number): void {
    this.#status(
      reqId,
      SFTP_STATUS.FAILURE,
      `too many ${what} (limit ${limit}; the server option ${option} raises it)`,
    );
  }

  #requestDone(): void {
    this.#pending -= 1;
    this.#closeIfIdle();
  }

  #closeIfIdle(): void {
    if (!this.#inputEnded || this.#pending > 0 || this.#closed) return;
    this.#shutdown();
    endSFTPChannel(this.#sftp, 0);
  }

  /** The session is over: drop queued work and close every open file. */
  #shutdown(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#reads.clear();
    for (const open of this.#handles.drain()) {
      if (open.kind === 'file') {
        open.writes.then(() => open.file.close()).catch(() => undefined);
      }
    }
  }
}

/** SFTP pflags as OpenFlags. A request with neither READ nor WRITE reads, as OpenSSH does. */
export function openFlags(pflags: number): OpenFlags {
  const append = (pflags & SFTP_OPEN.APPEND) !== 0;
  const write = (pflags & SFTP_OPEN.WRITE) !== 0 || append;
  const read = (pflags & SFTP_OPEN.READ) !== 0 || !write;
  return {
    read,
    write,
    append,
    create: (pflags & SFTP_OPEN.CREAT) !== 0,
    truncate: (pflags & SFTP_OPEN.TRUNC) !== 0,
    exclusive: (pflags & SFTP_OPEN.EXCL) !== 0,
  };
}
