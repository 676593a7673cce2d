import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  EndpointDescriptionError,
  EndpointRegistry,
  UnknownEndpointKeywordError,
  clientFromString,
  createDefaultEndpointRegistry,
  quoteStringArgument,
} from '@tw/core';
import { MemoryReactor } from '@tw/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { KnownHosts } from '../../src/client/known-hosts.js';
import { SSHClientEndpoint } from '../../src/endpoint/ssh-client-endpoint.js';
import { registerSSHEndpoints, sshOptionsFrom } from '../../src/endpoint/register.js';

/** Parsing ssh: descriptions into endpoints and client options (no network). */

describe('ssh: endpoint descriptions', () => {
  const reactor = new MemoryReactor();
  const registry = createDefaultEndpointRegistry();
  registerSSHEndpoints(registry);
  let dir: string;
  let key: string;
  let knownHostsPath: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tw-ssh-endpoint-'));
    key = join(dir, 'id_test');
    writeFileSync(key, '-----BEGIN OPENSSH PRIVATE KEY-----\nnot really\n');
    knownHostsPath = join(dir, 'known_hosts');
    writeFileSync(knownHostsPath, '');
  });

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  const parse = (description: string) => clientFromString(reactor, description, { registry });
  const base = (): string =>
    `ssh:host=example.org:user=me:identity=${quoteStringArgument(key)}` +
    `:knownHosts=${quoteStringArgument(knownHostsPath)}`;

  it('is not registered until registerSSHEndpoints is called', () => {
    expect(() =>
      clientFromString(reactor, `${base()}:command=true`, { registry: new EndpointRegistry() }),
    ).toThrow();
  });

  it('builds an endpoint running a command, or a direct-tcpip hop', () => {
    const command = parse(`${base()}:command=${quoteStringArgument('nc 127.0.0.1 6667')}:pty=yes`);
    expect(command).toBeInstanceOf(SSHClientEndpoint);
    expect((command as SSHClientEndpoint).target).toEqual({
      command: 'nc 127.0.0.1 6667',
      pty: true,
    });
    const forward = parse(`${base()}:forward=${quoteStringArgument('[::1]:8080')}`);
    expect((forward as SSHClientEndpoint).target).toEqual({ forward: { host: '::1', port: 8080 } });
  });

  it('reads secrets from named environment variables only', () => {
    process.env['TW_TEST_SSH_PASSWORD'] = 'from-env';
    try {
      const context = {
        kind: 'client' as const,
        scheme: 'ssh',
        description: 'ssh:…',
        registry: new EndpointRegistry(),
        values: {
          host: 'example.org',
          port: '2222',
          user: 'me',
          passwordEnv: 'TW_TEST_SSH_PASSWORD',
          agent: 'yes',
          knownHosts: knownHostsPath,
          timeout: '7',
          keepalive: '15',
        },
      };
      const options = sshOptionsFrom(context);
      expect(options.password).toBe('from-env');
      expect(options.agent).toBe(true);
      expect(options.port).toBe(2222);
      expect(options.handshakeTimeout).toBe(7);
      expect(options.keepaliveInterval).toBe(15);
      expect(options.knownHosts).toBeInstanceOf(KnownHosts);
      expect(options.verifyHostKey).toBeUndefined();
    } finally {
      delete process.env['TW_TEST_SSH_PASSWORD'];
    }
    expect(() => parse(`${base()}:password=secret:command=true`)).toThrow(
      UnknownEndpointKeywordError,
    );
  });

  it('rejects descriptions that cannot work', () => {
    expect(() => parse(base())).toThrow(EndpointDescriptionError);
    expect(() => parse(`${base()}:command=true:forward=a\\:1`)).toThrow(/exactly one/);
    expect(() => parse(`${base()}:forward=nohostport`)).toThrow(/HOST:PORT/);
    expect(() => parse(`ssh:user=me:identity=${quoteStringArgument(key)}:command=true`)).toThrow(
      /host= is required/,
    );
    expect(() => parse(`ssh:host=h:user=me:command=true`)).toThrow(/a way to authenticate/);
    expect(() => parse(`ssh:host=h:user=me:identity=/no/such/key:command=true`)).toThrow(
      /cannot read/,
    );
    expect(() =>
      parse(`ssh:host=h:user=me:passwordEnv=TW_SURELY_UNSET_VARIABLE:command=true`),
    ).toThrow(/TW_SURELY_UNSET_VARIABLE/);
    expect(() => parse(`${base()}:port=99999:command=true`)).toThrow(EndpointDescriptionError);
  });
});
