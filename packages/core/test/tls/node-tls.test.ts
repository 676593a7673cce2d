import { X509Certificate } from 'node:crypto';
import * as net from 'node:net';
import type * as tls from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';

import { isTwError } from '../../src/errors/tw-error.js';
import type { PeerCertificate, TLSOptions } from '../../src/interfaces/tls.js';
import {
  generateCertificateAuthority,
  generateSelfSignedCertificate,
  issueCertificate,
} from '../../src/tls/certificates.js';
import {
  peerCertificateOf,
  sniNameMatches,
  toNodeClientOptions,
  toNodeServerOptions,
  wrapSocketInTLS,
} from '../../src/tls/node-tls.js';
import { TLSPeerVerificationError } from '../../src/tls/tls-errors.js';
import { LEGACY_TLS_CLIENT, handshake } from './tls-fixtures.js';

const selfSigned = generateSelfSignedCertificate();
const ca = generateCertificateAuthority();
const caServer = issueCertificate(ca);
const alice = issueCertificate(ca, { commonName: 'alice', client: true });

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('toNodeServerOptions', () => {
  it('defaults to TLS 1.2 as the floor, verification on, no client certificate requested', () => {
    const options = toNodeServerOptions({ credentials: selfSigned });
    expect(options).toMatchObject({
      minVersion: 'TLSv1.2',
      requestCert: false,
      rejectUnauthorized: true,
    });
    expect(options.key).toBe(selfSigned.key);
    expect(options.SNICallback).toBeUndefined();
  });

  it('accepts keys and certificates as bytes', () => {
    const bytes = new TextEncoder().encode(selfSigned.cert);
    const options = toNodeServerOptions({
      credentials: { key: selfSigned.key, cert: bytes },
      ca: [bytes],
    });
    expect(Buffer.isBuffer(options.cert)).toBe(true);
    expect((options.cert as Buffer).toString()).toBe(selfSigned.cert);
    expect(options.ca).toHaveLength(1);
  });

  it.each(['TLSv1', 'TLSv1.1', 'SSLv3'])('refuses minVersion %s with a typed error', (version) => {
    const options = { credentials: selfSigned, minVersion: version } as unknown as TLSOptions;
    const error = thrown(() => toNodeServerOptions(options));
    expect(isTwError(error, 'TW_TLS_INVALID_OPTIONS')).toBe(true);
    expect(String(error)).toMatch(/TLS 1\.2 and newer/);
    expect(
      isTwError(
        thrown(() => toNodeClientOptions(options, 'localhost')),
        'TW_TLS_INVALID_OPTIONS',
      ),
    ).toBe(true);
  });

  it('refuses an SNI pattern with a wildcard anywhere but the whole first label', () => {
    const error = thrown(() =>
      toNodeServerOptions({ sniCredentials: { 'www.*.org': selfSigned } }),
    );
    expect(isTwError(error, 'TW_TLS_INVALID_OPTIONS')).toBe(true);
  });
});

describe('toNodeClientOptions', () => {
  it('sends the host as SNI and verifies by default', () => {
    expect(toNodeClientOptions({}, 'example.org')).toMatchObject({
      servername: 'example.org',
      host: 'example.org',
      rejectUnauthorized: true,
      minVersion: 'TLSv1.2',
    });
  });

  it('never sends an IP literal as SNI', () => {
    expect(toNodeClientOptions({}, '127.0.0.1').servername).toBeUndefined();
    expect(toNodeClientOptions({}, '::1').servername).toBeUndefined();
    expect(toNodeClientOptions({}, '[::1]')).toMatchObject({ host: '::1' });
  });

  it('prefers serverName, and passes verifyPeer, ALPN and the client certificate through', () => {
    const options = toNodeClientOptions(
      {
        serverName: 'mail.example.org',
        verifyPeer: false,
        alpnProtocols: ['imap'],
        credentials: alice,
        minVersion: 'TLSv1.3',
      },
      '10.1.2.3',
    );
    expect(options).toMatchObject({
      servername: 'mail.example.org',
      rejectUnauthorized: false,
      ALPNProtocols: ['imap'],
      cert: alice.cert,
      minVersion: 'TLSv1.3',
    });
  });
});

describe('sniNameMatches', () => {
  it.each([
    ['example.org', 'example.org', true],
    ['example.org', 'EXAMPLE.org', true],
    ['example.org', 'www.example.org', false],
    ['*.example.org', 'www.example.org', true],
    ['*.example.org', 'WWW.Example.Org', true],
    ['*.example.org', 'example.org', false],
    ['*.example.org', 'a.b.example.org', false],
    ['*.example.org', 'wwwexample.org', false],
  ])('%s covers %s: %s', (pattern, name, expected) => {
    expect(sniNameMatches(pattern, name)).toBe(expected);
  });
});

