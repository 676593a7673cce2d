import { afterEach, describe, expect, it } from 'vitest';

import {
  Factory,
  LineReceiver,
  LogPublisher,
  Logger,
  MultiService,
  NodeReactor,
  StreamServerEndpointService,
  clientFromString,
  findPluginProblems,
  parsePluginOptions,
  runService,
  serverFromString,
  type IService,
  type TwPlugin,
} from '../../src/index.js';
import { Recorder, stopNodeReactor } from '../../src/testing/index.js';

// The plugin of docs/plugins.md, as written there: keep the two in step.
class Shout extends LineReceiver {
  override lineReceived(line: Uint8Array): void {
    this.sendLine(new TextDecoder().decode(line).toUpperCase());
  }
}

interface ShoutOptions extends Record<string, unknown> {
  listen: string[];
}

const plugin: TwPlugin<ShoutOptions> = {
  name: 'shout',
  description: 'A line server that shouts back',
  options: [
    {
      name: 'listen',
      type: 'endpoint[]',
      help: 'where to listen (repeatable)',
      default: ['tcp:7777:interface=127.0.0.1'],
      short: 'l',
    },
  ],
  makeService(options, { reactor, log }) {
    const root = new MultiService();
    for (const description of options.listen) {
      new StreamServerEndpointService(serverFromString(reactor, description), new Factory(Shout), {
        description,
        log,
      }).setServiceParent(root);
    }
    return root;
  },
};

let reactor: NodeReactor | null = null;

afterEach(async () => {
  if (reactor !== null) await stopNodeReactor(reactor);
  reactor = null;
});

describe('the documented example plugin', () => {
  it('is a valid plugin, and runs as tw would run it', async () => {
    expect(findPluginProblems(plugin)).toEqual([]);
    reactor = new NodeReactor({ installSignalHandlers: false, shutdownGracePeriod: 1 });
    const options = parsePluginOptions(plugin, { listen: 'tcp:0:interface=127.0.0.1' });
    const log = new Logger('shout', new LogPublisher({ fallback: () => {} }));
    const service = (await plugin.makeService(options, {
      reactor,
      log,
      dataDir: '/nonexistent',
    })) as IService & Iterable<StreamServerEndpointService>;
    const started = runService(reactor, service);
    void reactor.run();
    await started;
    const [server] = [...service];
    const address = server?.listeningPort?.getHost();
    if (address?.family !== 'IPv4') throw new Error('expected an IPv4 port');

    const client = await clientFromString(
      reactor,
      `tcp:host=127.0.0.1:port=${address.port}`,
    ).connect(new Factory(Recorder));
    client.transport.write(new TextEncoder().encode('hello\r\n'));
    await client.waitForText('\n');
    expect(client.text()).toBe('HELLO\r\n');
    client.transport.loseConnection();
  });
});
