import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

import {
  EndpointDescriptionError,
  HostnameEndpoint,
  defaultEndpointRegistry,
  flagArgument,
  hostArgument,
  portArgument,
  secondsArgument,
  type EndpointParseContext,
  type EndpointParser,
  type EndpointRegistry,
  type HostnameEndpointReactor,
  type IStreamClientEndpoint,
  type RegisterOptions,
} from '@tw/core';

import type { HostKeyTarget } from '../client/errors.js';
import type { RemoteHostKey } from '../client/host-key.js';
import { KnownHosts } from '../client/known-hosts.js';
import type { SSHClientOptions } from '../client/options.js';
import { SSHClientEndpoint, type SSHEndpointTarget } from './ssh-client-endpoint.js';

const KEYWORDS = [
  'host',
  'port',
  'user',
  'identity',
  'passphraseEnv',
  'passwordEnv',
  'agent',
  'knownHosts',
  'hostKeyAlias',
  'acceptNewHostKeys',
  'command',
  'pty',
  'forward',
  'timeout',
  'keepalive',
] as const;

const USAGE =
  'ssh:host=HOST[:port=22]:user=NAME[:identity=KEYFILE][:passphraseEnv=VAR][:passwordEnv=VAR]' +
  '[:agent=SOCKET|yes][:knownHosts=FILE][:hostKeyAlias=NAME][:acceptNewHostKeys=yes]' +
  '[:timeout=SECONDS]' +
  '[:keepalive=SECONDS]:command=COMMAND[:pty=yes]  or  …:forward=HOST\\:PORT';

function fail(context: EndpointParseContext, message: string): never {
  throw new EndpointDescriptionError(context.description, `${message} Usage: ${USAGE}`);
}

function envValue(context: EndpointParseContext, keyword: string): string | undefined {
  const name = context.values[keyword];
  if (name === undefined) return undefined;
  const value = process.env[name];
  if (value === undefined)
    fail(context, `${keyword}: the environment variable ${name} is not set.`);
  return value;
}

function targetFrom(context: EndpointParseContext): SSHEndpointTarget {
  const { command, forward, pty } = context.values;
  if ((command === undefined) === (forward === undefined)) {
    fail(context, 'give exactly one of command= or forward=.');
  }
  if (command !== undefined) {
    return { command, pty: pty === undefined ? false : flagArgument(context, 'pty', pty) };
  }
  const match = /^(.+):(\d+)$/.exec(forward!);
  if (match === null) fail(context, 'forward= must be HOST:PORT (escape the colon: host\\:port).');
  return {
    forward: {
      host: hostArgument(context, 'forward', match[1]!.replace(/^\[(.*)\]$/, '$1')),
      port: portArgument(context, 'forward', match[2]!),
    },
  };
}

function readKey(context: EndpointParseContext, path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    return fail(
      context,
      `identity: cannot read ${JSON.stringify(path)}: ${(error as Error).message}.`,
    );
  }
}

/** With acceptNewHostKeys: record an unknown host's key in the file (hashed), like accept-new. */
function acceptNew(knownHosts: KnownHosts, path: string) {
  return (key: RemoteHostKey, target: HostKeyTarget): boolean => {
    knownHosts.add(target.host, target.port, key, { hashed: true });
    knownHosts.save(path);
    return true;
  };
}

/** Build the SSHClientOptions an ssh: description asks for. */
export function sshOptionsFrom(context: EndpointParseContext): SSHClientOptions {
  const values = context.values;
  const host = values['host'] ?? fail(context, 'host= is required.');
  const port = values['port'] === undefined ? 22 : portArgument(context, 'port', values['port']);
  const username = values['user'] ?? process.env['USER'] ?? fail(context, 'user= is required.');
  const knownHostsPath = values['knownHosts'] ?? join(homedir(), '.ssh', 'known_hosts');
  const knownHosts = KnownHosts.load(knownHostsPath);
  const acceptNewKeys =
    values['acceptNewHostKeys'] !== undefined &&
    flagArgument(context, 'acceptNewHostKeys', values['acceptNewHostKeys']);
  const password = envValue(context, 'passwordEnv');
  const passphrase = envValue(context, 'passphraseEnv');
  const agent = values['agent'];
  if (password === undefined && values['identity'] === undefined && agent === undefined) {
    fail(context, 'give a way to authenticate: identity=, agent= or passwordEnv=.');
  }
  return {
    username,
    host: hostArgument(context, 'host', host),
    port,
    knownHosts,
    ...(values['hostKeyAlias'] === undefined ? {} : { hostKeyAlias: values['hostKeyAlias'] }),
    ...(acceptNewKeys ? { verifyHostKey: acceptNew(knownHosts, knownHostsPath) } : {}),
    ...(password === undefined ? {} : { password }),
    ...(passphrase === undefined ? {} : { passphrase }),
    ...(values['identity'] === undefined
      ? {}
      : { privateKey: readKey(context, values['identity']) }),
    ...(agent === undefined ? {} : { agent: agent === 'yes' ? true : agent }),
    ...(values['timeout'] === undefined
      ? {}
      : { handshakeTimeout: secondsArgument(context, 'timeout', values['timeout']) }),
    ...(values['keepalive'] === undefined
      ? {}
      : { keepaliveInterval: secondsArgument(context, 'keepalive', values['keepalive']) }),
  };
}

const parser: EndpointParser<IStreamClientEndpoint> = {
  positional: [],
  keywords: KEYWORDS,
  usage: USAGE,
  parse: (reactor, _args, _kwargs, context) => {
    const target = targetFrom(context);
    const options = sshOptionsFrom(context);
    const server = new HostnameEndpoint(
      reactor as HostnameEndpointReactor,
      options.host!,
      options.port!,
      options.handshakeTimeout === undefined ? {} : { timeout: options.handshakeTimeout },
    );
    return new SSHClientEndpoint(reactor, server, options, target);
  },
};

/**
 * Register the `ssh:` client endpoint scheme (in `registry`, default: @tw/core's
 * defaultEndpointRegistry). An explicit call, never an import side effect. Afterwards
 * `clientFromString(reactor, 'ssh:host=h:user=me:identity=/k:command=nc 127.0.0.1 6667')`
 * connects any protocol factory to the command's stdio on that host. Passwords and passphrases
 * never go in the string: name an environment variable (`passwordEnv=VAR`). known_hosts defaults
 * to ~/.ssh/known_hosts; an unknown host is refused unless `acceptNewHostKeys=yes`.
 */
export function registerSSHEndpoints(
  registry: EndpointRegistry = defaultEndpointRegistry,
  options: RegisterOptions = {},
): void {
  registry.registerClientEndpointParser('ssh', parser, options);
}