describe('the options against node:tls', () => {
  it('a verifying client accepts a server whose certificate it trusts', async () => {
    const result = await handshake(
      toNodeServerOptions({ credentials: selfSigned }),
      toNodeClientOptions({ ca: selfSigned.cert }, '127.0.0.1'),
    );
    expect(result.clientError).toBeUndefined();
    expect(result.authorized).toBe(true);
    expect(['TLSv1.2', 'TLSv1.3']).toContain(result.protocol);
  });

  it('a verifying client refuses an untrusted self-signed certificate', async () => {
    const result = await handshake(
      toNodeServerOptions({ credentials: selfSigned }),
      toNodeClientOptions({}, '127.0.0.1'),
    );
    expect(result.clientError?.code).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
  });

  it('a verifying client refuses a trusted certificate for another name', async () => {
    const result = await handshake(
      toNodeServerOptions({ credentials: selfSigned }),
      toNodeClientOptions({ ca: selfSigned.cert, serverName: 'example.org' }, '127.0.0.1'),
    );
    expect(result.clientError?.code).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
  });

  it('the server refuses TLS 1.1 from a client that would accept it', async () => {
    const lenientServer = {
      ...toNodeServerOptions({ credentials: selfSigned }),
      minVersion: 'TLSv1' as const,
      ciphers: 'DEFAULT@SECLEVEL=0',
    };
    const control = await handshake(lenientServer, LEGACY_TLS_CLIENT);
    expect(control.protocol).toBe('TLSv1.1');

    const result = await handshake(
      toNodeServerOptions({ credentials: selfSigned }),
      LEGACY_TLS_CLIENT,
    );
    expect(result.clientError?.code).toBe('ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION');
    expect(result.serverError?.code).toBe('ERR_SSL_UNSUPPORTED_PROTOCOL');
  });

  it('negotiates ALPN: the server picks the first of its protocols the client offers', async () => {
    const result = await handshake(
      toNodeServerOptions({ credentials: selfSigned, alpnProtocols: ['h2', 'http/1.1'] }),
      toNodeClientOptions({ verifyPeer: false, alpnProtocols: ['http/1.1', 'h2'] }, 'localhost'),
    );
    expect(result.alpnProtocol).toBe('h2');
  });

  describe('SNI', () => {
    const mail = generateSelfSignedCertificate({
      commonName: 'mail.example.org',
      altNames: ['mail.example.org'],
    });
    const wildcard = generateSelfSignedCertificate({
      commonName: '*.example.net',
      altNames: ['*.example.net'],
    });
    const server = toNodeServerOptions({
      credentials: selfSigned,
      sniCredentials: { 'mail.example.org': mail, '*.example.net': wildcard },
    });

    it.each([
      ['mail.example.org', 'mail.example.org'],
      ['MAIL.example.org', 'mail.example.org'],
      ['www.example.net', '*.example.net'],
      ['a.b.example.net', 'localhost'],
      ['other.example.com', 'localhost'],
    ])('a client asking for %s gets the certificate for %s', async (serverName, expectedCN) => {
      const result = await handshake(
        server,
        toNodeClientOptions({ serverName, verifyPeer: false }, '127.0.0.1'),
      );
      expect(result.serverCertificateCN).toBe(expectedCN);
    });

    it('the chosen certificate verifies for the name asked', async () => {
      const result = await handshake(
        server,
        toNodeClientOptions({ serverName: 'imap.example.net', ca: wildcard.cert }, '127.0.0.1'),
      );
      expect(result.authorized).toBe(true);
    });
  });

  describe('client certificates', () => {
    const requiring = toNodeServerOptions({
      credentials: caServer,
      ca: ca.cert,
      requestCert: true,
    });

    it('the server sees a client certificate issued by its CA', async () => {
      const result = await handshake(
        requiring,
        toNodeClientOptions({ ca: ca.cert, credentials: alice }, 'localhost'),
      );
      expect(result.clientCertificateCN).toBe('alice');
    });

    it('the server refuses a client without a certificate', async () => {
      const result = await handshake(requiring, toNodeClientOptions({ ca: ca.cert }, 'localhost'));
      expect(result.authorized).not.toBe(true);
      expect(result.clientCertificateCN).toBeUndefined();
    });

    it('the server refuses a client certificate from another issuer unless verifyPeer is false', async () => {
      const stranger = generateSelfSignedCertificate({ commonName: 'mallory' });
      const refused = await handshake(
        requiring,
        toNodeClientOptions({ ca: ca.cert, credentials: stranger }, 'localhost'),
      );
      expect(refused.clientCertificateCN).toBeUndefined();

      const lenient = toNodeServerOptions({
        credentials: caServer,
        requestCert: true,
        verifyPeer: false,
      });
      const accepted = await handshake(
        lenient,
        toNodeClientOptions({ ca: ca.cert, credentials: stranger }, 'localhost'),
      );
      expect(accepted.clientCertificateCN).toBe('mallory');
    });
  });
});

