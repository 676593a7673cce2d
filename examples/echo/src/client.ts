// `pnpm --filter @tw/example-echo client [message] [endpoint]` — sends a message to the echo
// server and prints what comes back.
import { clientFromString, connectProtocol, react } from '@tw/core';
import { EchoClient } from './echo-client.js';

const message = process.argv[2] ?? 'hello, echo';
const description = process.argv[3] ?? 'tcp:host=127.0.0.1:port=7000';

react(async (reactor) => {
  const client = await connectProtocol(
    clientFromString(reactor, description),
    new EchoClient(new TextEncoder().encode(message)),
  );
  const echoed = await client.done;
  console.log(new TextDecoder().decode(echoed));
});
