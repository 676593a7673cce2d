import {
  ClientFactory,
  ClientService,
  type Address,
  type IReactorTime,
  type IStreamClientEndpoint,
  type RetryPolicy,
} from '@tw/core';

import { IRCMap } from '../wire/casemapping.js';
import type { IRCClientOptions } from './options.js';
import { IRCClient } from './protocol.js';

/**
 * Builds an IRCClient per connection and carries channel membership across connections: the
 * channels a client joined (with their keys) are joined again when the next one registers, so
 * a bot behind a ClientService comes back where it was. Channels we PART or are KICKed from
 * are forgotten.
 */
export class IRCClientFactory extends ClientFactory<IRCClient> {
  /** The channels to be in, with their keys. */
  readonly channels = new IRCMap<string | undefined>();
  /** The client of the current connection, if any. */
  current: IRCClient | null = null;

  /**
   * @param options the client options (a function is called per connection, e.g. to rotate
   * nicks); `channels` are joined on every registration.
   */
  constructor(
    private readonly options: IRCClientOptions | (() => IRCClientOptions),
    channels: Iterable<string> = [],
  ) {
    super();
    for (const channel of channels) this.channels.set(channel, undefined);
  }

  override buildProtocol(_addr: Address): IRCClient {
    const options = typeof this.options === 'function' ? this.options() : this.options;
    const client = new IRCClient(options);
    client.factory = this;
    // What the last connection watched with MONITOR is watched again on this one.
    const watched = this.current === null ? [] : [...this.current.monitored.keys()];
    this.current = client;
    client.on('registered', () => {
      for (const [channel, key] of this.channels) client.join(channel, key);
      if (watched.length > 0) client.monitor(watched);
    });
    client.on('joined', ({ channel }) => {
      this.channels.set(channel, client.channels.get(channel)?.key ?? this.channels.get(channel));
    });
    client.on('left', ({ channel }) => this.channels.delete(channel));
    client.on('kickedFrom', ({ channel }) => this.channels.delete(channel));
    return client;
  }
}

/** Options of ircClientService: the client's options (the reactor comes separately). */
export type IRCClientServiceOptions = Omit<IRCClientOptions, 'reactor'> & {
  /** Channels to join on every (re)connection. */
  readonly channels?: readonly string[];
  /** Seconds before each reconnect attempt (default: @tw/core's backoffPolicy()). */
  readonly retryPolicy?: RetryPolicy;
};

/**
 * A ClientService that keeps an IRC connection up through `endpoint`: reconnects with backoff
 * when the link drops or registration fails, rejoins the channels it was in, and hands out
 * the client only once it is registered (`service.whenConnected()`).
 *
 * ```ts
 * const service = ircClientService(clientFromString(reactor, 'tcp:host=irc.libera.chat:port=6667'),
 *   { nickname: 'twbot', channels: ['#tw'] }, reactor);
 * service.startService();
 * const client = await service.whenConnected();
 * ```
 */
export function ircClientService(
  endpoint: IStreamClientEndpoint,
  options: IRCClientServiceOptions,
  reactor: IReactorTime,
): ClientService<IRCClient> {
  const { channels, retryPolicy, ...clientOptions } = options;
  const factory = new IRCClientFactory({ ...clientOptions, reactor }, channels ?? []);
  return new ClientService<IRCClient>(endpoint, factory, {
    clock: reactor,
    ...(retryPolicy === undefined ? {} : { retryPolicy }),
    prepareConnection: (client) => client.whenRegistered(),
    description: `IRC ${options.nickname}`,
  });
}
