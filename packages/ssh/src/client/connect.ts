import {
  Deferred,
  Factory,
  maybeDeferred,
  type IDelayedCall,
  type IReactorTime,
  type IStreamClientEndpoint,
} from '@tw/core';
import { Client, type ConnectConfig, type KeyboardInteractiveCallback, type Prompt } from 'ssh2';
import type { Duplex } from 'node:stream';

import { TransportDuplexProtocol } from '../stream/transport-duplex.js';
import { SSHClientConnection } from './connection.js';
import {
  HostKeyVerificationError,
  SSHAuthenticationError,
  SSHConnectionError,
  SSHHandshakeTimeoutError,
  SSHKeyError,
  type HostKeyTarget,
} from './errors.js';
import { checkHostKey, knownHostsFrom } from './host-key-check.js';
import { hostKeyFromBlob } from './host-key.js';
import { SSH_CLIENT_DEFAULTS, type SSHClientOptions } from './options.js';

/**
 * Connect to an SSH server through any @tw/core client endpoint (tcp:, unix:, tls:, ws:, an
 * ssh: channel, …), verify its host key, authenticate, and fire with the connection.
 *
 * ```ts
 * const ssh = await connectSSH(reactor, clientFromString(reactor, 'tcp:host=example.org:port=22'), {
 *   username: 'me', privateKey: readFileSync(keyPath), knownHosts: '/home/me/.ssh/known_hosts',
 * });
 * const { stdout, exitCode } = await ssh.exec('uname -a');
 * ```
 *
 * Errbacks with UnknownHostKeyError / ChangedHostKeyError / RevokedHostKeyError /
 * HostKeyRejectedError, SSHAuthenticationError, SSHHandshakeTimeoutError, SSHKeyError, or the
 * endpoint's own connect error. Cancelling the Deferred drops the connection attempt.
 */
export function connectSSH(
  reactor: IReactorTime,
  endpoint: IStreamClientEndpoint,
  options: SSHClientOptions,
): Deferred<SSHClientConnection> {
  let protocol: SSHClientProtocol | null = null;
  let connecting: Deferred<SSHClientProtocol> | null = null;
  const result = new Deferred<SSHClientConnection>(() => {
    if (protocol !== null) protocol.connection.cancel();
    else connecting?.cancel();
  });
  const factory = Factory.forProtocol(() => {
    protocol = new SSHClientProtocol(reactor, options);
    protocol.connection.addCallbacks(
      (connection) => {
        if (!result.called) result.callback(connection);
        else connection.close();
      },
      (failure) => {
        if (!result.called) result.errback(failure);
      },
    );
    return protocol;
  });
  connecting = endpoint.connect(factory);
  connecting.addErrback((failure) => {
    if (!result.called) result.errback(failure);
  });
  return result;
}

/**
 * The SSH client as a Protocol: attach it to any connected @tw transport (for example with
 * `endpoint.connect(Factory.forProtocol(() => p))`, or in a test pump) and `connection` fires
 * once the host key is verified and authentication succeeded. connectSSH uses it.
 */
export class SSHClientProtocol extends TransportDuplexProtocol {
  /** Fires with the authenticated connection, or errbacks as connectSSH does. */
  readonly connection: Deferred<SSHClientConnection>;
  private started: Deferred<SSHClientConnection> | null = null;

  constructor(reactor: IReactorTime, options: SSHClientOptions) {
    super((duplex) => {
      const peer = duplex.transport.getPeer();
      const target: HostKeyTarget = {
        host: options.host ?? duplex.remoteAddress ?? 'unknown',
        port: options.port ?? (peer.family === 'IPv4' || peer.family === 'IPv6' ? peer.port : 22),
      };
      this.started = startSSHClient(reactor, duplex, target, options);
      this.started.addCallbacks(
        (connection) => {
          if (!this.connection.called) this.connection.callback(connection);
          else connection.close();
        },
        (failure) => {
          if (!this.connection.called) this.connection.errback(failure);
        },
      );
    });
    this.connection = new Deferred<SSHClientConnection>(() => {
      if (this.started !== null) this.started.cancel();
      else this.transport?.abortConnection();
    });
  }
}

/** Which methods the options make ssh2 try, for error messages. */
function methodsOf(options: SSHClientOptions): string[] {
  const methods: string[] = [];
  if (options.password !== undefined) methods.push('password');
  if (options.privateKey !== undefined) methods.push('publickey');
  if (options.agent !== undefined) methods.push('agent');
  if (keyboardWanted(options)) methods.push('keyboard-interactive');
  return methods;
}

function keyboardWanted(options: SSHClientOptions): boolean {
  return options.keyboardInteractive === undefined
    ? options.password !== undefined
    : options.keyboardInteractive !== false;
}

function agentPath(option: string | true | undefined): string | undefined {
  if (option === undefined) return undefined;
  if (option !== true) return option;
  const sock = process.env['SSH_AUTH_SOCK'];
  if (sock === undefined || sock === '') {
    throw new SSHKeyError('agent: true needs SSH_AUTH_SOCK; start ssh-agent or pass its path.');
  }
  return sock;
}

