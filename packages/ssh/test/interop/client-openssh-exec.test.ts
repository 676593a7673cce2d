import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { Deferred, Protocol, isTwError, type Failure } from '@tw/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { ChannelExit } from '../../src/channel/channel-transport.js';
import { KnownHosts } from '../../src/client/known-hosts.js';
import { hostKeyFromPublicKeyLine } from '../../src/client/host-key.js';
import { generateEd25519OpenSSHKey } from '../../src/server/openssh-key-format.js';
import { generateKeyPair } from '../support/throwaway-sshd.js';
import {
  opensshPresent,
  startOpenSSHFixture,
  type OpenSSHFixture,
} from '../support/openssh-fixture.js';

/** Our client against a throwaway OpenSSH sshd: auth, exec, shell with a pty, host keys. */

const text = (bytes: Uint8Array): string => Buffer.from(bytes).toString('utf8');

describe.skipIf(!opensshPresent('client-openssh-exec.test.ts'))(
  'SSH client against OpenSSH sshd',
  () => {
    let fx: OpenSSHFixture;

    beforeAll(async () => {
      fx = await startOpenSSHFixture();
    });

    afterAll(async () => {
      await fx?.stop();
    });

    it('authenticates with a key and runs a command: stdout, stderr and exit code', async () => {
      const ssh = await fx.connect();
      try {
        const result = await ssh.exec('echo out; echo err >&2; exit 3');
        expect(text(result.stdout)).toBe('out\n');
        expect(text(result.stderr)).toBe('err\n');
        expect(result.exitCode).toBe(3);
        expect(result.signal).toBeNull();
      } finally {
        await ssh.close();
      }
    });

    it('sends stdin and accepted environment variables', async () => {
      const ssh = await fx.connect();
      try {
        const piped = await ssh.exec('tr a-z A-Z', { stdin: 'hello ssh\n' });
        expect(text(piped.stdout)).toBe('HELLO SSH\n');
        const env = await ssh.exec('printf %s "$TW_GREETING"', {
          env: { TW_GREETING: 'hi there' },
        });
        expect(text(env.stdout)).toBe('hi there');
      } finally {
        await ssh.close();
      }
    });

    it('allocates a pty for exec when asked', async () => {
      const ssh = await fx.connect();
      try {
        const withPty = await ssh.exec('tty', { pty: { term: 'xterm', cols: 90, rows: 20 } });
        expect(text(withPty.stdout)).toMatch(/^\/dev\/pts\/\d+/);
        const without = await ssh.exec('tty');
        expect(text(without.stdout)).toBe('not a tty\n');
        expect(without.exitCode).toBe(1);
      } finally {
        await ssh.close();
      }
    });

    it('runs a protocol on a subsystem (sftp-server speaks first when spoken to)', async () => {
      const ssh = await fx.connect();
      const received: Uint8Array[] = [];
      const gotVersion = new Deferred<void>();
      class SFTPInit extends Protocol {
        override connectionMade(): void {
          // SSH_FXP_INIT, version 3: length 5, type 1, version 3.
          this.transport.write(new Uint8Array([0, 0, 0, 5, 1, 0, 0, 0, 3]));
        }
        override dataReceived(data: Uint8Array): void {
          received.push(data);
          if (Buffer.concat(received).length >= 9 && !gotVersion.called) gotVersion.callback();
        }
      }
      try {
        await ssh.subsystem('sftp', new SFTPInit());
        await gotVersion;
        // SSH_FXP_VERSION is type 2.
        expect(Buffer.concat(received)[4]).toBe(2);
      } finally {
        await ssh.close();
      }
    });

    it('reports a signal that killed the command', async () => {
      const ssh = await fx.connect();
      try {
        const result = await ssh.exec('kill -TERM $$');
        expect(result.exitCode).toBeNull();
        expect(result.signal).toBe('TERM');
      } finally {
        await ssh.close();
      }
    });

    it('refuses output beyond maxOutputBytes', async () => {
      const ssh = await fx.connect();
      try {
        const failure = await ssh.exec('head -c 100000 /dev/zero', { maxOutputBytes: 1000 }).then(
          () => null,
          (error: unknown) => error,
        );
        expect(isTwError(failure, 'TW_SSH_OUTPUT_TOO_LARGE')).toBe(true);
        // The connection stays usable.
        expect(text((await ssh.exec('echo still here')).stdout)).toBe('still here\n');
      } finally {
        await ssh.close();
      }
    });

    it('runs a protocol in a shell with a pty', async () => {
      const ssh = await fx.connect();
      const received: Uint8Array[] = [];
      const done = new Deferred<ChannelExit | null>();
      class ShellUser extends Protocol {
        exit: ChannelExit | null = null;
        override connectionMade(): void {
          this.transport.write(
            Buffer.from('tty; echo "cols=$(tput cols 2>/dev/null || stty size)"; exit 7\n'),
          );
        }
        override dataReceived(data: Uint8Array): void {
          received.push(data);
        }
        exitReceived(exit: ChannelExit): void {
          this.exit = exit;
        }
        override connectionLost(_reason: Failure): void {
          done.callback(this.exit);
        }
      }
      try {
        await ssh.shell(new ShellUser(), { pty: { term: 'xterm', cols: 100, rows: 30 } });
        const exit = await done;
        const output = text(Buffer.concat(received));
        expect(output).toMatch(/\/dev\/pts\/\d+/);
        expect(output).toMatch(/cols=(100|30 100)/);
        expect(exit?.status).toBe(7);
      } finally {
        await ssh.close();
      }
    });

    it('fails authentication with a key the server does not know', async () => {
      const other = generateKeyPair(join(fx.sshd.dir, 'stranger'), 'ed25519');
      const failure = await fx
        .connect({ privateKey: readFileSync(other.privateKeyPath, 'utf8') })
        .then(
          () => null,
          (error: unknown) => error,
        );
      expect(isTwError(failure, 'TW_SSH_AUTH_FAILED')).toBe(true);
      expect(String((failure as Error).message)).toContain(fx.sshd.user);
    });

    it('fails with a typed error on a bad private key', async () => {
      const failure = await fx.connect({ privateKey: 'not a key' }).then(
        () => null,
        (error: unknown) => error,
      );
      expect(isTwError(failure, 'TW_SSH_KEY_INVALID')).toBe(true);
    });

    it('refuses an unknown host, naming the fingerprint', async () => {
      const failure = await fx.connect({ knownHosts: new KnownHosts() }).then(
        () => null,
        (error: unknown) => error,
      );
      expect(isTwError(failure, 'TW_SSH_HOST_KEY_UNKNOWN')).toBe(true);
      const fingerprints = fx.sshd.hostKeys.map((k) => k.fingerprint);
      expect(fingerprints).toContain((failure as { fingerprint: string }).fingerprint);
      expect((failure as Error).message).toContain(
        (failure as { fingerprint: string }).fingerprint,
      );
    });

    it('lets a hook accept an unknown host and record it (trust on first use)', async () => {
      const knownHosts = new KnownHosts();
      const ssh = await fx.connect({
        knownHosts,
        verifyHostKey: (key, target) => {
          knownHosts.add(target.host, target.port, key, { hashed: true });
          return true;
        },
      });
      await ssh.close();
      expect(knownHosts.entries).toHaveLength(1);
      // The second time, known_hosts alone accepts it.
      const again = await fx.connect({ knownHosts });
      await again.close();
    });

    it('refuses a changed host key loudly', async () => {
      const knownHosts = new KnownHosts();
      // Another ed25519 key's SSH blob (string "ssh-ed25519" + string(32-byte key)).
      const impostor = generateEd25519OpenSSHKey('impostor').publicKey.split(' ')[1]!;
      const blob = Buffer.from(impostor, 'base64');
      knownHosts.add('127.0.0.1', fx.sshd.port, new Uint8Array(blob));
      let hookCalled = false;
      const failure = await fx
        .connect({
          knownHosts,
          verifyHostKey: () => {
            hookCalled = true;
            return true;
          },
        })
        .then(
          () => null,
          (error: unknown) => error,
        );
      expect(isTwError(failure, 'TW_SSH_HOST_KEY_CHANGED')).toBe(true);
      expect((failure as Error).message).toContain('REMOTE HOST IDENTIFICATION HAS CHANGED');
      expect(hookCalled).toBe(false);
    });

    it('refuses a host key marked @revoked', async () => {
      const lines = fx.sshd.hostKeys.map((k) => `@revoked * ${k.publicKey}`);
      const knownHosts = KnownHosts.parse([...fx.sshd.knownHostsLines, ...lines].join('\n'));
      const failure = await fx.connect({ knownHosts }).then(
        () => null,
        (error: unknown) => error,
      );
      expect(isTwError(failure, 'TW_SSH_HOST_KEY_REVOKED')).toBe(true);
    });

    it('offers the fingerprint ssh-keygen prints to the hook', async () => {
      const seen: string[] = [];
      const ssh = await fx.connect({
        knownHosts: new KnownHosts(),
        verifyHostKey: (key) => {
          seen.push(key.fingerprint);
          return true;
        },
      });
      await ssh.close();
      const expected = fx.sshd.hostKeys.map(
        (k) => hostKeyFromPublicKeyLine(k.publicKey)!.fingerprint,
      );
      expect(expected).toContain(seen[0]);
      expect(fx.sshd.hostKeys.map((k) => k.fingerprint)).toContain(seen[0]);
    });
  },
);
