// The `tw echo` plugin: `tw echo --listen tcp:7000:interface=127.0.0.1 --listen unix:/tmp/e.sock`.
import {
  MultiService,
  StreamServerEndpointService,
  serverFromString,
  type TwPlugin,
} from '@tw/core';
import { echoFactory } from './echo.js';

/** The options `tw echo` takes. */
export interface EchoPluginOptions extends Record<string, unknown> {
  listen: string[];
}

const echoPlugin: TwPlugin<EchoPluginOptions> = {
  name: 'echo',
  description: 'Echo (RFC 862): sends every byte back',
  options: [
    {
      name: 'listen',
      type: 'endpoint[]',
      help: 'where to listen; repeat for several (tcp:…, tls:…, unix:…)',
      default: ['tcp:7000:interface=127.0.0.1'],
    },
  ],
  makeService(options, { reactor, log }) {
    const service = new MultiService();
    // One factory for all ports: Echo keeps no state, so sharing costs nothing.
    const factory = echoFactory();
    for (const description of options.listen) {
      const endpoint = serverFromString(reactor, description);
      new StreamServerEndpointService(endpoint, factory, { description, log }).setServiceParent(
        service,
      );
    }
    return service;
  },
};

export default echoPlugin;