/**
 * Run ssh2's client over a Duplex (any stream: a TransportDuplex over a @tw transport, a
 * channel of another SSH connection, …). `target` names the server for the host-key check.
 * Most callers want connectSSH.
 */
export function startSSHClient(
  reactor: IReactorTime,
  sock: Duplex,
  target: HostKeyTarget,
  options: SSHClientOptions,
): Deferred<SSHClientConnection> {
  const client = new Client();
  let hostKeyError: unknown = null;
  let timer: IDelayedCall | null = null;
  const result = new Deferred<SSHClientConnection>(() => {
    client.end();
    sock.destroy();
  });
  const fail = (error: unknown): void => {
    if (timer?.active() === true) timer.cancel();
    if (result.called) return;
    result.errback(error);
    client.end();
    sock.destroy();
  };
  let knownHosts;
  let agent: string | undefined;
  try {
    knownHosts = knownHostsFrom(options.knownHosts);
    agent = agentPath(options.agent);
  } catch (error) {
    sock.destroy();
    return Deferred.fail(error);
  }
  const timeout = options.handshakeTimeout ?? SSH_CLIENT_DEFAULTS.handshakeTimeout;
  if (timeout > 0) {
    timer = reactor.callLater(timeout, () => fail(new SSHHandshakeTimeoutError(timeout)));
  }
  client.on('ready', () => {
    if (timer?.active() === true) timer.cancel();
    if (result.called) {
      client.end();
      return;
    }
    result.callback(new SSHClientConnection(client, target, options));
  });
  client.on('error', (error: Error & { level?: string }) => {
    if (result.called) return;
    if (hostKeyError !== null) fail(hostKeyError);
    else if (error.level === 'client-authentication') {
      fail(new SSHAuthenticationError(options.username, methodsOf(options), { cause: error }));
    } else {
      fail(new SSHConnectionError(`SSH connection failed: ${error.message}`, { cause: error }));
    }
  });
  client.on('close', () => {
    fail(
      hostKeyError ??
        new SSHConnectionError('The SSH connection closed before authentication completed.'),
    );
  });
  client.on('keyboard-interactive', (_name, instructions, _lang, prompts, finish) => {
    answerKeyboard(options, instructions, prompts, finish);
  });
  const config: ConnectConfig = {
    sock,
    username: options.username,
    readyTimeout: 0,
    hostVerifier: (key: Buffer, verify: (valid: boolean) => void) => {
      // HostKeyAlias, as OpenSSH: known_hosts is searched (and written) under the alias alone.
      const keyTarget =
        options.hostKeyAlias === undefined ? target : { host: options.hostKeyAlias, port: 22 };
      checkHostKey(knownHosts, options.verifyHostKey, hostKeyFromBlob(key), keyTarget).addCallbacks(
        () => verify(true),
        (failure) => {
          hostKeyError =
            failure.value instanceof HostKeyVerificationError
              ? failure.value
              : new SSHConnectionError('Host key check failed.', { cause: failure.value });
          verify(false);
        },
      );
    },
    ...(options.password === undefined ? {} : { password: options.password }),
    ...(options.privateKey === undefined ? {} : { privateKey: Buffer.from(options.privateKey) }),
    ...(options.passphrase === undefined ? {} : { passphrase: options.passphrase }),
    ...(agent === undefined ? {} : { agent }),
    ...(keyboardWanted(options) ? { tryKeyboard: true } : {}),
    ...(options.keepaliveInterval === undefined
      ? {}
      : {
          keepaliveInterval: options.keepaliveInterval * 1000,
          keepaliveCountMax: options.keepaliveCountMax ?? SSH_CLIENT_DEFAULTS.keepaliveCountMax,
        }),
    ...(options.algorithms === undefined ? {} : { algorithms: options.algorithms }),
    ...(options.debug === undefined ? {} : { debug: options.debug }),
  };
  try {
    client.connect(config);
  } catch (error) {
    // ssh2 parses the private key synchronously: a bad key or passphrase lands here.
    fail(
      new SSHKeyError(
        `The private key cannot be used: ${(error as Error).message}. Check the key file and ` +
          `its passphrase.`,
        { cause: error },
      ),
    );
  }
  return result;
}

function answerKeyboard(
  options: SSHClientOptions,
  instructions: string,
  prompts: Prompt[],
  finish: KeyboardInteractiveCallback,
): void {
  const hook = options.keyboardInteractive;
  if (typeof hook === 'function') {
    const asked = prompts.map((p) => ({ prompt: p.prompt, echo: p.echo === true }));
    maybeDeferred(
      () => hook(asked, instructions) as readonly string[] | PromiseLike<readonly string[]>,
    ).addCallbacks(
      (answers) => finish([...answers]),
      () => finish([]),
    );
    return;
  }
  finish(prompts.map(() => options.password ?? ''));
}
