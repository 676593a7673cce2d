// `pnpm --filter @tw/example-tls-echo start [port]` — a TLS echo server on loopback (default
// 7443) with a certificate generated at start. Try the command it prints (openssl s_client).
import { NodeReactor, formatAddress } from '@tw/core';
import { listenTLSEcho, makeLocalhostCertificate, publishCertificate } from './tls-echo.js';

const port = Number(process.argv[2] ?? 7443);
const reactor = new NodeReactor();
reactor.callWhenRunning(() => {
  const certificate = makeLocalhostCertificate();
  const { path, fingerprint } = publishCertificate(certificate);
  listenTLSEcho(reactor, port, certificate).addCallbacks(
    (listening) => {
      const address = listening.getHost();
      const actualPort = address.family === 'IPv4' ? address.port : port;
      console.log(`TLS echo server listening on ${formatAddress(address)}`);
      console.log(`certificate SHA-256 ${fingerprint}, written to ${path}`);
      console.log(`try: openssl s_client -quiet -connect 127.0.0.1:${actualPort} -CAfile ${path}`);
    },
    (failure) => {
      console.error(
        `TLS echo server could not listen on port ${port}: ${failure.getErrorMessage()}`,
      );
      reactor.stop();
    },
  );
});
reactor.run();
