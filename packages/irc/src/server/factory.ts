import {
  Factory,
  LimitConnectionsByPeer,
  type Address,
  type IProtocol,
  type IReactorTime,
} from '@tw/core';
import {
  checkIRCServerConfig,
  defaultIRCServerConfig,
  type IRCServerConfig,
  type IRCServerConfigInput,
} from './config.js';
import { IRCServerProtocol } from './connection.js';
import { IRCServerContext } from './server-context.js';

/**
 * Builds an IRCServerProtocol per connection, all sharing one server state (users, channels).
 * With `maxConnectionsPerAddress` set, connections beyond it from one address are refused
 * (through @tw/core's LimitConnectionsByPeer) with an `ERROR` line.
 *
 * ```ts
 * const factory = new IRCServerFactory(reactor, { serverName: 'irc.example.org', motd: 'Hi' });
 * await serverFromString(reactor, 'tcp:6667:interface=127.0.0.1').listen(factory);
 * ```
 */
export class IRCServerFactory extends Factory<IProtocol> {
  readonly config: IRCServerConfig;
  readonly server: IRCServerContext;
  private readonly limiter: LimitConnectionsByPeer | null;

  constructor(
    readonly reactor: IReactorTime,
    config: IRCServerConfigInput = {},
  ) {
    super();
    this.config = defaultIRCServerConfig(config);
    checkIRCServerConfig(this.config);
    this.server = new IRCServerContext(reactor, this.config);
    const perAddress = this.config.maxConnectionsPerAddress;
    this.limiter =
      perAddress > 0
        ? new LimitConnectionsByPeer(
            Factory.forProtocol(() => this.buildServerProtocol()),
            {
              maxConnectionsPerPeer: perAddress,
              refusalMessage: (addr) =>
                `ERROR :Closing Link: ${'host' in addr ? addr.host : 'unknown'} (Too many connections from your address)\r\n`,
            },
          )
        : null;
  }

  /** A protocol for a connection from `addr` (wrapped by the per-address limit when one is set). */
  override buildProtocol(addr: Address): IProtocol | null {
    if (this.limiter !== null) return this.limiter.buildProtocol(addr);
    return this.buildServerProtocol();
  }

  /** A bare IRCServerProtocol attached to this server (tests connect it to a transport). */
  buildServerProtocol(): IRCServerProtocol {
    const protocol = new IRCServerProtocol(this.server);
    protocol.factory = this;
    return protocol;
  }

  /** The server's shared state: users and channels. */
  get state(): IRCServerContext['state'] {
    return this.server.state;
  }
}
