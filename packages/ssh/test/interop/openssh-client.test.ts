/**
 * OpenSSH's `ssh` (openssh-client) against `tw ssh`: public-key and password logins, a refused
 * password, exec with stdout/stderr/exit status, the command shell with and without a pty,
 * direct-tcpip (ssh -W, -L) and tcpip-forward (ssh -R) refused by default and relayed when allowed.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { generateSelfSignedCertificate } from '@tw/core';

import { exchangeOverTCP, freeTCPPort, startPeerProcess } from '@tw/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { opensshClientPresent } from '../support/interop-setup.js';
import { runProgram, startTwSSH, type RunningSSHServer } from '../server/openssh-harness.js';

const present = opensshClientPresent('openssh-client.test.ts');

describe.skipIf(!present)('OpenSSH ssh against tw ssh (command shell)', () => {
  let server: RunningSSHServer;
  beforeAll(async () => {
    server = await startTwSSH();
  });
  afterAll(async () => {
    await server?.stop();
  });

  const ssh = (args: string[], options: { input?: string; env?: NodeJS.ProcessEnv } = {}) =>
    runProgram('ssh', args, options);

  it('logs in with a public key and runs a command', async () => {
    const result = await ssh([...server.sshOptions, 'demo@127.0.0.1', 'whoami']);
    expect(result).toMatchObject({ code: 0, stdout: 'demo\n' });
  });

  it('logs in with a password read through SSH_ASKPASS', async () => {
    const result = await ssh([...server.passwordOptions, 'demo@127.0.0.1', 'whoami'], {
      env: server.askpassEnv('demo'),
    });
    expect(result.stderr).toBe('');
    expect(result).toMatchObject({ code: 0, stdout: 'demo\n' });
  });

  it('logs in through keyboard-interactive with a password prompt', async () => {
    const options = server.passwordOptions.map((option) =>
      option === 'PreferredAuthentications=password'
        ? 'PreferredAuthentications=keyboard-interactive'
        : option,
    );
    const result = await runProgram('ssh', [...options, 'demo@127.0.0.1', 'whoami'], {
      env: server.askpassEnv('demo'),
    });
    expect(result).toMatchObject({ code: 0, stdout: 'demo\n' });
  });

  it('offers no SHA-1: ssh-rsa signatures and hmac-sha1 are refused, rsa-sha2-512 works', async () => {
    const sha1Mac = await ssh([
      ...server.sshOptions,
      '-o',
      'MACs=hmac-sha1',
      '-o',
      'Ciphers=aes128-ctr',
      'demo@127.0.0.1',
      'whoami',
    ]);
    expect(sha1Mac.code).toBe(255);
    expect(sha1Mac.stderr).toMatch(/no matching MAC/);
    const sha1HostKey = await ssh([
      ...server.sshOptions,
      '-o',
      'HostKeyAlgorithms=ssh-rsa',
      'demo@127.0.0.1',
      'whoami',
    ]);
    expect(sha1HostKey.code).toBe(255);
    expect(sha1HostKey.stderr).toMatch(/no matching host key type/);
    // The RSA host key itself is fine, signed with SHA-2.
    const sha2 = await ssh([
      ...server.sshOptions,
      '-o',
      'HostKeyAlgorithms=rsa-sha2-512',
      '-o',
      'StrictHostKeyChecking=no',
      '-o',
      'UserKnownHostsFile=/dev/null',
      'demo@127.0.0.1',
      'whoami',
    ]);
    expect(sha2).toMatchObject({ code: 0, stdout: 'demo\n' });
  });

  it('refuses a wrong password', async () => {
    const result = await ssh([...server.passwordOptions, 'demo@127.0.0.1', 'whoami'], {
      env: server.askpassEnv('not the password'),
    });
    expect(result.code).toBe(255);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/Permission denied/);
  });

  it('refuses a key that is not authorized', async () => {
    const options = server.sshOptions.slice(0, -1); // drop the demo key's path (the last option)
    const result = await ssh([
      ...options,
      `${server.dataDir}/ssh/ssh_host_ed25519_key`,
      'demo@127.0.0.1',
      'whoami',
    ]);
    expect(result.code).toBe(255);
    expect(result.stderr).toMatch(/Permission denied/);
  });

  it('reports an unknown command on stderr with exit status 127', async () => {
    const result = await ssh([...server.sshOptions, 'demo@127.0.0.1', 'no-such-command']);
    expect(result.code).toBe(127);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('tw: no-such-command: command not found');
  });

  it('runs the command shell without a pty, line by line, with the exit status of exit', async () => {
    const result = await ssh([...server.sshOptions, '-T', 'demo@127.0.0.1'], {
      input: 'whoami\nuptime\nexit 3\nwhoami\n',
    });
    expect(result.code).toBe(3);
    expect(result.stdout).toMatch(/^Welcome to tw, demo\.[^\n]*\ndemo\nup \d+ seconds?\n$/);
  });

  it('runs the line-edited command shell on a pty (ssh -tt)', async () => {
    // "whoamx", backspace, "i": the editor must have erased the x before running the line.
    const result = await ssh([...server.sshOptions, '-tt', 'demo@127.0.0.1'], {
      input: 'whoamx\u007fi\rexit 4\r',
    });
    expect(result.code).toBe(4);
    expect(result.stdout).toContain('demo@tw> ');
    expect(result.stdout).toContain('\b \b');
    expect(result.stdout).toContain('whoamx\b \bi\r\ndemo\r\n');
    expect(result.stdout).toContain('logout');
  });

  it("serves SFTP in the user's home directory (sftp -b)", async () => {
    const result = await runProgram(
      'sftp',
      ['-b', '-', '-P', String(server.port), ...server.keyOptions, 'demo@127.0.0.1'],
      {
        input: 'mkdir uploads\nls -1\npwd\n',
      },
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/uploads/);
    expect(existsSync(join(server.dataDir, 'home', 'demo', 'uploads'))).toBe(true);
  });

  it('refuses direct-tcpip (ssh -W) by default', async () => {
    const result = await ssh([
      ...server.sshOptions,
      '-W',
      `127.0.0.1:${server.port}`,
      'demo@127.0.0.1',
    ]);
    expect(result.code).toBe(255);
    expect(result.stderr).toMatch(/administratively prohibited|open failed/);
  });

  it('refuses remote forwarding (ssh -R) by default', async () => {
    const port = await freeTCPPort();
    const result = await ssh([
      ...server.sshOptions,
      '-N',
      '-o',
      'ExitOnForwardFailure=yes',
      '-R',
      `127.0.0.1:${port}:127.0.0.1:${server.port}`,
      'demo@127.0.0.1',
    ]);
    expect(result.code).toBe(255);
    expect(result.stderr).toMatch(/remote port forwarding failed/);
  });
});

describe.skipIf(!present)('OpenSSH ssh -W through tw ssh with forwarding allowed', () => {
  let server: RunningSSHServer;
  let echo: Server;
  let echoPort = 0;
  beforeAll(async () => {
    echo = createServer((socket) => socket.pipe(socket));
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    echoPort = (echo.address() as { port: number }).port;
    server = await startTwSSH({
      allowForwarding: [`127.0.0.1:${echoPort}`],
      allowRemoteForwarding: true,
    });
  });
  afterAll(async () => {
    await server?.stop();
    await new Promise((resolve) => echo?.close(resolve));
  });

  it('relays to an allowed destination', async () => {
    const result = await runProgram(
      'ssh',
      [...server.sshOptions, '-W', `127.0.0.1:${echoPort}`, 'demo@127.0.0.1'],
      {
        input: 'ping through ssh\n',
      },
    );
    expect(result.stdout).toBe('ping through ssh\n');
    expect(result.code).toBe(0);
  });

  /**
   * Run `ssh -N <flag> 127.0.0.1:PORT:127.0.0.1:<echo>` and send a line through PORT, which
   * `ssh -L` listens on itself and `ssh -R` has tw ssh listen on; resolves what came back.
   */
  async function throughForward(flag: '-L' | '-R', text: string): Promise<string> {
    const port = await freeTCPPort();
    const child = startPeerProcess('ssh', [
      ...server.sshOptions,
      '-N',
      '-o',
      'ExitOnForwardFailure=yes',
      flag,
      `127.0.0.1:${port}:127.0.0.1:${echoPort}`,
      'demo@127.0.0.1',
    ]);
    try {
      await child.waitForPort(port);
      return await exchangeOverTCP(port, text);
    } finally {
      await child.stop();
    }
  }

  it('forwards a local port (ssh -L) to an allowed destination', async () => {
    expect(await throughForward('-L', 'hello through -L\n')).toBe('hello through -L\n');
  });

  it('forwards a port of the server back to the client (ssh -R)', async () => {
    expect(await throughForward('-R', 'hello through -R\n')).toBe('hello through -R\n');
  });

  it('still refuses other destinations', async () => {
    const result = await runProgram('ssh', [
      ...server.sshOptions,
      '-W',
      `127.0.0.1:${server.port}`,
      'demo@127.0.0.1',
    ]);
    expect(result.code).toBe(255);
    expect(result.stderr).toMatch(/administratively prohibited|open failed/);
  });
});

