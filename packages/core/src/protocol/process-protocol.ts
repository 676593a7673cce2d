import type { Failure } from '../defer/failure.js';
import type { ProcessDone, ProcessTerminated } from '../errors/process.js';
import type { IProcessProtocol, IProcessTransport } from '../interfaces/process.js';

/** Why a process ended: ProcessDone (exit code 0) or ProcessTerminated (exitCode / signal). */
export type ProcessEndReason = Failure<ProcessDone | ProcessTerminated>;

/**
 * The base class for talking to a child process started with `reactor.spawnProcess()`
 * (Twisted's `ProcessProtocol`). Override what you need:
 *
 * - connectionMade(): the process is started; `this.transport.write()` writes its stdin.
 * - outReceived(data) / errReceived(data): what it wrote to stdout / stderr. Output on other
 *   descriptors (`childFDs`) arrives at childDataReceived(fd, data).
 * - inConnectionLost() / outConnectionLost() / errConnectionLost(): that pipe closed.
 * - processExited(reason): the process exited (pipes may still be open).
 * - processEnded(reason): it exited and all pipes are closed — the last call. `reason.value` is
 *   a ProcessDone or a ProcessTerminated (`exitCode`, `signal`).
 *
 * Call grammar: makeConnection(transport) → connectionMade() → (childDataReceived |
 * childConnectionLost)* → processExited(reason) → … → processEnded(reason).
 */
export class ProcessProtocol implements IProcessProtocol {
  /** True between makeConnection() and processEnded(). */
  connected = false;

  private currentTransport: IProcessTransport | null = null;

  /** Set by makeConnection(); reading it before then throws a clear error. */
  get transport(): IProcessTransport {
    if (this.currentTransport === null) {
      throw new Error(
        `${this.constructor.name} has no transport yet: pass it to reactor.spawnProcess() first.`,
      );
    }
    return this.currentTransport;
  }

  set transport(transport: IProcessTransport | null) {
    this.currentTransport = transport;
  }

  /** Whether a transport has been attached (without throwing like `transport` does). */
  get hasTransport(): boolean {
    return this.currentTransport !== null;
  }

  makeConnection(transport: IProcessTransport): void {
    this.connected = true;
    this.currentTransport = transport;
    this.connectionMade();
  }

  /** The process has started: write to it here. */
  connectionMade(): void {}

  /** Routes descriptor 1 to outReceived() and 2 to errReceived(); others are ignored. */
  childDataReceived(childFD: number, data: Uint8Array): void {
    if (childFD === 1) this.outReceived(data);
    else if (childFD === 2) this.errReceived(data);
  }

  /** What the child wrote to its stdout. */
  outReceived(_data: Uint8Array): void {}

  /** What the child wrote to its stderr. */
  errReceived(_data: Uint8Array): void {}

  /** Routes descriptors 0, 1 and 2 to inConnectionLost, outConnectionLost, errConnectionLost. */
  childConnectionLost(childFD: number): void {
    if (childFD === 0) this.inConnectionLost();
    else if (childFD === 1) this.outConnectionLost();
    else if (childFD === 2) this.errConnectionLost();
  }

  /** The child's stdin pipe is closed. */
  inConnectionLost(): void {}

  /** The child's stdout pipe is closed. */
  outConnectionLost(): void {}

  /** The child's stderr pipe is closed. */
  errConnectionLost(): void {}

  /** The process exited; some pipes may still be open (a grandchild may hold them). */
  processExited(_reason: ProcessEndReason): void {}

  /** The process exited and every pipe is closed. */
  processEnded(_reason: ProcessEndReason): void {
    this.connected = false;
  }
}
