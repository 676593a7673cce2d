import { X509Certificate } from 'node:crypto';
import type { Socket } from 'node:net';
import {
  InMemoryUsernamePasswordDatabaseDontUse,
  NodeReactor,
  Portal,
  SimpleRealm,
  generateCertificateAuthority,
  generateSelfSignedCertificate,
  issueCertificate,
  type CertificateAndKey,
  type IListeningPort,
} from '@tw/core';
import { afterEach, describe, expect, it } from 'vitest';
import { IRC_ACCOUNT_INTERFACE } from '../../src/server/config.js';
import { IRCServerFactory } from '../../src/server/factory.js';
import {
  CertificateFingerprintChecker,
  TLSCertificateCredentials,
  normalizeFingerprint,
} from '../../src/server/certificate-credentials.js';
import { TestServer } from './harness.js';
import { LineSocketClient } from './line-socket-client.js';

/** A TLS client presenting `client`'s certificate, trusting `ca` for the server's. */
function connectWithCertificate(
  port: number,
  ca: string,
  client: CertificateAndKey,
): Promise<LineSocketClient> {
  return LineSocketClient.connectTLS(port, {
    ca,
    servername: 'localhost',
    cert: client.cert,
    key: client.key,
  });
}

function fingerprintOf(cert: string): string {
  return new X509Certificate(cert).fingerprint256;
}

let reactor: NodeReactor | null = null;
let port: IListeningPort | null = null;
const sockets: Socket[] = [];

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await port?.stopListening();
  port = null;
  if (reactor !== null) {
    const stopped = reactor;
    reactor = null;
    stopped.stop();
  }
});

describe('SASL EXTERNAL and RPL_WHOISSECURE over real TLS', () => {
  it('logs a client in by its certificate fingerprint; WHOIS shows 671 and 330', async () => {
    const ca = generateCertificateAuthority();
    const aliceCert = issueCertificate(ca, { client: true, commonName: 'alice' });
    const strangerCert = issueCertificate(ca, { client: true, commonName: 'stranger' });
    const serverCert = generateSelfSignedCertificate();
    const realm = new SimpleRealm({ [IRC_ACCOUNT_INTERFACE]: (id) => id });
    const accountPortal = new Portal(realm, [
      new InMemoryUsernamePasswordDatabaseDontUse({ bob: 'pw' }),
      new CertificateFingerprintChecker({ [fingerprintOf(aliceCert.cert)]: 'alice' }),
    ]);
    reactor = new NodeReactor({ installSignalHandlers: false, shutdownGracePeriod: 1 });
    void reactor.run();
    const factory = new IRCServerFactory(reactor, { serverName: 'irc.tls', accountPortal });
    port = await reactor.listenTLS(
      0,
      factory,
      { credentials: serverCert, requestCert: true, verifyPeer: true, ca: ca.cert },
      { interface: '127.0.0.1' },
    );
    const address = port.getHost();
    const portNumber = 'port' in address ? address.port : 0;

    const alice = await connectWithCertificate(portNumber, serverCert.cert, aliceCert);
    sockets.push(alice.socket);
    alice.send('CAP LS 302');
    expect(await alice.waitFor(/ CAP \* LS /)).toContain('sasl=PLAIN,EXTERNAL');
    alice.send('NICK alice', 'USER alice 0 * :Alice', 'CAP REQ :sasl', 'AUTHENTICATE EXTERNAL');
    expect(await alice.waitFor(/^AUTHENTICATE/)).toBe('AUTHENTICATE +');
    alice.send('AUTHENTICATE +');
    expect(await alice.waitFor(/ 900 /)).toBe(
      ':irc.tls 900 alice alice!~alice@127.0.0.1 alice :You are now logged in as alice',
    );
    await alice.waitFor(/ 903 /);
    alice.send('CAP END');
    await alice.waitFor(/ 001 alice /);

    const stranger = await connectWithCertificate(portNumber, serverCert.cert, strangerCert);
    sockets.push(stranger.socket);
    stranger.send('CAP REQ :sasl', 'NICK stranger', 'USER s 0 * :S', 'AUTHENTICATE EXTERNAL');
    await stranger.waitFor(/^AUTHENTICATE \+/);
    stranger.send('AUTHENTICATE +');
    expect(await stranger.waitFor(/ 90[34] /)).toBe(
      ':irc.tls 904 stranger :SASL authentication failed',
    );
    stranger.send('CAP END');
    await stranger.waitFor(/ 001 stranger /);
    stranger.send('WHOIS alice');
    await stranger.waitFor(/ 318 stranger alice /);
    const whois = stranger.lines.filter((l) => / (671|330) stranger alice /.test(l));
    expect(whois).toEqual([
      ':irc.tls 671 stranger alice :is using a secure connection',
      ':irc.tls 330 stranger alice alice :is logged in as',
    ]);
  });
});

describe('SASL EXTERNAL without TLS', () => {
  function portalWith(checkers: 'password' | 'both'): Portal {
    const realm = new SimpleRealm({ [IRC_ACCOUNT_INTERFACE]: (id) => id });
    const password = new InMemoryUsernamePasswordDatabaseDontUse({ bob: 'pw' });
    return new Portal(
      realm,
      checkers === 'both'
        ? [password, new CertificateFingerprintChecker({ 'AA:BB': 'alice' })]
        : [password],
    );
  }

  it('is advertised only when a fingerprint checker is configured', () => {
    const plainOnly = new TestServer({ accountPortal: portalWith('password') }).connect();
    plainOnly.send('CAP LS 302');
    expect(plainOnly.lines()[0]).toMatch(/ sasl=PLAIN /);
    plainOnly.send('CAP REQ sasl', 'AUTHENTICATE EXTERNAL');
    expect(plainOnly.lines().slice(1)).toEqual([
      ':irc.test 908 * PLAIN :are available SASL mechanisms',
      ':irc.test 904 * :SASL authentication failed',
    ]);
  });

  it('fails with 904 on a connection without a client certificate', () => {
    const client = new TestServer({ accountPortal: portalWith('both') }).connect();
    client.send('CAP REQ sasl', 'AUTHENTICATE EXTERNAL', 'AUTHENTICATE +');
    expect(client.lines().slice(1)).toEqual([
      'AUTHENTICATE +',
      ':irc.test 904 * :SASL authentication failed',
    ]);
  });

  it('the checker matches fingerprints however they are written, and checks the authzid', () => {
    const checker = new CertificateFingerprintChecker(new Map([['sha256:AB:cd:01', 'alice']]));
    expect(normalizeFingerprint('AB:CD:01')).toBe('abcd01');
    const results: unknown[] = [];
    for (const credentials of [
      new TLSCertificateCredentials('ab:cd:01'),
      new TLSCertificateCredentials('abcd01', 'alice'),
      new TLSCertificateCredentials('abcd01', 'mallory'),
      new TLSCertificateCredentials('ffff'),
    ]) {
      checker.requestAvatarId(credentials).addCallbacks(
        (id) => results.push(id),
        (failure) => results.push((failure.value as Error).name),
      );
    }
    expect(results).toEqual(['alice', 'alice', 'UnauthorizedLogin', 'UnauthorizedLogin']);
  });
});
