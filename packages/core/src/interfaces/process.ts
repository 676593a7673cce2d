import type { Failure } from '../defer/failure.js';
import type { ITransport } from './transport.js';

/**
 * How one file descriptor of the child is set up (Twisted's `childFDs` values):
 * `'r'` — a pipe the parent reads (the child writes; data goes to `childDataReceived(fd, …)`),
 * `'w'` — a pipe the parent writes (`writeToChild(fd, …)`; the child reads),
 * a number — the child gets that file descriptor of the parent itself (inherited, not a pipe).
 * Descriptors 0–2 left out of the map are connected to /dev/null; higher ones are not opened.
 */
export type ChildFDMapping = 'r' | 'w' | number;

/** Signal names signalProcess() accepts (without the `SIG` prefix), or a signal number. */
export type ProcessSignal =
  'TERM' | 'KILL' | 'INT' | 'HUP' | 'QUIT' | 'USR1' | 'USR2' | 'STOP' | 'CONT' | number;

export interface SpawnProcessOptions {
  /**
   * The child's whole environment. Default: this process's environment (Node's default;
   * Twisted's is empty). Pass `{}` for an empty one.
   */
  readonly env?: Readonly<Record<string, string>>;
  /** The child's working directory (default: ours). */
  readonly cwd?: string;
  /** Which descriptors the child gets and how (default `{ 0: 'w', 1: 'r', 2: 'r' }`). */
  readonly childFDs?: Readonly<Record<number, ChildFDMapping>>;
  /** Pseudo-terminals are not supported; only `false` is accepted. */
  readonly usePTY?: false;
}

/**
 * The transport of a child process: its pipes and its pid. `write()` writes the child's stdin;
 * registerProducer() attaches a producer to stdin with back-pressure; pauseProducing() pauses
 * reading the child's output pipes. loseConnection() closes stdin (after what was written),
 * stdout and stderr — it does not kill the child: use signalProcess() for that.
 */
export interface IProcessTransport extends ITransport {
  /** The child's process id; null once it has exited, or when it never started. */
  readonly pid: number | null;
  /** Write to the pipe on the child's descriptor `childFD` (one mapped `'w'`). */
  writeToChild(childFD: number, data: Uint8Array): void;
  /** closeChildFD(0): the child reads EOF once what was written has been read. */
  closeStdin(): void;
  /** closeChildFD(1). */
  closeStdout(): void;
  /** closeChildFD(2). */
  closeStderr(): void;
  /**
   * Close our end of the pipe on the child's `childFD`: a pipe we write is ended after its
   * buffered data; a pipe we read stops being read. childConnectionLost(childFD) follows.
   */
  closeChildFD(childFD: number): void;
  /**
   * Send a signal to the child. Throws ProcessExitedAlready once the process has exited.
   */
  signalProcess(signal: ProcessSignal): void;
}

/**
 * What spawnProcess() drives; see ProcessProtocol for the base class. Call grammar:
 * makeConnection(transport) → connectionMade() → (childDataReceived(fd, data) |
 * childConnectionLost(fd))* → processExited(reason) → … → processEnded(reason), where
 * processEnded() comes once the process has exited *and* every pipe is closed. `reason` wraps
 * ProcessDone (exit code 0) or ProcessTerminated (`exitCode` / `signal`).
 */
export interface IProcessProtocol {
  makeConnection(transport: IProcessTransport): void;
  /** Bytes the child wrote on its descriptor `childFD`. */
  childDataReceived(childFD: number, data: Uint8Array): void;
  /** The pipe on the child's descriptor `childFD` is closed (by either side). */
  childConnectionLost(childFD: number): void;
  /** The process has exited; some of its pipes may still be open (held by grandchildren). */
  processExited(reason: Failure): void;
  /** The process has exited and all its pipes are closed: the last call. */
  processEnded(reason: Failure): void;
}
