import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findPluginProblems, ipv4Address, parsePluginOptions } from '@tw/core';
import { exchangeOverTCP, startPluginService } from '@tw/core/testing';
import fingerPlugin from '../src/plugin.js';

let dataDir: string;
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'tw-finger-data-'));
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

/** Send `query` to 127.0.0.1:port and collect everything until the server closes. */
const finger = (port: number, query: string): Promise<string> =>
  exchangeOverTCP(port, query, { endWhen: () => false });

describe('the tw finger plugin', () => {
  it('is a valid plugin whose options default to loopback', () => {
    expect(findPluginProblems(fingerPlugin)).toEqual([]);
    const options = parsePluginOptions(fingerPlugin, {});
    expect(options.listen).toEqual(['tcp:7079:interface=127.0.0.1']);
    expect(options.allowListing).toBe(false);
    expect(parsePluginOptions(fingerPlugin, { 'max-query-length': '64' }).maxQueryLength).toBe(64);
  });

  it('serves the users of <dataDir>/finger over TCP, with the sample demo user', async () => {
    await fingerPlugin.prepareDataDir!(dataDir);
    const running = await startPluginService(
      fingerPlugin,
      { listen: ['tcp:0:interface=127.0.0.1'], allowListing: true },
      { dataDir },
    );
    try {
      const [port] = running.ports as [number];
      expect(await finger(port, 'demo\r\n')).toMatch(/^Login: demo +Name: Demo User\r\nPlan:\r\n/);
      expect(await finger(port, '\r\n')).toContain('demo            Demo User\r\n');
      expect(await finger(port, 'demo@elsewhere.example\r\n')).toBe(
        'Finger forwarding service denied\r\n',
      );
    } finally {
      await running.stop();
    }
  });

  it('hints a `tw connect` command, or the finger client on port 79', () => {
    const hint = (port: number) =>
      fingerPlugin.connectHint!({
        endpoint: `tcp:${port}`,
        address: ipv4Address('TCP', '127.0.0.1', port),
        clientEndpoint: `tcp:host=127.0.0.1:port=${port}`,
        twCommand: 'tw',
      });
    expect(hint(7079)).toBe("printf 'demo\\r\\n' | tw connect tcp:host=127.0.0.1:port=7079");
    expect(hint(79)).toBe('finger demo@127.0.0.1');
  });
});