describe('wrapSocketInTLS over a TCP connection (the STARTTLS shape)', () => {
  const cleanups: Array<() => void> = [];
  afterEach(() => {
    for (const cleanup of cleanups.splice(0)) cleanup();
  });

  interface WrappedPair {
    readonly server: tls.TLSSocket;
    readonly client: tls.TLSSocket;
    readonly serverSecure: Promise<void>;
    readonly clientSecure: Promise<void>;
    readonly serverClosed: Promise<Error | undefined>;
  }

  async function wrappedPair(
    serverOptions: TLSOptions,
    clientOptions: TLSOptions,
  ): Promise<WrappedPair> {
    const listener = net.createServer();
    cleanups.push(() => listener.close());
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    const accepted = new Promise<net.Socket>((resolve) => listener.once('connection', resolve));
    const raw = net.connect((listener.address() as net.AddressInfo).port, '127.0.0.1');
    cleanups.push(() => raw.destroy());
    await new Promise<void>((resolve) => raw.once('connect', () => resolve()));
    const rawServer = await accepted;
    cleanups.push(() => rawServer.destroy());

    const server = wrapSocketInTLS(rawServer, serverOptions, 'server');
    const client = wrapSocketInTLS(raw, clientOptions, 'client', '127.0.0.1');
    let serverError: Error | undefined;
    server.on('error', (error) => {
      serverError = error;
    });
    client.on('error', () => {});
    return {
      server,
      client,
      serverSecure: new Promise((resolve) => server.once('secure', () => resolve())),
      clientSecure: new Promise((resolve, reject) => {
        client.once('secureConnect', () => resolve());
        client.once('error', reject);
      }),
      serverClosed: new Promise((resolve) => server.once('close', () => resolve(serverError))),
    };
  }

  it('echoes through TLS once both sides are wrapped, with the server verified by name', async () => {
    const pair = await wrappedPair({ credentials: selfSigned }, { ca: selfSigned.cert });
    pair.server.on('data', (data: Buffer) =>
      pair.server.write(Buffer.concat([Buffer.from('echo:'), data])),
    );
    await pair.clientSecure;
    expect(pair.client.authorized).toBe(true);
    const reply = new Promise<string>((resolve) =>
      pair.client.once('data', (data: Buffer) => resolve(data.toString())),
    );
    pair.client.write('ping');
    expect(await reply).toBe('echo:ping');
  });

  it('reports the client certificate through peerCertificateOf, in @tw shape', async () => {
    const pair = await wrappedPair(
      { credentials: caServer, ca: ca.cert, requestCert: true },
      { ca: ca.cert, credentials: alice, serverName: 'localhost' },
    );
    await Promise.all([pair.serverSecure, pair.clientSecure]);
    const seen: PeerCertificate | null = peerCertificateOf(pair.server);
    const x509 = new X509Certificate(alice.cert);
    expect(seen?.subject).toEqual({ CN: 'alice' });
    expect(Object.getPrototypeOf(seen?.subject)).toBe(Object.prototype);
    expect(seen?.issuer).toEqual({ CN: '@tw test CA' });
    expect(seen?.fingerprint256).toBe(x509.fingerprint256);
    expect(Buffer.from(seen?.raw ?? []).equals(x509.raw)).toBe(true);
    expect(seen?.subjectAltName).toBeUndefined();
    expect(pair.server.authorized).toBe(true);
    expect(peerCertificateOf(pair.client)?.subjectAltName).toBe(
      'DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1',
    );
  });

  it('peerCertificateOf is null when the client sent no certificate', async () => {
    const pair = await wrappedPair({ credentials: selfSigned }, { ca: selfSigned.cert });
    await Promise.all([pair.serverSecure, pair.clientSecure]);
    expect(peerCertificateOf(pair.server)).toBeNull();
  });

  it('the server side refuses a client certificate its CA did not issue (node leaves this to tls.Server)', async () => {
    const stranger = generateSelfSignedCertificate({ commonName: 'mallory' });
    const pair = await wrappedPair(
      { credentials: caServer, ca: ca.cert, requestCert: true },
      { ca: ca.cert, credentials: stranger },
    );
    const error = await pair.serverClosed;
    expect(error).toBeInstanceOf(TLSPeerVerificationError);
    expect((error as TLSPeerVerificationError).code).toBe('TW_TLS_PEER_UNVERIFIED');
  });
});
