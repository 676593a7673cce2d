import { describe, expect, it } from 'vitest';

import {
  Factory,
  LineReceiver,
  MultiService,
  StreamServerEndpointService,
  serverFromString,
  type TwPlugin,
} from '../../src/index.js';
import {
  Echo,
  NodeReactorHarness,
  exchangeOverTCP,
  startPluginService,
} from '../../src/testing/index.js';

/** A plugin like examples/echo: one echo service per --listen. */
const echoPlugin: TwPlugin<{ listen: string[] }> = {
  name: 'test-echo',
  description: 'echoes, for the plugin harness test',
  options: [{ name: 'listen', type: 'endpoint[]', help: 'where', default: ['tcp:7999'] }],
  makeService(options, { reactor }) {
    const root = new MultiService();
    for (const description of options.listen) {
      new StreamServerEndpointService(
        serverFromString(reactor, description),
        new Factory(Echo),
      ).setServiceParent(root);
    }
    return root;
  },
};

/** Answers one line, then closes: what a finger server does. */
class OneAnswer extends LineReceiver {
  override lineReceived(line: Uint8Array): void {
    this.sendLine(new TextEncoder().encode(`you said ${new TextDecoder().decode(line)}`));
    this.transport.loseConnection();
  }
}

describe('startPluginService', () => {
  it('parses CLI-style options, starts the service and reports every bound port', async () => {
    const running = await startPluginService(echoPlugin, {
      listen: ['tcp:0:interface=127.0.0.1', 'tcp:0:interface=127.0.0.1'],
    });
    try {
      expect(running.ports).toHaveLength(2);
      expect(new Set(running.ports).size).toBe(2);
      for (const port of running.ports) {
        expect(await exchangeOverTCP(port, `to ${port}\n`)).toBe(`to ${port}\n`);
      }
    } finally {
      await running.stop();
    }
    expect(running.service.running).toBe(false);
    await expect(exchangeOverTCP(running.ports[0]!, 'x')).rejects.toThrow(/ECONNREFUSED/);
  });

  it('runs on a reactor it is given and leaves that reactor running', async () => {
    const reactors = new NodeReactorHarness();
    const reactor = reactors.start();
    try {
      const running = await startPluginService(
        echoPlugin,
        { listen: ['tcp:0:interface=127.0.0.1'] },
        { reactor },
      );
      expect(running.reactor).toBe(reactor);
      await running.stop();
      expect(reactor.running).toBe(true);
    } finally {
      await reactors.stopAll();
    }
  });
});

describe('exchangeOverTCP', () => {
  it('reads until the server closes when endWhen never holds', async () => {
    const reactors = new NodeReactorHarness();
    const reactor = reactors.start();
    try {
      const port = await reactor.listenTCP(0, new Factory(OneAnswer), {
        interface: '127.0.0.1',
      });
      reactors.addCleanup(() => port.stopListening());
      const address = port.getHost();
      if (address.family !== 'IPv4') throw new Error('expected IPv4');
      expect(await exchangeOverTCP(address.port, 'hi\r\n', { endWhen: () => false })).toBe(
        'you said hi\r\n',
      );
    } finally {
      await reactors.stopAll();
    }
  });
});
