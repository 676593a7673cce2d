// The `tw echo` plugin: `tw echo --listen tcp:7000:interface=127.0.0.1 --listen unix:/tmp/e.sock`.
import { listeningServices, type TwPlugin } from '@tw/core';
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
    // One factory for all ports: Echo keeps no state, so sharing costs nothing.
    const factory = echoFactory();
    return listeningServices(reactor, options.listen, factory, log);
  },
};

export default echoPlugin;
