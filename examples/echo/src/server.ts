// `pnpm --filter @tw/example-echo start [endpoint]` — an echo server, by default on
// tcp:7000 on loopback. Try:
// `printf 'hello\n' | node apps/tw/dist/bin.js connect tcp:host=127.0.0.1:port=7000`.
import { NodeReactor, formatAddress, serverFromString } from '@tw/core';
import { echoFactory } from './echo.js';

const description = process.argv[2] ?? 'tcp:7000:interface=127.0.0.1';
const reactor = new NodeReactor();
reactor.callWhenRunning(() => {
  serverFromString(reactor, description)
    .listen(echoFactory())
    .addCallbacks(
      (port) => console.log(`echo server listening on ${formatAddress(port.getHost())}`),
      (failure) => {
        console.error(
          `echo server could not listen on ${description}: ${failure.getErrorMessage()}`,
        );
        reactor.stop();
      },
    );
});
reactor.run();
