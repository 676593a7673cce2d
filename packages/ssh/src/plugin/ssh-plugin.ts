// The `tw ssh` plugin. package.json names this module ("tw": { "plugins": [...] }), so `tw`
// finds it wherever @tw/ssh is installed.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

import {
  AuthorizedKeysChecker,
  listeningServices,
  PasswordFileChecker,
  Portal,
  SimpleRealm,
  type EndpointRegistry,
  type ICredentialsChecker,
  type PluginListening,
  type TwPlugin,
} from '@tw/core';

import { homeDirectoryFilesystem } from '@tw/vfs';

import { registerSSHEndpoints } from '../endpoint/register.js';
import { loadOrCreateHostKeys } from '../server/host-keys.js';
import { SSHServerFactory } from '../server/ssh-server-factory.js';
import { commandShellSessionFactory } from '../shell/command-shell.js';
import { sftpSubsystem } from '../sftp/sftp-subsystem.js';
import { systemShellSessionFactory } from '../shell/system-shell.js';
import { forwardingPolicyFromPatterns } from './forwarding-patterns.js';
import {
  DEMO_KEY_FILE,
  HOST_KEY_ALIAS,
  KNOWN_HOSTS_FILE,
  prepareSSHDataDir,
  writeKnownHosts,
} from './ssh-data-dir.js';

/** Where `tw ssh` listens without --listen. */
export const DEFAULT_SSH_LISTEN = 'tcp:7022:interface=127.0.0.1';

/** The options of `tw ssh`, as `tw` parses them. */
export interface SSHPluginOptions extends Record<string, unknown> {
  readonly listen: readonly string[];
  readonly hostKeyDir?: string;
  readonly authorizedKeys?: string;
  readonly passwordFile?: string;
  readonly exec: string;
  readonly allowForwarding: readonly string[];
  readonly allowRemoteForwarding: boolean;
  readonly sftp: boolean;
  readonly homeDir?: string;
  readonly maxAuthAttempts: number;
  readonly maxConnectionsPerPeer: number;
  readonly idleTimeout: number;
  readonly banner?: string;
}

/** What makeService learnt that connectHint needs (it is not told the data directory). */
const hintState = { dataDir: null as string | null };

