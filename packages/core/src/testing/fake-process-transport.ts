import { Failure } from '../defer/failure.js';
import {
  ChildFDNotWritableError,
  ProcessDone,
  ProcessExitedAlready,
  ProcessTerminated,
} from '../errors/process.js';
import type { Address } from '../interfaces/address.js';
import type {
  ChildFDMapping,
  IProcessProtocol,
  IProcessTransport,
  ProcessSignal,
} from '../interfaces/process.js';
import type { IPullProducer, IPushProducer } from '../interfaces/producer.js';
import { concatBytes } from './string-transport.js';

const DEFAULT_CHILD_FDS: Readonly<Record<number, ChildFDMapping>> = { 0: 'w', 1: 'r', 2: 'r' };

/**
 * The transport a MemoryReactor's spawnProcess() hands its protocol: no process runs. It
 * records what the protocol does (bytes written per descriptor, descriptors closed, signals
 * sent), and the test plays the child's part with receive(), childClosed(), exit() and
 * terminate().
 */
export class FakeProcessTransport implements IProcessTransport {
  pid: number | null;
  disconnecting = false;
  /** Signals sent with signalProcess(), in order. */
  readonly signals: ProcessSignal[] = [];
  /** Descriptors the protocol closed (closeChildFD, closeStdin, loseConnection, …). */
  readonly closedByParent = new Set<number>();
  /** The registered producer and whether it streams, or null. */
  producer: { producer: IPushProducer | IPullProducer; streaming: boolean } | null = null;
  /** True while the protocol has paused reading (pauseProducing). */
  readingPaused = false;

  private readonly startedPid: number;
  private readonly writes = new Map<number, Uint8Array[]>();
  private readonly openPipes = new Set<number>();
  private readonly modes: ReadonlyMap<number, ChildFDMapping>;
  private exitReason: Failure | null = null;
  private ended = false;

  constructor(
    readonly protocol: IProcessProtocol,
    pid: number,
    childFDs: Readonly<Record<number, ChildFDMapping>> = DEFAULT_CHILD_FDS,
  ) {
    this.pid = pid;
    this.startedPid = pid;
    this.modes = new Map(Object.entries(childFDs).map(([fd, mode]) => [Number(fd), mode]));
    for (const [fd, mode] of this.modes) if (mode === 'r' || mode === 'w') this.openPipes.add(fd);
  }

  /** Everything written to the child's descriptor `childFD` (stdin is 0), as one array. */
  writtenTo(childFD = 0): Uint8Array {
    return concatBytes(this.writes.get(childFD) ?? []);
  }

  // What the protocol calls.

  write(data: Uint8Array): void {
    this.writeToChild(0, data);
  }

  writeSequence(chunks: Iterable<Uint8Array>): void {
    for (const chunk of chunks) this.write(chunk);
  }

  writeToChild(childFD: number, data: Uint8Array): void {
    if (this.modes.get(childFD) !== 'w') throw new ChildFDNotWritableError(childFD);
    if (!this.openPipes.has(childFD) || this.closedByParent.has(childFD)) return;
    let chunks = this.writes.get(childFD);
    if (chunks === undefined) this.writes.set(childFD, (chunks = []));
    chunks.push(data.slice());
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

  /** Records the close and reports childConnectionLost(childFD), as a real pipe would. */
  closeChildFD(childFD: number): void {
    if (!this.openPipes.has(childFD)) return;
    this.closedByParent.add(childFD);
    this.childClosed(childFD);
  }

  loseConnection(): void {
    this.disconnecting = true;
    this.closeStdin();
    this.closeStdout();
    this.closeStderr();
  }

  abortConnection(): void {
    this.disconnecting = true;
    for (const fd of [...this.openPipes]) this.closeChildFD(fd);
  }

  signalProcess(signal: ProcessSignal): void {
    if (this.pid === null) throw new ProcessExitedAlready();
    this.signals.push(signal);
  }

  getPeer(): Address {
    return { family: 'process', pid: this.startedPid };
  }

  getHost(): Address {
    return { family: 'process' };
  }

  registerProducer(producer: IPushProducer | IPullProducer, streaming: boolean): void {
    if (this.producer !== null) {
      throw new Error('A producer is already registered: unregisterProducer() first.');
    }
    this.producer = { producer, streaming };
  }

  unregisterProducer(): void {
    this.producer = null;
  }

  pauseProducing(): void {
    this.readingPaused = true;
  }

  resumeProducing(): void {
    this.readingPaused = false;
  }

  stopProducing(): void {
    this.loseConnection();
  }

  // What the test calls, playing the child.

  /** The child wrote `data` on its descriptor `childFD`. */
  receive(childFD: number, data: Uint8Array | string): void {
    const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
    this.protocol.childDataReceived(childFD, bytes);
  }

  /** The pipe on `childFD` closed: childConnectionLost(childFD), and processEnded if due. */
  childClosed(childFD: number): void {
    if (!this.openPipes.delete(childFD)) return;
    this.protocol.childConnectionLost(childFD);
    this.maybeEnd();
  }

  /** The child exits with `exitCode`: processExited, its pipes close, processEnded. */
  exit(exitCode = 0): void {
    this.exited(
      exitCode === 0
        ? new Failure(new ProcessDone())
        : new Failure(new ProcessTerminated({ exitCode, signal: null })),
    );
  }

  /** The child is killed by `signal` (a name such as 'SIGTERM'). */
  terminate(signal = 'SIGTERM'): void {
    this.exited(new Failure(new ProcessTerminated({ exitCode: null, signal })));
  }

  private exited(reason: Failure): void {
    if (this.exitReason !== null) throw new Error('The fake process has already exited.');
    this.pid = null;
    this.exitReason = reason;
    this.protocol.processExited(reason);
    for (const fd of [...this.openPipes]) this.childClosed(fd);
    this.maybeEnd();
  }

  private maybeEnd(): void {
    if (this.ended || this.exitReason === null || this.openPipes.size > 0) return;
    this.ended = true;
    this.protocol.processEnded(this.exitReason);
  }
}
