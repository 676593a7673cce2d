import { Factory, type IListeningPort } from '@tw/core';
import type { Connection, TcpipBindInfo } from 'ssh2';

import { ChannelTransport } from '../channel/channel-transport.js';
import type { RemoteForwardRequest, RemoteForwardingPolicy } from './options.js';
import { RelayProtocol, type ForwardingContext } from './relay-protocol.js';

/** What remote forwarding needs from its SSH connection. */
export interface RemoteForwardingContext extends ForwardingContext {
  /** The ssh2 connection: forwarded-tcpip channels are opened on it. */
  readonly client: Connection;
  readonly policy: RemoteForwardingPolicy | null | undefined;
  /** Bind what the client asks (sshd's GatewayPorts); false: always the loopback address. */
  readonly gatewayPorts: boolean;
  /** Listening ports one connection may hold. */
  readonly maxForwards: number;
}

/** The lowest port a client may have us listen on: below it are the system's (root's) ports. */
const FIRST_UNPRIVILEGED_PORT = 1024;

/**
 * The address to listen on for a client's bind address (RFC 4254 §7.1: "" every address,
 * "localhost" loopback, otherwise an address). Without gatewayPorts it is always loopback, as
 * sshd does by default; host names other than localhost are refused (null).
 */
function listenAddressFor(bindAddress: string, gatewayPorts: boolean): string | null {
  if (!gatewayPorts) return bindAddress.includes(':') && bindAddress !== '' ? '::1' : '127.0.0.1';
  if (bindAddress === '' || bindAddress === '*') return '0.0.0.0';
  if (bindAddress.toLowerCase() === 'localhost') return '127.0.0.1';
  return /^[\d.]+$/.test(bindAddress) || bindAddress.includes(':') ? bindAddress : null;
}

/** A connection to a forwarded port, relayed to the client over a forwarded-tcpip channel. */
class ForwardedConnection extends RelayProtocol {
  constructor(
    private readonly forward: { readonly bindAddress: string; readonly port: number },
    private readonly context: RemoteForwardingContext,
  ) {
    super();
  }

  override connectionMade(): void {
    // Nothing may be read before the channel is there to take it.
    this.transport.pauseProducing();
    const origin = this.transport.getPeer();
    const originHost = 'host' in origin ? origin.host : '127.0.0.1';
    const originPort = 'port' in origin ? origin.port : 0;
    if (!this.context.mayOpenChannel()) {
      this.transport.loseConnection();
      return;
    }
    this.context.client.forwardOut(
      this.forward.bindAddress,
      this.forward.port,
      originHost,
      originPort,
      (error, channel) => {
        if (error !== undefined || !this.hasTransport || this.peer !== null) {
          if (error === undefined) channel.close();
          this.transport.loseConnection();
          return;
        }
        this.context.channelOpened(channel);
        const inbound = new RelayProtocol();
        inbound.peer = this;
        this.peer = inbound;
        new ChannelTransport(channel, inbound, {
          peer: origin,
          description: `SSH forwarded-tcpip channel from ${originHost}:${originPort}`,
        }).start(); // inbound.connectionMade registers the producers both ways
        this.transport.resumeProducing();
      },
    );
  }
}

/**
 * The server side of `ssh -R` (RFC 4254 §7.1): tcpip-forward requests the policy allows make us
 * listen, each connection there is sent to the client on a forwarded-tcpip channel, and
 * cancel-tcpip-forward or the end of the SSH connection stops listening. Refused: no policy or
 * a "no", ports below 1024, more than `maxForwards` ports, host names that are not addresses.
 */
export class RemoteForwards {
  /** Listening ports by the client's bind address and port (the allocated one for port 0). */
  private readonly listening = new Map<string, IListeningPort>();
  private pending = 0;
  private closed = false;

  constructor(private readonly context: RemoteForwardingContext) {}

  /** A tcpip-forward or cancel-tcpip-forward global request. */
  request(
    accept: ((port?: number) => void) | undefined,
    reject: (() => void) | undefined,
    name: string,
    info: TcpipBindInfo,
  ): void {
    const bindAddress = String(info.bindAddr);
    const bindPort = Number(info.bindPort);
    if (name === 'cancel-tcpip-forward') {
      const port = this.listening.get(keyOf(bindAddress, bindPort));
      if (port === undefined) {
        reject?.();
        return;
      }
      this.listening.delete(keyOf(bindAddress, bindPort));
      void port.stopListening();
      accept?.();
      return;
    }
    if (name !== 'tcpip-forward') {
      reject?.();
      return;
    }
    this.listen({ bindAddress, bindPort, username: this.context.username }, accept, reject);
  }

  /** Stop listening everywhere: the SSH connection is gone. */
  closeAll(): void {
    this.closed = true;
    for (const port of this.listening.values()) void port.stopListening();
    this.listening.clear();
  }

  private listen(
    request: RemoteForwardRequest,
    accept: ((port?: number) => void) | undefined,
    reject: (() => void) | undefined,
  ): void {
    const context = this.context;
    const address = listenAddressFor(request.bindAddress, context.gatewayPorts);
    const refuse = (why: string): void => {
      context.log.info('Refused tcpip-forward of {username} on {bindAddress}:{bindPort}: {why}', {
        username: request.username,
        bindAddress: request.bindAddress,
        bindPort: request.bindPort,
        why,
      });
      reject?.();
    };
    if (!this.allowed(request)) return refuse('not allowed');
    if (address === null) return refuse('not an address');
    const { bindPort } = request;
    if (!Number.isInteger(bindPort) || bindPort < 0 || bindPort > 65535) {
      return refuse('no such port');
    }
    if (bindPort !== 0 && bindPort < FIRST_UNPRIVILEGED_PORT) return refuse('a privileged port');
    if (this.listening.size + this.pending >= context.maxForwards) {
      return refuse(`already ${context.maxForwards} forwarded ports`);
    }
    this.pending++;
    let forward: { bindAddress: string; port: number } = {
      bindAddress: request.bindAddress,
      port: 0,
    };
    const factory = Factory.forProtocol(() => new ForwardedConnection(forward, context));
    context.reactor.listenTCP(bindPort, factory, { interface: address }).addCallbacks(
      (port) => {
        this.pending--;
        const host = port.getHost();
        const actual = host.family === 'IPv4' || host.family === 'IPv6' ? host.port : bindPort;
        forward = { bindAddress: request.bindAddress, port: actual };
        if (this.closed) {
          void port.stopListening();
          return null;
        }
        this.listening.set(keyOf(request.bindAddress, actual), port);
        context.log.info('Forwarding {address}:{port} to {username} (ssh -R)', {
          address,
          port: actual,
          username: request.username,
        });
        accept?.(actual);
        return null;
      },
      (failure) => {
        this.pending--;
        refuse(failure.getErrorMessage());
        return null;
      },
    );
  }

  private allowed(request: RemoteForwardRequest): boolean {
    const policy = this.context.policy;
    if (policy === null || policy === undefined) return false;
    try {
      return policy(request, this.context.avatar);
    } catch (error) {
      this.context.log.failure('The SSH remote forwarding policy failed', error, {}, 'error');
      return false;
    }
  }
}

function keyOf(bindAddress: string, port: number): string {
  return `${bindAddress}\u0000${port}`;
}