/** `tw ssh`: an SSH server with the command shell (or the system shell with --exec system). */
export const sshPlugin: TwPlugin<SSHPluginOptions> = {
  name: 'ssh',
  description:
    'SSH server (password and public-key login, a safe command shell; opt-in system shell)',
  options: [
    {
      name: 'listen',
      type: 'endpoint[]',
      help: 'where to listen (tcp:…, unix:…, tls:… for SSH over TLS)',
      default: [DEFAULT_SSH_LISTEN],
    },
    {
      name: 'hostKeyDir',
      type: 'path',
      help: 'directory of the host keys, generated on first start (default: <data dir>/ssh)',
    },
    {
      name: 'authorizedKeys',
      type: 'string',
      help: 'authorized_keys file of each user, %u is the user name (default: <data dir>/home/%u/.ssh/authorized_keys)',
    },
    {
      name: 'passwordFile',
      type: 'path',
      help: 'scrypt password file (see `tw passwd`) for password logins (default: <data dir>/passwd)',
    },
    {
      name: 'exec',
      type: 'string',
      help: 'what shell and exec requests run: "shell" (the built-in command shell) or "system" (sh -c as this user, like sshd)',
      default: 'shell',
    },
    {
      name: 'allowForwarding',
      type: 'string[]',
      help: 'direct-tcpip (ssh -L/-W) destinations allowed, as host:port (* for any host or port); none by default',
      default: [],
    },
    {
      name: 'allowRemoteForwarding',
      type: 'boolean',
      help: 'let users forward a port of this host back to them (ssh -R), on the loopback address, ports 1024 and up',
      default: false,
    },
    {
      name: 'sftp',
      type: 'boolean',
      help: 'serve SFTP, each user in their home directory',
      default: true,
    },
    {
      name: 'homeDir',
      type: 'path',
      help: 'directory holding one home directory per user, for SFTP (default: <data dir>/home)',
    },
    {
      name: 'maxAuthAttempts',
      type: 'number',
      help: 'failed logins on one connection before it is dropped',
      default: 6,
    },
    {
      name: 'maxConnectionsPerPeer',
      type: 'number',
      help: 'simultaneous connections from one address (0: no limit)',
      default: 10,
    },
    {
      name: 'idleTimeout',
      type: 'number',
      help: 'seconds a connection may stay open without any channel before it is dropped (0: never)',
      default: 3600,
    },
    { name: 'banner', type: 'string', help: 'text shown to clients before they log in' },
  ],

  makeService(options, { reactor, log, dataDir, services }) {
    if (options.exec !== 'shell' && options.exec !== 'system') {
      throw new Error(`--exec must be "shell" or "system", not ${JSON.stringify(options.exec)}.`);
    }
    hintState.dataDir = dataDir;
    const hostKeys = loadOrCreateHostKeys(options.hostKeyDir ?? join(dataDir, 'ssh'));
    writeKnownHosts(dataDir, hostKeys);

    const checkers: ICredentialsChecker[] = [];
    const passwordFile = options.passwordFile ?? join(dataDir, 'passwd');
    if (existsSync(passwordFile)) checkers.push(new PasswordFileChecker(passwordFile));
    else log.warn('No password file at {path}: password logins are off', { path: passwordFile });
    const pattern =
      options.authorizedKeys ?? join(dataDir, 'home', '%u', '.ssh', 'authorized_keys');
    checkers.push(
      new AuthorizedKeysChecker((username) => pattern.replaceAll('%u', username), { logger: log }),
    );
    const realm = new SimpleRealm({ 'ssh.avatar': (id) => ({ username: String(id) }) });
    const portal = new Portal(realm, checkers, { reactor, logger: log });

    const sessionFactory =
      options.exec === 'system'
        ? systemShellSessionFactory(reactor)
        : commandShellSessionFactory(reactor, services === undefined ? {} : { services });
    const homes = options.homeDir ?? join(dataDir, 'home');
    mkdirSync(homes, { recursive: true, mode: 0o700 });
    const homeFor = homeDirectoryFilesystem(homes);
    const factory = new SSHServerFactory(reactor, {
      hostKeys,
      portal,
      sessionFactory,
      subsystems: options.sftp
        ? [sftpSubsystem({ filesystemFor: ({ username }) => homeFor(username) })]
        : [],
      forwardingPolicy: forwardingPolicyFromPatterns(options.allowForwarding),
      remoteForwardingPolicy: options.allowRemoteForwarding ? () => true : null,
      maxAuthAttempts: options.maxAuthAttempts,
      maxConnectionsPerPeer:
        options.maxConnectionsPerPeer > 0 ? options.maxConnectionsPerPeer : null,
      idleTimeout: options.idleTimeout > 0 ? options.idleTimeout : null,
      ...(options.banner === undefined ? {} : { banner: options.banner }),
      log,
    });
    return listeningServices(reactor, options.listen, factory, log);
  },

  connectHint(listening: PluginListening): string {
    const address = listening.address;
    const plainTCP =
      /^tcp6?:/.test(listening.endpoint) &&
      (address.family === 'IPv4' || address.family === 'IPv6');
    const parts = ['ssh'];
    let target = `demo@${HOST_KEY_ALIAS}`;
    if (plainTCP) {
      parts.push('-p', String(address.port));
      target = `demo@${address.host}`;
    } else if (listening.clientEndpoint !== null) {
      // SSH over TLS, a Unix socket, …: OpenSSH reaches it through `tw connect` as its proxy.
      parts.push(
        '-o',
        shellQuote(`ProxyCommand=${listening.twCommand} connect ${listening.clientEndpoint}`),
      );
    } else {
      return `${listening.twCommand} connect ${listening.endpoint}`;
    }
    const dataDir = hintState.dataDir;
    if (dataDir !== null) {
      const key = join(dataDir, DEMO_KEY_FILE);
      if (existsSync(key)) parts.push('-i', shellQuote(key), '-o', 'IdentitiesOnly=yes');
      parts.push(
        '-o',
        shellQuote(`UserKnownHostsFile=${join(dataDir, KNOWN_HOSTS_FILE)}`),
        '-o',
        `HostKeyAlias=${HOST_KEY_ALIAS}`,
      );
    }
    parts.push(target);
    return parts.join(' ');
  },

  registerEndpoints(registry: EndpointRegistry): void {
    registerSSHEndpoints(registry, { replace: true });
  },

  prepareDataDir(dataDir: string): Promise<void> {
    return prepareSSHDataDir(dataDir);
  },
};

function shellQuote(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replaceAll("'", "'\\''")}'`;
}

export default sshPlugin;
