import { ClientFactory, type Address, type Failure, type IConnector } from '@tw/core';
import type { ServerChannel, TcpipRequestInfo } from 'ssh2';

import { ChannelTransport } from '../channel/channel-transport.js';
import type { DirectTcpipRequest, ForwardingPolicy } from './options.js';
import { RelayProtocol, type ForwardingContext } from './relay-protocol.js';

export interface DirectTcpipContext extends ForwardingContext {
  readonly policy: ForwardingPolicy | null | undefined;
  readonly peer: Address;
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
