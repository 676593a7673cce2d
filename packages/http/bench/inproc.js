// `node bench/inproc.js [--depth 16] [--requests 3200000]`: the JavaScript cost of one
// hello-world request through HTTPChannel, Request and Site, with no sockets — pipelined
// requests are fed to dataReceived() in batches of `depth`, responses go to a transport that
// drops them. The number to watch when optimising the hot path (see docs/http-bench.md);
// `node --cpu-prof bench/inproc.js` shows where it goes. TW_HTTP_DIST compares another build.
import { parseArgs } from 'node:util';
import { NodeReactor } from '@tw/core';
import { StringTransport } from '@tw/core/testing';

const { Resource, Site } = await import(process.env['TW_HTTP_DIST'] ?? '../dist/index.js');
const { values } = parseArgs({
  options: {
    depth: { type: 'string', default: '16' },
    requests: { type: 'string', default: '3200000' },
  },
});
const depth = Math.max(1, Number(values.depth));
const batches = Math.ceil(Number(values.requests) / depth);

const BODY = new TextEncoder().encode('Hello, World!');
class Hello extends Resource {
  isLeaf = true;

  render_GET(request) {
    request.setHeader('content-type', 'text/plain');
    return BODY;
  }
}

const reactor = new NodeReactor({ installSignalHandlers: false });
const channel = new Site(reactor, new Hello()).buildProtocol({
  type: 'TCP',
  family: 'IPv4',
  host: '127.0.0.1',
  port: 40000,
});
const transport = new StringTransport();
let responses = 0;
transport.write = () => void responses++;
transport.writeSequence = (chunks) => void (responses += chunks.length);
channel.makeConnection(transport);

const batch = Buffer.from('GET / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n'.repeat(depth), 'latin1');
for (let i = 0; i < batches / 10; i++) channel.dataReceived(batch); // warm-up
responses = 0;
const start = process.hrtime.bigint();
for (let i = 0; i < batches; i++) channel.dataReceived(batch);
const ns = Number(process.hrtime.bigint() - start) / (batches * depth);
if (responses !== batches * depth)
  throw new Error(`${responses} responses for ${batches * depth} requests`);
console.log(
  `depth ${depth}: ${ns.toFixed(0)} ns per request, ${Math.round(1e9 / ns).toLocaleString('en-US')} requests/s of JavaScript alone`,
);
channel.transport.loseConnection();
process.exit(0);
