import { createServer, type Server } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { killLeftovers, parseTable, startTw, tempDir } from './harness.js';
import { runShell } from './clients.js';
import { exchangeOverTCP } from '@tw/core/testing';

let data: ReturnType<typeof tempDir>;
beforeEach(() => {
  data = tempDir('tw-run-');
});
afterEach(() => {
  killLeftovers();
  data.remove();
});

describe('tw <plugin>', () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`serves until ${signal}, then stops cleanly with exit code 0`, async () => {
      const tw = startTw(['echo', '--listen', 'tcp:0:interface=127.0.0.1'], {
        env: { TW_DATA_DIR: data.path },
      });
      await tw.waitForStdout(/Ctrl-C stops it/);
      const [row] = parseTable(tw.stdout);
      expect(row).toMatchObject({ service: 'echo', host: '127.0.0.1' });
      expect(row!.connect).toBe(
        `node apps/tw/dist/bin.js connect tcp:host=127.0.0.1:port=${row!.port}`,
      );
      expect(await exchangeOverTCP(row!.port, 'hello, tw\n')).toBe('hello, tw\n');
      expect(await runShell(row!.connect, 'via tw connect\n')).toBe('via tw connect\n');

      tw.child.kill(signal);
      expect(await tw.exited).toBe(0);
      expect(tw.stdout).toMatch(/Shutting down[^]*Stopped/);
      expect(tw.stderr).toBe('');
    });
  }

  it('listens on every --listen given', async () => {
    const tw = startTw(
      ['echo', '--listen', 'tcp:0:interface=127.0.0.1', '--listen', 'tcp:0:interface=127.0.0.1'],
      { env: { TW_DATA_DIR: data.path } },
    );
    await tw.waitForStdout(/Ctrl-C stops it/);
    const rows = parseTable(tw.stdout);
    expect(rows).toHaveLength(2);
    for (const row of rows) expect(await exchangeOverTCP(row.port, 'x')).toBe('x');
    tw.child.kill('SIGTERM');
    expect(await tw.exited).toBe(0);
  });

  it('exits with code 1 when its port is taken', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = blocker.address() as { port: number };
      const tw = startTw(['echo', '--listen', `tcp:${port}:interface=127.0.0.1`], {
        env: { TW_DATA_DIR: data.path },
      });
      expect(await tw.exited).toBe(1);
      expect(tw.stdout).toContain('tw could not start');
      expect(tw.stdout).not.toContain('tw is serving');
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('--log-format json writes one JSON object per line, with the listening ports as events', async () => {
    const tw = startTw(['--log-format', 'json', 'echo', '--listen', 'tcp:0:interface=127.0.0.1'], {
      env: { TW_DATA_DIR: data.path },
    });
    await tw.waitForStdout(/"connect":"[^"]* connect tcp:host=127\.0\.0\.1:port=\d+"/);
    tw.child.kill('SIGTERM');
    expect(await tw.exited).toBe(0);
    const records = tw.stdout
      .trim()
      .split('\n')
      .map(
        (line) =>
          JSON.parse(line) as { level: string; namespace: string; fields: Record<string, unknown> },
      );
    const listening = records.find(
      (record) => record.namespace === 'tw.cli' && 'connect' in record.fields,
    );
    expect(listening?.fields).toMatchObject({
      service: 'echo',
      endpoint: 'tcp:0:interface=127.0.0.1',
    });
    expect(records.every((record) => typeof record.level === 'string')).toBe(true);
  });

  it('global options may come after the plugin name too', async () => {
    const tw = startTw(['echo', '--listen', 'tcp:0:interface=127.0.0.1', '--log-format', 'json'], {
      env: { TW_DATA_DIR: data.path },
    });
    await tw.waitForStdout(/"connect":/);
    tw.child.kill('SIGTERM');
    expect(await tw.exited).toBe(0);
    expect(tw.stdout).not.toContain('tw is serving');
  });
});