describe.skipIf(!present)(
  'OpenSSH ssh to tw ssh over a Unix socket and over TLS (ProxyCommand)',
  () => {
    let server: RunningSSHServer;
    let files: string;
    beforeAll(async () => {
      files = mkdtempSync(join(tmpdir(), 'tw-ssh-proxy-'));
      const { key, cert } = generateSelfSignedCertificate({ commonName: 'localhost' });
      writeFileSync(join(files, 'key.pem'), key, { mode: 0o600 });
      writeFileSync(join(files, 'cert.pem'), cert);
      server = await startTwSSH({
        listen: [
          `unix:${join(files, 'ssh.sock')}`,
          `tls:0:interface=127.0.0.1:privateKey=${join(files, 'key.pem')}:certKey=${join(files, 'cert.pem')}`,
        ],
      });
    });
    afterAll(async () => {
      await server?.stop();
      if (files !== undefined) rmSync(files, { recursive: true, force: true });
    });

    /** A ProxyCommand in node: stdin/stdout to a Unix socket or a TLS connection. */
    const proxy = (script: string): string =>
      `ProxyCommand=${process.execPath} -e "${script.replaceAll('"', '\\"')}"`;

    /** `ssh … whoami` through a node ProxyCommand piping stdin/stdout to `socket` (an expression). */
    const whoamiThrough = (socket: string) =>
      runProgram('ssh', [
        '-o',
        proxy(`const s=${socket};process.stdin.pipe(s);s.pipe(process.stdout)`),
        ...server.keyOptions,
        'demo@tw-ssh',
        'whoami',
      ]);

    it('logs in over a Unix socket', async () => {
      const socket = join(files, 'ssh.sock');
      const result = await whoamiThrough(`require('net').connect(${JSON.stringify(socket)})`);
      expect(result).toMatchObject({ code: 0, stdout: 'demo\n' });
    });

    it('logs in over TLS', async () => {
      const options = `{host:'127.0.0.1',port:${server.port},servername:'localhost',ca:require('fs').readFileSync(${JSON.stringify(join(files, 'cert.pem'))})}`;
      const result = await whoamiThrough(`require('tls').connect(${options})`);
      expect(result).toMatchObject({ code: 0, stdout: 'demo\n' });
    });
  },
);
