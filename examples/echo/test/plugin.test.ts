import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import {
  Logger,
  LogPublisher,
  NodeReactor,
  findPluginProblems,
  parsePluginOptions,
  type IServiceCollection,
  type StreamServerEndpointService,
} from '@tw/core';
import echoPlugin from '../src/plugin.js';

function roundTrip(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port }, () => socket.write(text));
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      received += chunk;
      if (received.length >= text.length) {
        socket.end();
        resolve(received);
      }
    });
    socket.on('error', reject);
  });
}

describe('the tw echo plugin', () => {
  it('is a valid plugin listening on loopback port 7000 by default', () => {
    expect(findPluginProblems(echoPlugin)).toEqual([]);
    expect(parsePluginOptions(echoPlugin, {}).listen).toEqual(['tcp:7000:interface=127.0.0.1']);
  });

  it('makes a service that echoes on every --listen endpoint and stops listening when stopped', async () => {
    const reactor = new NodeReactor({ installSignalHandlers: false });
    const options = parsePluginOptions(echoPlugin, {
      listen: ['tcp:0:interface=127.0.0.1', 'tcp:0:interface=127.0.0.1'],
    });
    const log = new Logger('test.echo', new LogPublisher());
    const service = (await echoPlugin.makeService(options, {
      reactor,
      log,
      dataDir: '.',
    })) as IServiceCollection;
    await service.startService();
    const ports = [...service].map((child) => {
      const address = (child as StreamServerEndpointService).listeningPort!.getHost();
      return address.family === 'IPv4' ? address.port : -1;
    });
    expect(ports).toHaveLength(2);
    for (const port of ports) expect(await roundTrip(port, `to ${port}\n`)).toBe(`to ${port}\n`);
    await service.stopService();
    await expect(roundTrip(ports[0]!, 'x')).rejects.toThrow(/ECONNREFUSED/);
  });
});
