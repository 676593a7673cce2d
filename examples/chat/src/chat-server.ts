// `pnpm --filter @tw/example-chat start [endpoint]` — a line-based chat server, by default on
// tcp:7001 on loopback. Try two terminals of
// `node apps/tw/dist/bin.js connect tcp:host=127.0.0.1:port=7001` (or nc).
import { NodeReactor, formatAddress, serverFromString } from '@tw/core';
import { ChatFactory } from './chat.js';

const description = process.argv[2] ?? 'tcp:7001:interface=127.0.0.1';
const reactor = new NodeReactor();
reactor.callWhenRunning(() => {
  serverFromString(reactor, description)
    .listen(new ChatFactory())
    .addCallbacks(
      (port) => console.log(`chat server listening on ${formatAddress(port.getHost())}`),
      (failure) => {
        console.error(
          `chat server could not listen on ${description}: ${failure.getErrorMessage()}`,
        );
        reactor.stop();
      },
    );
});
reactor.run();
