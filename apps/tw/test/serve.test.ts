import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PasswordFileChecker, UsernamePassword } from '@tw/core';
import { converse, runShell } from './clients.js';
import { killLeftovers, parseTable, startTw, tempDir, type TableRow } from './harness.js';

let dir: ReturnType<typeof tempDir>;
beforeEach(() => {
  dir = tempDir('tw-serve-');
});
afterEach(() => {
  killLeftovers();
  dir.remove();
});

describe('tw serve (the default config)', () => {
  it('runs every plugin on loopback, every row of its table answers, and it stops on SIGTERM', async () => {
    const dataDir = join(dir.path, 'data');
    const tw = startTw(['serve'], { env: { TW_DATA_DIR: dataDir, TW_PORT_BASE: '0' } });
    await tw.waitForStdout(/Ctrl-C stops it/);
    const rows = parseTable(tw.stdout);
    expect(rows.map((row) => row.service).sort()).toEqual([
      'chat',
      'echo',
      'echo',
      'finger',
      'irc',
      'ssh',
      'web',
    ]);

    // Every row's "try" command is run as printed, so the hints a newcomer copies really work.
    const certificate = join(dataDir, 'tls', 'localhost.crt');
    const input: Record<string, string> = {
      echo: 'hello\n',
      chat: 'neo\n',
      finger: '',
      web: '',
      irc: 'NICK neo\r\nUSER neo 0 * :Neo\r\nQUIT\r\n',
      ssh: 'whoami\n',
    };
    const answer = (row: TableRow): Promise<string> => runShell(row.connect, input[row.service]!);
    const expected: Record<string, RegExp> = {
      echo: /^hello\n$/,
      chat: /What is your name\?\nHello neo\./,
      finger: /^Login: demo +Name: Demo User\r\n[^]*Plan:\r\n/,
      irc: /^:\S+ 001 neo :Welcome[^]*\r\nERROR :Closing Link/,
      web: /<title>It works: tw web<\/title>[^]*<a href="\/services">/,
      ssh: /^Welcome to tw, demo\.[^\n]*\ndemo\n$/,
    };
    expect(rows.filter((row) => row.connect.includes(`caCerts=${certificate}`))).toHaveLength(1);
    for (const row of rows) expect(await answer(row)).toMatch(expected[row.service]!);

    // The data directory was made on first start, with the demo account and the samples.
    expect(tw.stdout).toContain(`data directory: ${dataDir} (created)`);
    expect(tw.stdout).toContain('demo account: demo / password demo');
    const checker = new PasswordFileChecker(join(dataDir, 'passwd'));
    expect(await checker.requestAvatarId(new UsernamePassword('demo', 'demo'))).toBe('demo');
    expect(existsSync(join(dataDir, 'finger', 'demo', '.plan'))).toBe(true);
    expect(existsSync(join(dataDir, 'irc', 'motd.txt'))).toBe(true);

    // The web service's /services page lists every row of the table, escaped.
    const web = rows.find((row) => row.service === 'web')!;
    const page = await (await fetch(`http://${web.host}:${web.port}/services`)).text();
    for (const row of rows) {
      expect(page).toContain(`<td>${row.service}</td>`);
      expect(page).toContain(`<td>${row.host}:${row.port}</td>`);
    }
    expect(page).toContain(String.raw`<code>printf 'demo\r\n' | `);

    tw.child.kill('SIGTERM');
    expect(await tw.exited).toBe(0);
  });

  it('keeps what a user changed in the data directory across restarts', async () => {
    const dataDir = join(dir.path, 'data');
    const first = startTw(['serve'], { env: { TW_DATA_DIR: dataDir, TW_PORT_BASE: '0' } });
    await first.waitForStdout(/Ctrl-C stops it/);
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);

    const plan = join(dataDir, 'finger', 'demo', '.plan');
    writeFileSync(plan, 'My own plan.\n');
    const passwd = readFileSync(join(dataDir, 'passwd'), 'utf8');

    const second = startTw(['serve'], { env: { TW_DATA_DIR: dataDir, TW_PORT_BASE: '0' } });
    await second.waitForStdout(/Ctrl-C stops it/);
    expect(second.stdout).not.toContain('(created)');
    const finger = parseTable(second.stdout).find((row) => row.service === 'finger')!;
    expect(await converse(finger.port, 'demo\r\n', () => false)).toContain('My own plan.');
    expect(readFileSync(join(dataDir, 'passwd'), 'utf8')).toBe(passwd);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  });
});

describe('tw serve --config', () => {
  it('runs the services of a JSON config file, with its data directory relative to the file', async () => {
    const config = join(dir.path, 'tw.json');
    writeFileSync(
      config,
      JSON.stringify({
        dataDir: './state',
        services: [
          { plugin: 'echo', name: 'front', options: { listen: ['tcp:0:interface=127.0.0.1'] } },
          {
            plugin: 'finger',
            options: { listen: 'tcp:0:interface=127.0.0.1', users: join(dir.path, 'people') },
          },
        ],
      }),
    );
    const tw = startTw(['serve', '--config', config]);
    await tw.waitForStdout(/Ctrl-C stops it/);
    const rows = parseTable(tw.stdout);
    expect(rows.map((row) => row.service)).toEqual(['front', 'finger']);
    expect(await converse(rows[0]!.port, 'two services\n', (text) => text.includes('\n'))).toBe(
      'two services\n',
    );
    expect(await converse(rows[1]!.port, 'demo\r\n', () => false)).toBe(
      'finger: demo: no such user.\r\n',
    );
    expect(tw.stdout).toContain(`data directory: ${join(dir.path, 'state')} (created)`);
    // A config file's services get no sample data unless it asks for it.
    expect(existsSync(join(dir.path, 'state', 'passwd'))).toBe(false);

    tw.child.kill('SIGTERM');
    expect(await tw.exited).toBe(0);
  });
});
