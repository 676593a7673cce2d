/**
 * Run one protocol test over every kind of transport: in memory (IOPump), TCP, TLS and Unix
 * sockets on loopback. Framework-neutral: it hands back connected protocol pairs and a close()
 * to call when done, so it works under vitest, node:test or anything else.
 *
 * ```ts
 * for (const kind of TRANSPORT_KINDS) {
 *   it(`echoes over ${kind}`, async () => {
 *     const c = await connectOver(kind, { server: () => new Echo(), client: () => new Recorder() });
 *     try {
 *       c.client.transport.write(bytes);
 *       await c.until(() => c.client.received() === 'hello');
 *     } finally {
 *       await c.close();
 *     }
 *   });
 * }
 * ```
 */
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Deferred } from '../defer/deferred.js';
import type { Failure } from '../defer/failure.js';
import type {
  IClientFactory,
  IConnector,
  IProtocol,
  IProtocolFactory,
} from '../interfaces/protocol.js';
import type { IListeningPort, IReactor } from '../interfaces/reactor.js';
import type { TLSOptions } from '../interfaces/tls.js';
import type { Address } from '../interfaces/address.js';
import { NodeReactor } from '../reactor/node/node-reactor.js';
import { generateSelfSignedCertificate, type CertificateAndKey } from '../tls/certificates.js';
import { connectedPair, type IOPump } from './iopump.js';
import { MemoryReactor } from './memory-reactor.js';

export type TransportKind = 'memory' | 'tcp' | 'tls' | 'unix';

/** Every kind, in the order forEachTransport() runs them. */
export const TRANSPORT_KINDS: readonly TransportKind[] = ['memory', 'tcp', 'tls', 'unix'];

/** What the protocol builders are told: handy for protocols that need the reactor (timeouts). */
export interface TransportContext {
  readonly kind: TransportKind;
  /** A MemoryReactor for 'memory' (advanced by 0 s on each pump step), a NodeReactor otherwise. */
  readonly reactor: IReactor;
}

export interface TransportMatrixOptions<S extends IProtocol, C extends IProtocol> {
  /** Builds the server protocol for the one connection. */
  readonly server: (context: TransportContext) => S;
  /** Builds the client protocol. */
  readonly client: (context: TransportContext) => C;
  /** The reactor for the real transports (default: a new NodeReactor without signal handlers). */
  readonly reactor?: IReactor;
  /** TLS options for each side (default: a self-signed certificate for localhost, trusted by the client). */
  readonly tls?: { readonly server: TLSOptions; readonly client: TLSOptions };
  /** How long connecting, until() and close() may take before failing, in seconds (default 10). */
  readonly timeout?: number;
}

/** A connected pair over one kind of transport. */
export interface TransportConnection<S extends IProtocol, C extends IProtocol> {
  readonly kind: TransportKind;
  readonly reactor: IReactor;
  readonly server: S;
  readonly client: C;
  /** The pump, for 'memory'; null for real transports. */
  readonly pump: IOPump | null;
  /**
   * Let bytes flow until `condition()` holds: flushes the pump (memory) or waits on the event
   * loop (real sockets). Rejects after the timeout with a message naming the transport.
   */
  until(condition: () => boolean, timeoutSeconds?: number): Promise<void>;
  /**
   * Close the client's side cleanly, wait until both protocols saw connectionLost (aborting if
   * that takes too long), and stop listening. Safe to call more than once.
   */
  close(): Promise<void>;
}

/** Watches a protocol's makeConnection/connectionLost without changing what they do. */
interface Watched {
  connected: boolean;
  lost: Failure | null;
}

function watch(protocol: IProtocol, onConnected?: () => void): Watched {
  const state: Watched = { connected: false, lost: null };
  const makeConnection = protocol.makeConnection.bind(protocol);
  const connectionLost = protocol.connectionLost.bind(protocol);
  protocol.makeConnection = (transport) => {
    state.connected = true;
    makeConnection(transport);
    onConnected?.();
  };
  protocol.connectionLost = (reason) => {
    state.lost = reason;
    connectionLost(reason);
  };
  return state;
}

const DEFAULT_TIMEOUT_SECONDS = 10;

let defaultCertificate: CertificateAndKey | null = null;
let unixSocketSerial = 0;

function defaultTLS(): { server: TLSOptions; client: TLSOptions } {
  defaultCertificate ??= generateSelfSignedCertificate();
  return {
    server: { credentials: defaultCertificate },
    client: { ca: defaultCertificate.cert, serverName: 'localhost' },
  };
}

function nextTurn(): Promise<void> {
  // A millisecond, not setImmediate: waiting on real sockets should not spin the CPU.
  return new Promise((resolve) => setTimeout(resolve, 1));
}

async function waitFor(
  condition: () => boolean,
  step: () => void,
  timeoutSeconds: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutSeconds * 1000;
  for (;;) {
    step();
    if (condition()) return;
    if (Date.now() >= deadline)
      throw new Error(`Timed out after ${timeoutSeconds} s waiting for ${what}.`);
    await nextTurn();
  }
}

/** Connect a fresh server and client protocol over `kind`. */
export async function connectOver<S extends IProtocol, C extends IProtocol>(
  kind: TransportKind,
  options: TransportMatrixOptions<S, C>,
): Promise<TransportConnection<S, C>> {
  const timeout = options.timeout ?? DEFAULT_TIMEOUT_SECONDS;
  if (kind === 'memory') return connectInMemory(options, timeout);
  return connectOverSockets(kind, options, timeout);
}

