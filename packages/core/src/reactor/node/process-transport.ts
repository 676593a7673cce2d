import type { ChildProcess } from 'node:child_process';
import { constants as osConstants } from 'node:os';
import type { Readable, Writable } from 'node:stream';

import { Failure } from '../../defer/failure.js';
import {
  ChildFDNotWritableError,
  ProcessDone,
  ProcessExitedAlready,
  ProcessSpawnError,
  ProcessTerminated,
} from '../../errors/process.js';
import type { Address } from '../../interfaces/address.js';
import type {
  IProcessProtocol,
  IProcessTransport,
  ProcessSignal,
} from '../../interfaces/process.js';
import type { IPullProducer, IPushProducer } from '../../interfaces/producer.js';
import { PipeReader } from './process-pipe-reader.js';
import { PipeWriter } from './process-pipe-writer.js';
import { reportError } from './report-error.js';

export interface ProcessTransportOptions {
  /** The spawned child, or null when spawn() itself threw an operating-system error. */
  readonly child: ChildProcess | null;
  readonly protocol: IProcessProtocol;
  /** The child's descriptors that are pipes, and which way each one goes. */
  readonly pipes: ReadonlyMap<number, 'r' | 'w'>;
  readonly executable: string;
  readonly cwd?: string | undefined;
  /** Runs `fn` on a later turn. */
  readonly later: (fn: () => void) => void;
}

/** The reason processExited()/processEnded() get for an exit code or a signal. */
export function processEndReason(
  exitCode: number | null,
  signal: string | null,
): Failure<ProcessDone | ProcessTerminated> {
  if (exitCode === 0 && signal === null) return new Failure(new ProcessDone());
  const signalNumber =
    signal === null ? null : ((osConstants.signals as Record<string, number>)[signal] ?? null);
  return new Failure(new ProcessTerminated({ exitCode, signal, signalNumber }));
}

/**
 * The transport of one child process started by spawnProcess(): a PipeWriter for each pipe we
 * write (stdin first), a stream for each pipe we read, and the process itself.
 *
 * processExited() follows Node's 'exit'; processEnded() follows once the process has exited
 * and every pipe has reported childConnectionLost(). At exit the pipes we write are destroyed
 * (Node does so for stdin; the reader is gone). A process that could not be started "exits"
 * with ProcessSpawnError. Errors thrown by the protocol are reported and never crash the
 * process: one thrown from childDataReceived closes that descriptor.
 */
export class ProcessTransport implements IProcessTransport {
  pid: number | null;
  disconnecting = false;
  readonly protocol: IProcessProtocol;

  private readonly child: ChildProcess | null;
  private readonly executable: string;
  private readonly cwd: string | undefined;
  private readonly startedPid: number | undefined;
  private readonly writers = new Map<number, PipeWriter>();
  private readonly readers = new Map<number, PipeReader>();
  private readonly modes: ReadonlyMap<number, 'r' | 'w'>;
  private readonly openPipes = new Set<number>();
  private exitReason: Failure | null = null;
  private ended = false;

  constructor(options: ProcessTransportOptions) {
    this.child = options.child;
    this.protocol = options.protocol;
    this.executable = options.executable;
    this.cwd = options.cwd;
    this.modes = options.pipes;
    this.startedPid = this.child?.pid;
    this.pid = this.startedPid ?? null;
    const child = this.child;
    if (child === null) return;
    for (const [fd, mode] of options.pipes) {
      const stream = child.stdio[fd] as (Readable & Writable) | null | undefined;
      if (stream === null || stream === undefined) continue;
      this.openPipes.add(fd);
      if (mode === 'w') {
        this.writers.set(fd, new PipeWriter(stream, options.later));
        stream.on('close', () => this.pipeLost(fd));
        // A pipe we write is also readable on descriptors above 0 (Node uses socket pairs):
        // reading it (and dropping what comes) is how we notice the child closing its end.
        if (fd > 0 && stream.readable) stream.resume();
      } else {
        const reader = new PipeReader(
          stream,
          (chunk) => this.onData(fd, chunk),
          () => this.pipeLost(fd),
        );
        this.readers.set(fd, reader);
      }
    }
    child.on('exit', (code, signal) => this.onExit(code, signal));
    child.on('error', (error) => this.onError(error));
  }

  /** Hand the process to the protocol: makeConnection() → connectionMade(). */
  start(): void {
    try {
      this.protocol.makeConnection(this);
    } catch (error) {
      reportError(
        `${this.protocol.constructor.name}.makeConnection threw; closing the process's pipes`,
        error,
      );
      this.abortConnection();
    }
  }

  /** spawn() threw an operating-system error: end the way a failed start does. */
  failToStart(error: unknown): void {
    this.onError(error);
  }

  write(data: Uint8Array): void {
    this.writeToChild(0, data);
  }

