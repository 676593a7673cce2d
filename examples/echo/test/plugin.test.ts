import { describe, expect, it } from 'vitest';
import { findPluginProblems, parsePluginOptions } from '@tw/core';
import { exchangeOverTCP, startPluginService } from '@tw/core/testing';
import echoPlugin from '../src/plugin.js';

describe('the tw echo plugin', () => {
  it('is a valid plugin listening on loopback port 7000 by default', () => {
    expect(findPluginProblems(echoPlugin)).toEqual([]);
    expect(parsePluginOptions(echoPlugin, {}).listen).toEqual(['tcp:7000:interface=127.0.0.1']);
  });

  it('makes a service that echoes on every --listen endpoint and stops listening when stopped', async () => {
    const running = await startPluginService(echoPlugin, {
      listen: ['tcp:0:interface=127.0.0.1', 'tcp:0:interface=127.0.0.1'],
    });
    const { ports } = running;
    expect(ports).toHaveLength(2);
    for (const port of ports) {
      expect(await exchangeOverTCP(port, `to ${port}\n`)).toBe(`to ${port}\n`);
    }
    await running.stop();
    await expect(exchangeOverTCP(ports[0]!, 'x')).rejects.toThrow(/ECONNREFUSED/);
  });
});
