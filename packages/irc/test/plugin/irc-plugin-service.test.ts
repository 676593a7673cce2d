import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  LogPublisher,
  Logger,
  NodeReactor,
  parsePluginOptions,
  setPasswordInFile,
  type IService,
} from '@tw/core';
import ircPlugin from '../../src/plugin/irc-plugin.js';
import { RawIRCClient } from '../interop/raw-irc-client.js';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        resolve(typeof address === 'object' && address !== null ? address.port : 0),
      );
    });
  });
}

let dataDir: string;
let reactor: NodeReactor;
let service: IService | null;
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'tw-irc-service-'));
  reactor = new NodeReactor({ installSignalHandlers: false, shutdownGracePeriod: 1 });
  void reactor.run();
  service = null;
});
afterEach(async () => {
  await service?.stopService();
  await new Promise<void>((resolve) => {
    reactor.addSystemEventTrigger('after', 'shutdown', () => resolve());
    reactor.stop();
  });
  rmSync(dataDir, { recursive: true, force: true });
});

describe('tw irc: the service', () => {
  it('serves IRC with the MOTD of the data directory and OPER checked against its passwd', async () => {
    await ircPlugin.prepareDataDir!(dataDir);
    await setPasswordInFile(join(dataDir, 'passwd'), 'demo', 'demo');
    const port = await freePort();
    const options = parsePluginOptions(ircPlugin, {
      listen: [`tcp:${port}:interface=127.0.0.1`],
      serverName: 'irc.plugin.test',
      operators: ['demo'],
    });
    const log = new Logger('irc-test', new LogPublisher());
    service = await ircPlugin.makeService(options, { reactor, log, dataDir });
    await service.startService();

    const client = await RawIRCClient.register(port, 'neo');
    expect(client.lines[0]).toMatch(/^:irc\.plugin\.test 001 neo /);
    await client.waitFor((line) => / 376 neo /.test(line));
    expect(client.lines).toContainEqual(
      expect.stringMatching(/^:irc\.plugin\.test 372 neo :- Welcome to the @tw IRC server\.$/),
    );

    client.send('OPER demo demo');
    expect(await client.waitFor((line) => / (381|464|491) /.test(line))).toMatch(/ 381 neo /);
    await client.quit();
  });
});