function connectInMemory<S extends IProtocol, C extends IProtocol>(
  options: TransportMatrixOptions<S, C>,
  timeout: number,
): TransportConnection<S, C> {
  const reactor = new MemoryReactor();
  const context: TransportContext = { kind: 'memory', reactor };
  const server = options.server(context);
  const client = options.client(context);
  const serverState = watch(server);
  const clientState = watch(client);
  const { pump, clientTransport } = connectedPair(server, client, { clock: reactor });
  const flush = (): void => {
    pump.flush();
  };
  return {
    kind: 'memory',
    reactor,
    server,
    client,
    pump,
    until: (condition, seconds = timeout) =>
      waitFor(condition, flush, seconds, 'a condition over the memory transport'),
    async close() {
      if (clientState.lost === null) clientTransport.loseConnection();
      pump.flush();
      if (serverState.lost === null || clientState.lost === null) clientTransport.abortConnection();
      pump.flush();
    },
  };
}

async function connectOverSockets<S extends IProtocol, C extends IProtocol>(
  kind: Exclude<TransportKind, 'memory'>,
  options: TransportMatrixOptions<S, C>,
  timeout: number,
): Promise<TransportConnection<S, C>> {
  const reactor = options.reactor ?? new NodeReactor({ installSignalHandlers: false });
  const context: TransportContext = { kind, reactor };
  const tls = kind === 'tls' ? (options.tls ?? defaultTLS()) : null;

  let server: S | null = null;
  let serverState: Watched | null = null;
  const serverFactory: IProtocolFactory = {
    buildProtocol: () => {
      if (server !== null) return null; // One connection per matrix run.
      server = options.server(context);
      serverState = watch(server);
      return server;
    },
    doStart: () => undefined,
    doStop: () => undefined,
  };

  let client: C | null = null;
  let clientState: Watched | null = null;
  let connectFailure: Failure | null = null;
  const clientFactory: IClientFactory = {
    buildProtocol: () => {
      client = options.client(context);
      clientState = watch(client);
      return client;
    },
    doStart: () => undefined,
    doStop: () => undefined,
    startedConnecting: () => undefined,
    clientConnectionFailed: (_connector, reason) => {
      connectFailure = reason;
    },
    clientConnectionLost: () => undefined,
  };

  const unixPath =
    kind === 'unix' ? join(tmpdir(), `tw-matrix-${process.pid}-${unixSocketSerial++}.sock`) : null;
  let port: IListeningPort;
  let connector: IConnector;
  if (kind === 'unix') {
    port = await reactor.listenUNIX(unixPath!, serverFactory);
    connector = reactor.connectUNIX(unixPath!, clientFactory, { timeout });
  } else {
    const listen =
      kind === 'tls'
        ? reactor.listenTLS(0, serverFactory, tls!.server, { interface: '127.0.0.1' })
        : reactor.listenTCP(0, serverFactory, { interface: '127.0.0.1' });
    port = await listen;
    const portNumber = (port.getHost() as Extract<Address, { port: number }>).port;
    connector =
      kind === 'tls'
        ? reactor.connectTLS('127.0.0.1', portNumber, clientFactory, tls!.client, { timeout })
        : reactor.connectTCP('127.0.0.1', portNumber, clientFactory, { timeout });
  }

  const stopListening = async (): Promise<void> => {
    await Deferred.fromPromise(port.stopListening()).addErrback(() => undefined);
    if (unixPath !== null) rmSync(unixPath, { force: true });
  };

  try {
    await waitFor(
      () =>
        connectFailure !== null ||
        (serverState?.connected === true && clientState?.connected === true),
      () => undefined,
      timeout,
      `a ${kind} connection on loopback`,
    );
  } catch (error) {
    connector.disconnect();
    await stopListening();
    throw error;
  }
  if (connectFailure !== null) {
    await stopListening();
    throw (connectFailure as Failure).value;
  }

  const serverProtocol = server as unknown as S;
  const clientProtocol = client as unknown as C;
  const bothLost = (): boolean => serverState!.lost !== null && clientState!.lost !== null;
  let closed: Promise<void> | null = null;
  return {
    kind,
    reactor,
    server: serverProtocol,
    client: clientProtocol,
    pump: null,
    until: (condition, seconds = timeout) =>
      waitFor(condition, () => undefined, seconds, `a condition over the ${kind} transport`),
    close() {
      closed ??= (async () => {
        try {
          if (!bothLost()) connector.disconnect();
          await waitFor(
            bothLost,
            () => undefined,
            timeout,
            `both sides of the ${kind} connection to close`,
          );
        } catch {
          // A side that will not close cleanly is cut off, so no socket outlives the test.
          abortQuietly(serverProtocol);
          abortQuietly(clientProtocol);
        } finally {
          await stopListening();
        }
      })();
      return closed;
    },
  };
}

function abortQuietly(protocol: IProtocol): void {
  try {
    (protocol as { transport?: { abortConnection(): void } }).transport?.abortConnection();
  } catch {
    // Already gone: nothing to abort.
  }
}

/**
 * Run `body` once per transport kind (default all four), one after the other, each with a
 * fresh connection that is closed afterwards even when `body` throws. Rejects with the first
 * failure, its message prefixed with the kind.
 */
export async function forEachTransport<S extends IProtocol, C extends IProtocol>(
  options: TransportMatrixOptions<S, C> & { readonly kinds?: readonly TransportKind[] },
  body: (connection: TransportConnection<S, C>) => unknown,
): Promise<void> {
  for (const kind of options.kinds ?? TRANSPORT_KINDS) {
    const connection = await connectOver(kind, options);
    try {
      await body(connection);
    } catch (error) {
      if (error instanceof Error) error.message = `[${kind}] ${error.message}`;
      throw error;
    } finally {
      await connection.close();
    }
  }
}
