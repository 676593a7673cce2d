import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { hostKeyFromPublicKeyLine } from '../../src/client/host-key.js';
import { KnownHosts } from '../../src/client/known-hosts.js';
import { opensshPresent } from '../support/openssh-fixture.js';
import { startThrowawaySshd, type ThrowawaySshd } from '../support/throwaway-sshd.js';

/**
 * known_hosts files shared with OpenSSH: what ssh-keygen -H writes we read, what we write
 * (hashed) ssh-keygen -F and ssh itself accept. Also checks the throwaway sshd helper.
 */

const run = (file: string, args: string[]): string =>
  execFileSync(file, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

describe.skipIf(!opensshPresent('client-known-hosts-openssh.test.ts'))(
  'known_hosts interop with OpenSSH',
  () => {
    let sshd: ThrowawaySshd;

    beforeAll(async () => {
      sshd = await startThrowawaySshd({ clientKey: true });
    });

    afterAll(async () => {
      await sshd?.stop();
    });

    it('reads what ssh-keygen -H hashes', () => {
      const file = join(sshd.dir, 'hashed_by_keygen');
      writeFileSync(file, sshd.knownHostsLines.join('\n') + '\n');
      run('/usr/bin/ssh-keygen', ['-H', '-f', file]);
      const text = readFileSync(file, 'utf8');
      expect(text).not.toContain('127.0.0.1');
      const knownHosts = KnownHosts.parse(text);
      for (const hostKey of sshd.hostKeys) {
        const key = hostKeyFromPublicKeyLine(hostKey.publicKey)!;
        expect(knownHosts.check('127.0.0.1', sshd.port, key)).toBe('match');
        expect(knownHosts.check('127.0.0.1', 22, key)).toBe('unknown');
      }
    });

    it('writes hashed entries that ssh-keygen -F and ssh accept', () => {
      const file = join(sshd.dir, 'written_by_us');
      const knownHosts = new KnownHosts();
      for (const hostKey of sshd.hostKeys) {
        knownHosts.add('127.0.0.1', sshd.port, hostKeyFromPublicKeyLine(hostKey.publicKey)!, {
          hashed: true,
        });
      }
      knownHosts.save(file);
      const found = run('/usr/bin/ssh-keygen', ['-F', `[127.0.0.1]:${sshd.port}`, '-f', file]);
      expect(found).toContain(`found: line 1`);
      const out = run('/usr/bin/ssh', [
        '-i',
        sshd.clientKey!.privateKeyPath,
        '-p',
        String(sshd.port),
        '-o',
        'BatchMode=yes',
        '-o',
        'StrictHostKeyChecking=yes',
        '-o',
        `UserKnownHostsFile=${file}`,
        '-o',
        'GlobalKnownHostsFile=/dev/null',
        `${sshd.user}@127.0.0.1`,
        'echo accepted',
      ]);
      expect(out).toBe('accepted\n');
    });

    it('the throwaway sshd reports the fingerprints ssh-keygen computes', () => {
      for (const hostKey of sshd.hostKeys) {
        const printed = run('/usr/bin/ssh-keygen', [
          '-l',
          '-E',
          'sha256',
          '-f',
          `${hostKey.privateKeyPath}.pub`,
        ]);
        expect(printed).toContain(hostKey.fingerprint);
      }
    });

    it('stop() ends sshd and removes its directory', async () => {
      const other = await startThrowawaySshd();
      await other.stop();
      expect(existsSync(other.dir)).toBe(false);
      const refused = await new Promise<string | undefined>((resolve) => {
        const socket = createConnection({ host: '127.0.0.1', port: other.port });
        socket.once('connect', () => {
          socket.destroy();
          resolve(undefined);
        });
        socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code));
      });
      expect(refused).toBe('ECONNREFUSED');
    });
  },
);
