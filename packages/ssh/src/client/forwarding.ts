import {
  Deferred,
  Factory,
  ipv4Address,
  ipv6Address,
  type IListeningPort,
  type IProtocolFactory,
  type IStreamClientEndpoint,
  type IStreamServerEndpoint,
} from '@tw/core';
import type {
  AcceptConnection,
  Client,
  ClientChannel,
  RejectConnection,
  TcpConnectionDetails,
} from 'ssh2';

import { ChannelTransport } from '../channel/channel-transport.js';
import type { SSHClientConnection } from './connection.js';
import { SSHChannelError } from './errors.js';
import { RelayProtocol } from './relay.js';

/** A remote (server-side) listening port forwarded back to us; made by forwardRemote. */
export interface RemoteForwarding {
  /** The address the server listens on. */
  readonly bindAddress: string;
  /** The port the server listens on (the one it picked when 0 was asked for). */
  readonly port: number;
  /** Ask the server to stop listening; connections already open stay. */
  stop(): Deferred<void>;
}

/** Where forwarded connections go: a factory whose protocols run on the channel, or an endpoint to relay to. */
export type RemoteForwardTarget = IProtocolFactory | IStreamClientEndpoint;

function isEndpoint(target: RemoteForwardTarget): target is IStreamClientEndpoint {
  return typeof (target as IStreamClientEndpoint).connect === 'function';
}

function describeChannel(kind: string, host: string, port: number): { description: string } {
  return { description: `ssh ${kind} ${host}:${port}` };
}

/** Relay side on a local listening port: holds its data until the direct-tcpip channel opens. */
class LocalForwardProtocol extends RelayProtocol {
  constructor(
    private readonly connection: SSHClientConnection,
    private readonly remoteHost: string,
    private readonly remotePort: number,
  ) {
    super();
  }

  override connectionMade(): void {
    this.holdUntilPaired();
    const peer = this.transport.getPeer();
    const origin =
      peer.family === 'IPv4' || peer.family === 'IPv6'
        ? { host: peer.host, port: peer.port }
        : { host: '127.0.0.1', port: 0 };
    this.connection.openDirectChannel(this.remoteHost, this.remotePort, origin).addCallbacks(
      (channel) => {
        const remote = new RelayProtocol();
        new ChannelTransport(
          channel,
          remote,
          describeChannel('local forward to', this.remoteHost, this.remotePort),
        ).start();
        RelayProtocol.pair(this, remote);
      },
      () => this.abandon(),
    );
  }
}

/**
 * Local forwarding (`ssh -L`): listen on `endpoint`; each accepted connection is relayed through
 * a direct-tcpip channel to `remoteHost`:`remotePort` as seen from the server.
 */
export function forwardLocal(
  connection: SSHClientConnection,
  endpoint: IStreamServerEndpoint,
  remoteHost: string,
  remotePort: number,
): Deferred<IListeningPort> {
  const factory = Factory.forProtocol(
    () => new LocalForwardProtocol(connection, remoteHost, remotePort),
  );
  return endpoint.listen(factory);
}

type ForwardHandler = (channel: ClientChannel, details: TcpConnectionDetails) => void;

const handlersByClient = new WeakMap<Client, Map<string, ForwardHandler>>();

function handlersFor(client: Client): Map<string, ForwardHandler> {
  let handlers = handlersByClient.get(client);
  if (handlers !== undefined) return handlers;
  const table = new Map<string, ForwardHandler>();
  handlers = table;
  handlersByClient.set(client, table);
  client.on(
    'tcp connection',
    (details: TcpConnectionDetails, accept: AcceptConnection, reject: RejectConnection) => {
      const handler =
        table.get(`${details.destIP}:${details.destPort}`) ??
        (table.size === 1 ? [...table.values()][0] : undefined);
      if (handler === undefined) {
        reject();
        return;
      }
      handler(accept() as ClientChannel, details);
    },
  );
  return handlers;
}

function handlerFor(target: RemoteForwardTarget): ForwardHandler {
  if (isEndpoint(target)) {
    return (channel, details) => {
      const remote = new RelayProtocol();
      new ChannelTransport(
        channel,
        remote,
        describeChannel('remote forward from', details.srcIP, details.srcPort),
      ).start();
      remote.holdUntilPaired();
      const local = new RelayProtocol();
      target.connect(Factory.forProtocol(() => local)).addCallbacks(
        () => RelayProtocol.pair(local, remote),
        () => remote.abandon(),
      );
    };
  }
  return (channel, details) => {
    const addr = details.srcIP.includes(':')
      ? ipv6Address('TCP', details.srcIP, details.srcPort)
      : ipv4Address('TCP', details.srcIP, details.srcPort);
    const protocol = target.buildProtocol(addr);
    if (protocol === null) {
      channel.close();
      return;
    }
    new ChannelTransport(channel, protocol, {
      ...describeChannel('remote forward from', details.srcIP, details.srcPort),
      peer: addr,
    }).start();
  };
}

/**
 * Remote forwarding (`ssh -R`): ask the server to listen on `bindAddress`:`bindPort` (0: it
 * picks) and hand each connection arriving there to `target` — a factory whose protocol runs on
 * the channel, or a client endpoint the connection is relayed to.
 */
export function forwardRemote(
  connection: SSHClientConnection,
  bindAddress: string,
  bindPort: number,
  target: RemoteForwardTarget,
): Deferred<RemoteForwarding> {
  const client = connection.client;
  const handlers = handlersFor(client);
  const handler = handlerFor(target);
  if (!isEndpoint(target)) target.doStart();
  return connection
    .call<number>(`tcpip-forward on ${bindAddress}:${bindPort}`, (done) => {
      client.forwardIn(bindAddress, bindPort, (error, port) => done(error, port));
    })
    .addCallbacks(
      (assigned) => {
        const port = bindPort === 0 ? assigned : bindPort;
        handlers.set(`${bindAddress}:${port}`, handler);
        if (port !== bindPort) handlers.set(`${bindAddress}:${bindPort}`, handler);
        let stopped = false;
        return {
          bindAddress,
          port,
          stop: (): Deferred<void> => {
            if (stopped) return Deferred.succeed(undefined);
            stopped = true;
            handlers.delete(`${bindAddress}:${port}`);
            handlers.delete(`${bindAddress}:${bindPort}`);
            if (!isEndpoint(target)) target.doStop();
            if (connection.isClosed) return Deferred.succeed(undefined);
            return connection.call<void>(`cancel-tcpip-forward on ${bindAddress}:${port}`, (done) =>
              client.unforwardIn(bindAddress, port, (error) => done(error ?? undefined, undefined)),
            );
          },
        };
      },
      (failure) => {
        if (!isEndpoint(target)) target.doStop();
        throw failure.value instanceof SSHChannelError
          ? failure.value
          : new SSHChannelError(`tcpip-forward on ${bindAddress}:${bindPort}`, {
              cause: failure.value,
            });
      },
    );
}
