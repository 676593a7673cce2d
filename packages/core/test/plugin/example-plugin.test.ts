import { afterEach, describe, expect, it } from 'vitest';

import {
  Factory,
  LineReceiver,
  LogPublisher,
  Logger,
  MultiService,
  NodeReactor,
  Protocol,
  StreamServerEndpointService,
  clientFromString,
  findPluginProblems,
  parsePluginOptions,
  runService,
  serverFromString,
  type IService,
  type TwPlugin,
} from '../../src/index.js';

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

class Collector extends Protocol {
  text = '';
  private waiting: (() => void) | null = null;
  override dataReceived(data: Uint8Array): void {
    this.text += new TextDecoder().decode(data);
    if (this.text.endsWith('\n')) this.waiting?.();
  }
  line(): Promise<void> {
    return new Promise((resolve) => {
      this.waiting = resolve;
    });
  }
}

let reactor: NodeReactor | null = null;

afterEach(async () => {
  if (reactor?.running === true) {
    const done = new Promise<void>((resolve) =>
      reactor?.addSystemEventTrigger('after', 'shutdown', resolve),
    );
    reactor.stop();
    await done;
  }
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
    ).connect(new Factory(Collector));
    const answered = client.line();
    client.transport.write(new TextEncoder().encode('hello\r\n'));
    await answered;
    expect(client.text).toBe('HELLO\r\n');
    client.transport.loseConnection();
  });
});