  writeSequence(chunks: Iterable<Uint8Array>): void {
    const stdin = this.writerFor(0);
    // One writev for the lot instead of a system call per chunk.
    stdin?.stream.cork();
    try {
      for (const chunk of chunks) this.writeToChild(0, chunk);
    } finally {
      stdin?.stream.uncork();
    }
  }

  /** Dropped once that pipe is closed or closing (as writes after loseConnection() are). */
  writeToChild(childFD: number, data: Uint8Array): void {
    if (!(data instanceof Uint8Array)) {
      throw new TypeError(`write() takes a Uint8Array, got ${typeof data}: encode text first.`);
    }
    this.writerFor(childFD)?.write(data);
  }

  closeStdin(): void {
    this.closeChildFD(0);
  }

  closeStdout(): void {
    this.closeChildFD(1);
  }

  closeStderr(): void {
    this.closeChildFD(2);
  }

  closeChildFD(childFD: number): void {
    this.writers.get(childFD)?.close();
    this.readers.get(childFD)?.destroy();
  }

  /** Close stdin after what was written, and stop reading stdout and stderr. */
  loseConnection(): void {
    if (this.disconnecting) return;
    this.disconnecting = true;
    this.closeStdin();
    this.closeStdout();
    this.closeStderr();
  }

  /** Close every pipe now, discarding unsent data. The process itself is not signalled. */
  abortConnection(): void {
    this.disconnecting = true;
    for (const writer of this.writers.values()) writer.abort();
    for (const reader of this.readers.values()) reader.destroy();
  }

  signalProcess(signal: ProcessSignal): void {
    if (this.pid === null || this.child === null) throw new ProcessExitedAlready();
    const nodeSignal = typeof signal === 'number' ? signal : (`SIG${signal}` as NodeJS.Signals);
    // kill() is false when the process is gone but not yet reaped: it has exited all the same.
    if (!this.child.kill(nodeSignal)) throw new ProcessExitedAlready();
  }

  getPeer(): Address {
    return this.startedPid === undefined
      ? { family: 'process' }
      : { family: 'process', pid: this.startedPid };
  }

  getHost(): Address {
    return { family: 'process', pid: process.pid };
  }

  /** Attach a producer to the child's stdin, paused while the pipe's buffer is full. */
  registerProducer(producer: IPushProducer | IPullProducer, streaming: boolean): void {
    const stdin = this.writerFor(0);
    if (stdin === null) producer.stopProducing();
    else stdin.registerProducer(producer, streaming);
  }

  unregisterProducer(): void {
    this.writers.get(0)?.unregisterProducer();
  }

  /** Stop reading the child's output (it blocks once its pipes fill up). */
  pauseProducing(): void {
    for (const reader of this.readers.values()) reader.pause();
  }

  resumeProducing(): void {
    for (const reader of this.readers.values()) reader.resume();
  }

  stopProducing(): void {
    this.loseConnection();
  }

  /** The writer of a pipe we write (kept once closed: it drops writes), null if never opened. */
  private writerFor(childFD: number): PipeWriter | null {
    if (this.modes.get(childFD) !== 'w') throw new ChildFDNotWritableError(childFD);
    return this.writers.get(childFD) ?? null;
  }

  private onData(fd: number, chunk: Buffer): void {
    try {
      this.protocol.childDataReceived(fd, chunk);
    } catch (error) {
      reportError(
        `${this.protocol.constructor.name}.childDataReceived(${fd}) threw; closing that pipe`,
        error,
      );
      this.closeChildFD(fd);
    }
  }

  private pipeLost(fd: number): void {
    if (!this.openPipes.delete(fd)) return;
    this.readers.delete(fd);
    this.callProtocol('childConnectionLost', () => this.protocol.childConnectionLost(fd));
    this.maybeEnd();
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null): void {
    if (this.exitReason !== null) return;
    this.exited(processEndReason(code, signal));
  }

  private onError(error: unknown): void {
    // After a successful start, 'error' means a signal could not be sent: nothing has ended.
    if (this.startedPid !== undefined || this.exitReason !== null) {
      reportError(`Child process ${this.executable} reported an error`, error);
      return;
    }
    this.exited(new Failure(new ProcessSpawnError(this.executable, error, this.cwd)));
    for (const reader of this.readers.values()) reader.destroy();
  }

  private exited(reason: Failure): void {
    this.pid = null;
    this.exitReason = reason;
    for (const writer of this.writers.values()) writer.abort();
    this.callProtocol('processExited', () => this.protocol.processExited(reason));
    this.maybeEnd();
  }

  private maybeEnd(): void {
    if (this.ended || this.exitReason === null || this.openPipes.size > 0) return;
    this.ended = true;
    const reason = this.exitReason;
    this.callProtocol('processEnded', () => this.protocol.processEnded(reason));
  }

  private callProtocol(name: string, fn: () => void): void {
    try {
      fn();
    } catch (error) {
      reportError(`${this.protocol.constructor.name}.${name} threw`, error);
    }
  }
}
