// Our server for the benchmark: a Site whose root is a leaf resource answering "Hello, World!"
// on a NodeReactor, on 127.0.0.1:<free port>. Prints `port <n>` once listening; SIGINT or
// SIGTERM exits (so `node --cpu-prof` gets to write its profile).
import { NodeReactor } from '@tw/core';

// TW_HTTP_DIST points at another build of @tw/http (its dist/index.js), to compare two builds.
const { Resource, Site } = await import(process.env['TW_HTTP_DIST'] ?? '../../dist/index.js');

const BODY = new TextEncoder().encode('Hello, World!');

class Hello extends Resource {
  isLeaf = true;

  render_GET(request) {
    request.setHeader('content-type', 'text/plain');
    return BODY;
  }
}

const reactor = new NodeReactor({ installSignalHandlers: false });
const site = new Site(reactor, new Hello());
const port = await reactor.listenTCP(0, site, { interface: '127.0.0.1' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(0));
console.log(`port ${port.getHost().port}`);
void reactor.run();
