// Runs inside the rehearsal's scratch project: an echo server written against the installed
// @tw/core only (NodeReactor, serverFromString, Protocol, Factory), answered over real TCP.
import { Factory, NodeReactor, Protocol, serverFromString } from '@tw/core';
import { probe } from './probe.mjs';

class Echo extends Protocol {
  dataReceived(data) {
    this.transport.write(data);
  }
}

setTimeout(() => {
  console.error('core-echo: no answer within 30s');
  process.exit(1);
}, 30_000).unref();

const reactor = new NodeReactor();
process.exitCode = 1;
reactor.callWhenRunning(() => {
  serverFromString(reactor, 'tcp:0:interface=127.0.0.1')
    .listen(new Factory(Echo))
    .addCallbacks(
      (port) => {
        const { port: number } = port.getHost();
        probe(number, 'hello from the rehearsal\r\n', { quietMs: 500 })
          .then((answer) => {
            console.log(`echo server on 127.0.0.1:${number} answered ${JSON.stringify(answer)}`);
            process.exitCode = answer === 'hello from the rehearsal\r\n' ? 0 : 1;
          })
          .catch((error) => console.error(`core-echo: ${error.message}`))
          .finally(() => {
            port.stopListening();
            reactor.stop();
          });
      },
      (failure) => {
        console.error(`core-echo: could not listen: ${failure.getErrorMessage()}`);
        reactor.stop();
      },
    );
});
reactor.run();
