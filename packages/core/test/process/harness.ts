import type { Failure } from '../../src/defer/failure.js';
import type { IProcessTransport, SpawnProcessOptions } from '../../src/interfaces/process.js';
import { ProcessProtocol, type ProcessEndReason } from '../../src/protocol/process-protocol.js';
import { NodeReactor } from '../../src/reactor/node/node-reactor.js';

export const encode = (text: string): Uint8Array => new TextEncoder().encode(text);
export const decode = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

/** A ProcessProtocol that records every call, in order, and resolves `ended` at processEnded. */
export class RecordingProcessProtocol extends ProcessProtocol {
  readonly events: string[] = [];
  readonly received = new Map<number, Uint8Array[]>();
  exitedReason: Failure | null = null;
  readonly ended: Promise<Failure>;
  private resolveEnded!: (reason: Failure) => void;

  constructor() {
    super();
    this.ended = new Promise((resolve) => {
      this.resolveEnded = resolve;
    });
  }

  /** Everything received on `fd`, decoded as UTF-8. */
  text(fd: number): string {
    return (this.received.get(fd) ?? []).map(decode).join('');
  }

  override connectionMade(): void {
    this.events.push('connectionMade');
  }

  override childDataReceived(childFD: number, data: Uint8Array): void {
    let chunks = this.received.get(childFD);
    if (chunks === undefined) this.received.set(childFD, (chunks = []));
    chunks.push(Uint8Array.prototype.slice.call(data));
    super.childDataReceived(childFD, data);
  }

  override outReceived(): void {
    if (this.events.at(-1) !== 'outReceived') this.events.push('outReceived');
  }

  override errReceived(): void {
    if (this.events.at(-1) !== 'errReceived') this.events.push('errReceived');
  }

  override childConnectionLost(childFD: number): void {
    this.events.push(`childConnectionLost(${childFD})`);
    super.childConnectionLost(childFD);
  }

  override processExited(reason: ProcessEndReason): void {
    this.events.push('processExited');
    this.exitedReason = reason;
  }

  override processEnded(reason: ProcessEndReason): void {
    this.events.push('processEnded');
    super.processEnded(reason);
    this.resolveEnded(reason);
  }
}

const spawned: IProcessTransport[] = [];

/** A reactor for process tests: timers and child processes work without run(). */
export const reactor = new NodeReactor({ installSignalHandlers: false });

/** spawnProcess on the shared reactor; killAll() in afterEach stops what is left. */
export function spawn<P extends ProcessProtocol>(
  protocol: P,
  executable: string,
  args: readonly string[],
  options?: SpawnProcessOptions,
): IProcessTransport {
  const transport = reactor.spawnProcess(protocol, executable, args, options);
  spawned.push(transport);
  return transport;
}

/** Spawn this Node with `-e script`. */
export function spawnNode<P extends ProcessProtocol>(
  protocol: P,
  script: string,
  options?: SpawnProcessOptions,
): IProcessTransport {
  return spawn(protocol, process.execPath, ['node', '-e', script], options);
}

export function killAll(): void {
  for (const transport of spawned.splice(0)) {
    if (transport.pid !== null) transport.signalProcess('KILL');
  }
}
