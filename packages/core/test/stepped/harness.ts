import type { Failure } from '../../src/defer/failure.js';
import { ClientFactory, Factory } from '../../src/protocol/factory.js';
import { Protocol } from '../../src/protocol/protocol.js';
import type { Address } from '../../src/interfaces/address.js';
import type { IProtocol } from '../../src/interfaces/protocol.js';
import {
  SteppedReactor,
  type SteppedReactorOptions,
} from '../../src/reactor/stepped/stepped-reactor.js';

export const encode = (text: string): Uint8Array => new TextEncoder().encode(text);
export const decode = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

const reactors: SteppedReactor[] = [];

/** A SteppedReactor for one test; closeReactors() (afterEach) shuts them all down. */
export function makeReactor(options: SteppedReactorOptions = {}): SteppedReactor {
  const reactor = new SteppedReactor({
    installSignalHandlers: false,
    shutdownGracePeriod: 1,
    ...options,
  });
  reactors.push(reactor);
  return reactor;
}

/** Stop every reactor made by makeReactor, stepping each until its shutdown finished. */
export async function closeReactors(): Promise<void> {
  for (const reactor of reactors.splice(0)) {
    if (!reactor.running) void reactor.run();
    let done = false;
    reactor.addSystemEventTrigger('after', 'shutdown', () => {
      done = true;
    });
    reactor.stop();
    await drive(reactor, () => done, 'the reactor to shut down');
  }
}

/** Let Node's loop turn (sockets read, children exit) without stepping any reactor. */
export function turnNodeLoop(ms = 20): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * What a host loop does, bounded: iterate(), then wait (without blocking Node) for more work,
 * until `done()` holds. Fails after `rounds` iterations instead of hanging.
 */
export async function drive(
  reactor: SteppedReactor,
  done: () => boolean,
  what: string,
  rounds = 2000,
): Promise<number> {
  for (let round = 0; round < rounds; round++) {
    reactor.iterate();
    if (done()) return round + 1;
    await reactor.waitForWork(0.05);
  }
  throw new Error(`Gave up waiting for ${what} after ${rounds} iterate() calls.`);
}

/** A protocol that writes down every call it gets, and whether iterate() was running. */
export class Recorder extends Protocol {
  readonly events: string[] = [];
  readonly chunks: Uint8Array[] = [];
  received = 0;
  lostReason: Failure | null = null;
  /** How many of its calls came while iterate() was not running (should stay 0). */
  outsideIterate = 0;

  constructor(private readonly reactor: SteppedReactor) {
    super();
  }

  override connectionMade(): void {
    this.note('made');
  }

  override dataReceived(data: Uint8Array): void {
    this.note('data');
    this.chunks.push(data);
    this.received += data.byteLength;
  }

  override connectionLost(reason: Failure): void {
    this.note('lost');
    this.lostReason = reason;
  }

  text(): string {
    return decode(Buffer.concat(this.chunks));
  }

  protected note(event: string): void {
    if (!this.reactor.iterating) this.outsideIterate++;
    this.events.push(event);
  }
}

/** Echoes everything back. */
export class EchoRecorder extends Recorder {
  override dataReceived(data: Uint8Array): void {
    super.dataReceived(data);
    this.transport.write(data);
  }
}

export function serverFactory<P extends IProtocol>(build: () => P): Factory<P> {
  return Factory.forProtocol(() => build());
}

/** A client factory that records its connector notifications. */
export class RecordingClientFactory<P extends IProtocol> extends ClientFactory<P> {
  readonly notes: string[] = [];
  failure: Failure | null = null;

  constructor(private readonly build: () => P) {
    super();
  }

  override buildProtocol(): P {
    this.notes.push('build');
    return this.build();
  }

  override startedConnecting(): void {
    this.notes.push('started');
  }

  override clientConnectionFailed(_connector: unknown, reason: Failure): void {
    this.notes.push('failed');
    this.failure = reason;
  }

  override clientConnectionLost(): void {
    this.notes.push('clientLost');
  }
}

/** The port an IPv4/IPv6 listening address is bound to. */
export function portOf(address: Address): number {
  if (address.family !== 'IPv4' && address.family !== 'IPv6') throw new Error('not an IP address');
  return address.port;
}
