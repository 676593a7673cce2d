// The ceiling, not a peer: a "server" on raw node:net that parses nothing — it counts the
// blank lines ending request heads and writes one canned response per request, all the
// responses to one batch of input in one write. `node bench/run.js --raw` measures it too.
import { createServer } from 'node:net';

const RESPONSE =
  'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 13\r\n' +
  'Date: Thu, 01 Jan 1970 00:00:00 GMT\r\n\r\nHello, World!';

const server = createServer((socket) => {
  let tail = '';
  socket.on('data', (chunk) => {
    const text = tail + chunk.toString('latin1');
    let count = 0;
    let at = text.indexOf('\r\n\r\n');
    let end = 0;
    while (at >= 0) {
      count++;
      end = at + 4;
      at = text.indexOf('\r\n\r\n', end);
    }
    tail = text.slice(end);
    if (count > 0) socket.write(RESPONSE.repeat(count), 'latin1');
  });
  socket.on('error', () => socket.destroy());
});
server.listen(0, '127.0.0.1', () => console.log(`port ${server.address().port}`));
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(0));
