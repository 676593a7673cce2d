import {
  ClientFactory,
  Protocol,
  type Address,
  type Failure,
  type IConnector,
  type IHalfCloseableTransport,
  type ILogger,
  type IReactor,
} from '@tw/core';
import type { ServerChannel, TcpipRequestInfo } from 'ssh2';

import { ChannelTransport } from '../channel/channel-transport.js';
import { pausingProducerFor } from '../channel/pausing-producer.js';
import type { DirectTcpipRequest, ForwardingPolicy } from './options.js';

/**
 * One side of a port-forwarding relay: what it reads goes to its peer's transport. Each side's
 * transport is registered as the streaming producer of the other, so a slow side pauses the
 * reading of the fast one (Twisted's portforward.Proxy).
 */
class RelayProtocol extends Protocol {
  peer: RelayProtocol | null = null;
  /** This side's peer sent EOF (its reading is over). */
  readDone = false;

  override connectionMade(): void {
    const peer = this.peer;
    if (peer?.hasTransport === true) {
      peer.transport.registerProducer(pausingProducerFor(this.transport), true);
      this.transport.registerProducer(pausingProducerFor(peer.transport), true);
    }
  }

  override dataReceived(data: Uint8Array): void {
    this.peer?.transport.write(data);
  }

  /** Half-close: pass the EOF on, and close both once both directions are done. */
  readConnectionLost(): void {
    this.readDone = true;
    const peer = this.peer;
    if (peer === null || !peer.hasTransport) {
      this.transport.loseConnection();
      return;
    }
    if (peer.readDone) {
      this.transport.loseConnection();
      peer.transport.loseConnection();
      return;
    }
    const target = peer.transport as Partial<IHalfCloseableTransport>;
    if (typeof target.writeEOF === 'function') target.writeEOF();
    else peer.transport.loseConnection();
  }

  writeConnectionLost(): void {}

  override connectionLost(reason: Failure): void {
    super.connectionLost(reason);
    const peer = this.peer;
    this.peer = null;
    if (peer?.hasTransport === true) {
      try {
        peer.transport.unregisterProducer();
      } catch {
        // nothing registered
      }
      peer.transport.loseConnection();
      peer.peer = null;
    }
  }
}

export interface DirectTcpipContext {
  readonly reactor: IReactor;
  readonly policy: ForwardingPolicy | null | undefined;
  readonly username: string;
  readonly avatar: unknown;
  readonly log: ILogger;
  readonly peer: Address;
  /** Whether another channel may be opened now (the per-connection channel limit). */
  readonly mayOpenChannel: () => boolean;
  readonly channelOpened: (channel: ServerChannel) => void;
}

/**
 * Handle a direct-tcpip channel request: refused (administratively prohibited) unless the
 * policy allows it; otherwise connect through the reactor and relay with back-pressure.
 */
export function handleDirectTcpip(
  accept: () => ServerChannel,
  reject: () => void,
  info: TcpipRequestInfo,
  context: DirectTcpipContext,
): void {
  const request: DirectTcpipRequest = {
    destHost: String(info.destIP),
    destPort: Number(info.destPort),
    originHost: String(info.srcIP),
    originPort: Number(info.srcPort),
    username: context.username,
  };
  let allowed = false;
  try {
    allowed =
      context.policy !== null &&
      context.policy !== undefined &&
      context.mayOpenChannel() &&
      Number.isInteger(request.destPort) &&
      request.destPort > 0 &&
      request.destPort < 65536 &&
      context.policy(request, context.avatar);
  } catch (error) {
    context.log.failure('The SSH forwarding policy failed', error, {}, 'error');
  }
  if (!allowed) {
    context.log.info('Refused direct-tcpip from {username} to {destHost}:{destPort}', {
      username: request.username,
      destHost: request.destHost,
      destPort: request.destPort,
    });
    reject();
    return;
  }

  const outbound = new RelayProtocol();
  const factory = new (class extends ClientFactory {
    override buildProtocol(): RelayProtocol {
      return outbound;
    }
    override clientConnectionFailed(_connector: IConnector, reason: Failure): void {
      context.log.info('direct-tcpip to {destHost}:{destPort} failed: {error}', {
        destHost: request.destHost,
        destPort: request.destPort,
        error: String(reason.value),
      });
      reject();
    }
  })();
  outbound.connectionMade = () => {
    let channel: ServerChannel | undefined;
    try {
      channel = accept();
    } catch {
      channel = undefined;
    }
    if (channel === undefined) {
      // The SSH connection went away while we were connecting.
      outbound.transport.abortConnection();
      return;
    }
    context.channelOpened(channel);
    const inbound = new RelayProtocol();
    inbound.peer = outbound;
    outbound.peer = inbound;
    new ChannelTransport(channel, inbound, {
      peer: context.peer,
      description: `SSH direct-tcpip channel to ${request.destHost}:${request.destPort}`,
    }).start(); // inbound.connectionMade registers the producers both ways
  };
  context.reactor.connectTCP(request.destHost, request.destPort, factory, { timeout: 30 });
}
