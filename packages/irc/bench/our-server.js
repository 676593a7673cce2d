// Our IRC server for the benchmark, in a process of its own so its RSS is its own: an
// IRCServerFactory on a NodeReactor on 127.0.0.1:<free port>, with the per-address connection
// limit and flood control off (1 000 clients come from one address and one sender floods by
// design). Prints `port <n>` once listening; SIGINT or SIGTERM exits.
import { NodeReactor } from '@tw/core';
import { IRCServerFactory, defaultIRCServerConfig } from '../dist/index.js';

const reactor = new NodeReactor({ installSignalHandlers: false });
const factory = new IRCServerFactory(
  reactor,
  defaultIRCServerConfig({
    serverName: 'bench.tw.local',
    motd: 'bench',
    maxConnectionsPerAddress: 0,
    flood: { burst: 0, perSecond: 0 },
    // The bench measures delivery, not keepalive: no PINGs during a round.
    pingInterval: 600,
    registrationTimeout: 600,
  }),
);
reactor.callWhenRunning(async () => {
  const port = await reactor.listenTCP(0, factory, { interface: '127.0.0.1', backlog: 1024 });
  console.log(`port ${port.getHost().port}`);
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(0));
void reactor.run();
