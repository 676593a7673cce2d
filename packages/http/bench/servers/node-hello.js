// The node:http peer for the benchmark: the canonical hello world, on 127.0.0.1:<free port>.
import { createServer } from 'node:http';

const BODY = Buffer.from('Hello, World!');
const server = createServer((_request, response) => {
  response.writeHead(200, { 'content-type': 'text/plain', 'content-length': BODY.length });
  response.end(BODY);
});
// node:http closes idle keep-alive connections after 5 s by default; a benchmark round of
// 5 s must not be cut short by that, nor by the per-connection request limit.
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => console.log(`port ${server.address().port}`));
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(0));
