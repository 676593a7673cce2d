import {
  Deferred,
  type Address,
  type IProtocol,
  type IProtocolFactory,
  type IReactorTime,
  type IStreamClientEndpoint,
} from '@tw/core';

import type { ChannelTransport } from '../channel/channel-transport.js';
import { connectSSH } from '../client/connect.js';
import type { SSHClientConnection } from '../client/connection.js';
import type { SSHClientOptions } from '../client/options.js';
import { SSHEndpointError } from './errors.js';

/** What the endpoint runs once connected: a command whose stdio is the transport, or a TCP hop. */
export type SSHEndpointTarget =
  | { readonly command: string; readonly pty?: boolean }
  | { readonly forward: { readonly host: string; readonly port: number } };

/**
 * A client endpoint that runs any protocol over SSH: connect(factory) opens an SSH connection
 * through `server` (any client endpoint: tcp:, unix:, tls:, …), authenticates, then either
 * runs `command` — the command's stdin/stdout become the protocol's transport, as with
 * `ssh host command` — or opens a direct-tcpip channel to `forward` (as `ssh -W host:port`).
 * Each connect() makes one SSH connection, closed when the protocol's connection ends.
 *
 * Made by `clientFromString(reactor, 'ssh:…')` after registerSSHEndpoints().
 */
export class SSHClientEndpoint implements IStreamClientEndpoint {
  constructor(
    private readonly reactor: IReactorTime,
    private readonly server: IStreamClientEndpoint,
    private readonly options: SSHClientOptions,
    readonly target: SSHEndpointTarget,
  ) {}

  connect<P extends IProtocol>(factory: IProtocolFactory<P>): Deferred<P> {
    let ssh: SSHClientConnection | null = null;
    const connecting = connectSSH(this.reactor, this.server, this.options);
    const result = new Deferred<P>(() => {
      connecting.cancel();
      void ssh?.close();
    });
    connecting
      .addCallback((connection) => {
        ssh = connection;
        const address: Address = {
          family: 'custom',
          scheme: 'ssh',
          description: this.describe(connection),
        };
        const protocol = factory.buildProtocol(address);
        if (protocol === null) {
          void connection.close();
          throw new SSHEndpointError('the factory refused the connection (buildProtocol → null)');
        }
        const opened =
          'command' in this.target
            ? connection.runProtocol(this.target.command, protocol, {
                ...(this.target.pty === true ? { pty: true } : {}),
              })
            : connection.openDirectTCPIP(
                this.target.forward.host,
                this.target.forward.port,
                protocol,
              );
        return opened.addCallbacks(
          (connected) => {
            closeWithChannel(connection, connected);
            return connected;
          },
          (failure): never => {
            void connection.close();
            throw failure.value;
          },
        );
      })
      .addCallbacks(
        (protocol) => {
          if (!result.called) result.callback(protocol);
        },
        (failure) => {
          if (!result.called) result.errback(failure);
        },
      );
    return result;
  }

  private describe(connection: SSHClientConnection): string {
    const where = connection.where();
    return 'command' in this.target
      ? `ssh ${where} ${JSON.stringify(this.target.command)}`
      : `ssh ${where} -> ${this.target.forward.host}:${this.target.forward.port}`;
  }
}

/** One SSH connection per endpoint connection: when the channel closes, so does SSH. */
function closeWithChannel(connection: SSHClientConnection, protocol: IProtocol): void {
  const transport = (protocol as { transport?: ChannelTransport }).transport;
  const channel = transport?.channel;
  if (channel === undefined) return;
  channel.once('close', () => {
    void connection.close();
  });
}
