// The `tw chat` plugin: a line-based chat room, `tw chat --listen tcp:7001:interface=127.0.0.1`.
import { listeningServices, type TwPlugin } from '@tw/core';
import { ChatFactory } from './chat.js';

/** The options `tw chat` takes. */
export interface ChatPluginOptions extends Record<string, unknown> {
  listen: string[];
}

const chatPlugin: TwPlugin<ChatPluginOptions> = {
  name: 'chat',
  description: 'A line-based chat room (UTF-8 lines; /who, /quit)',
  options: [
    {
      name: 'listen',
      type: 'endpoint[]',
      help: 'where to listen; repeat for several — every port joins the same room',
      default: ['tcp:7001:interface=127.0.0.1'],
    },
  ],
  makeService(options, { reactor, log }) {
    // One factory, so people on every listening port meet in one room.
    const factory = new ChatFactory();
    return listeningServices(reactor, options.listen, factory, log);
  },
};

export default chatPlugin;
