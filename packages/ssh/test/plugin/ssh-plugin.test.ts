import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Logger } from '@tw/core';
import { MemoryReactor } from '@tw/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { loadOrCreateHostKeys } from '../../src/index.js';
import { forwardingPolicyFromPatterns } from '../../src/plugin/forwarding-patterns.js';
import sshPlugin, { type SSHPluginOptions } from '../../src/plugin/ssh-plugin.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tw-ssh-plugin-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const options = (extra: Partial<SSHPluginOptions> = {}): SSHPluginOptions => ({
  listen: ['tcp:0:interface=127.0.0.1'],
  exec: 'shell',
  allowForwarding: [],
  allowRemoteForwarding: false,
  sftp: true,
  maxAuthAttempts: 6,
  maxConnectionsPerPeer: 10,
  idleTimeout: 3600,
  ...extra,
});

describe('host keys', () => {
  it('generates ed25519 and RSA keys with mode 0600 and reuses them on restart', () => {
    const first = loadOrCreateHostKeys(join(dir, 'keys'), { rsaBits: 2048 });
    expect(first.map((key) => key.type)).toEqual(['ed25519', 'rsa']);
    expect(first[0]!.publicKey).toMatch(/^ssh-ed25519 AAAA/);
    expect(first[1]!.publicKey).toMatch(/^ssh-rsa AAAA/);
    for (const key of first) {
      expect(statSync(key.path).mode & 0o777).toBe(0o600);
      expect(readFileSync(key.path, 'utf8')).toContain('BEGIN OPENSSH PRIVATE KEY');
    }
    const again = loadOrCreateHostKeys(join(dir, 'keys'));
    expect(again.map((key) => key.publicKey)).toEqual(first.map((key) => key.publicKey));
  });

  it('refuses a damaged key file with an error saying what to do', () => {
    loadOrCreateHostKeys(join(dir, 'keys'), { rsaBits: 2048 });
    writeFileSync(join(dir, 'keys', 'ssh_host_ed25519_key'), 'not a key');
    expect(() => loadOrCreateHostKeys(join(dir, 'keys'))).toThrow(/delete it/);
  });
});

describe('the tw ssh plugin', () => {
  it('prepares a demo key authorized for demo, without overwriting on a second run', async () => {
    await sshPlugin.prepareDataDir!(dir);
    const key = readFileSync(join(dir, 'ssh', 'demo_ed25519'), 'utf8');
    expect(statSync(join(dir, 'ssh', 'demo_ed25519')).mode & 0o777).toBe(0o600);
    const authorized = readFileSync(join(dir, 'home', 'demo', '.ssh', 'authorized_keys'), 'utf8');
    expect(authorized).toBe(readFileSync(join(dir, 'ssh', 'demo_ed25519.pub'), 'utf8'));
    await sshPlugin.prepareDataDir!(dir);
    expect(readFileSync(join(dir, 'ssh', 'demo_ed25519'), 'utf8')).toBe(key);
  });

  it('makes a service, writes known_hosts and prints an ssh command that trusts it', async () => {
    await sshPlugin.prepareDataDir!(dir);
    const reactor = new MemoryReactor();
    await sshPlugin.makeService(options(), { reactor, log: new Logger('test'), dataDir: dir });
    const knownHosts = readFileSync(join(dir, 'ssh', 'known_hosts'), 'utf8');
    expect(knownHosts).toMatch(/^tw-ssh ssh-ed25519 AAAA\S+\ntw-ssh ssh-rsa AAAA\S+\n$/);
    const hint = sshPlugin.connectHint!({
      endpoint: 'tcp:7022:interface=127.0.0.1',
      address: { family: 'IPv4', type: 'TCP', host: '127.0.0.1', port: 7022 },
      clientEndpoint: 'tcp:host=127.0.0.1:port=7022',
      twCommand: 'tw',
    });
    expect(hint).toBe(
      `ssh -p 7022 -i ${join(dir, 'ssh', 'demo_ed25519')} -o IdentitiesOnly=yes ` +
        `-o UserKnownHostsFile=${join(dir, 'ssh', 'known_hosts')} -o HostKeyAlias=tw-ssh demo@127.0.0.1`,
    );
  });

  it("hints at tw connect as ssh's ProxyCommand for SSH over TLS or a Unix socket", async () => {
    await sshPlugin.makeService(options(), {
      reactor: new MemoryReactor(),
      log: new Logger('test'),
      dataDir: dir,
    });
    const hint = sshPlugin.connectHint!({
      endpoint: 'unix:/run/tw-ssh.sock',
      address: { family: 'UNIX', path: '/run/tw-ssh.sock' },
      clientEndpoint: 'unix:path=/run/tw-ssh.sock',
      twCommand: 'tw',
    });
    expect(hint).toMatch(
      /^ssh -o 'ProxyCommand=tw connect unix:path=\/run\/tw-ssh\.sock' -o UserKnownHostsFile=\S+ -o HostKeyAlias=tw-ssh demo@tw-ssh$/,
    );
  });

  it('rejects an unknown --exec mode', () => {
    expect(() =>
      sshPlugin.makeService(options({ exec: 'python' }), {
        reactor: new MemoryReactor(),
        log: new Logger('test'),
        dataDir: dir,
      }),
    ).toThrow(/--exec must be "shell" or "system"/);
  });
});

describe('forwarding patterns', () => {
  const request = (destHost: string, destPort: number) =>
    ({ destHost, destPort, originHost: '127.0.0.1', originPort: 1, username: 'demo' }) as const;

  it('is off without patterns', () => {
    expect(forwardingPolicyFromPatterns([])).toBeNull();
  });

  it('matches host and port, with * for either', () => {
    const policy = forwardingPolicyFromPatterns([
      '127.0.0.1:8080',
      '*:443',
      'db.local:*',
      '[::1]:22',
    ])!;
    expect(policy(request('127.0.0.1', 8080), null)).toBe(true);
    expect(policy(request('127.0.0.1', 8081), null)).toBe(false);
    expect(policy(request('example.org', 443), null)).toBe(true);
    expect(policy(request('DB.local', 5432), null)).toBe(true);
    expect(policy(request('::1', 22), null)).toBe(true);
  });

  it('rejects a malformed pattern', () => {
    expect(() => forwardingPolicyFromPatterns(['localhost'])).toThrow(/not host:port/);
  });
});
