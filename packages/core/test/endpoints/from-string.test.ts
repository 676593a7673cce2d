import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  EndpointDescriptionError,
  EndpointRegistry,
  EndpointSchemeAlreadyRegisteredError,
  Factory,
  HostnameEndpoint,
  Protocol,
  TCP4ClientEndpoint,
  TCP4ServerEndpoint,
  TCP6ClientEndpoint,
  TCP6ServerEndpoint,
  TLSClientEndpoint,
  TLSServerEndpoint,
  UNIXClientEndpoint,
  UNIXServerEndpoint,
  UnknownEndpointKeywordError,
  UnknownEndpointSchemeError,
  clientFromString,
  createDefaultEndpointRegistry,
  defaultEndpointRegistry,
  serverFromString,
  type IStreamClientEndpoint,
} from '../../src/index.js';
import {
  generateCertificateAuthority,
  generateSelfSignedCertificate,
  issueCertificate,
} from '../../src/tls/certificates.js';
import { FakeReactor } from './fake-reactor.js';

const factory = new Factory(Protocol);

function listenWith(description: string): FakeReactor {
  const reactor = new FakeReactor();
  void serverFromString(reactor.asReactor(), description).listen(factory);
  return reactor;
}

describe('serverFromString', () => {
  it('tcp: port, interface and backlog reach listenTCP', () => {
    const endpoint = serverFromString(
      new FakeReactor().asReactor(),
      'tcp:8080:interface=127.0.0.1:backlog=7',
    );
    expect(endpoint).toBeInstanceOf(TCP4ServerEndpoint);
    const [call] = listenWith('tcp:8080:interface=127.0.0.1:backlog=7').listens;
    expect(call).toMatchObject({
      kind: 'tcp',
      port: 8080,
      options: { interface: '127.0.0.1', backlog: 7 },
    });
  });

  it('tcp: defaults to all IPv4 interfaces and a backlog of 50, port as keyword works too', () => {
    expect(listenWith('tcp:port=0').listens[0]).toMatchObject({
      port: 0,
      options: { interface: '0.0.0.0', backlog: 50 },
    });
  });

  it('tcp6: defaults to "::" and takes an escaped IPv6 interface', () => {
    expect(serverFromString(new FakeReactor().asReactor(), 'tcp6:80')).toBeInstanceOf(
      TCP6ServerEndpoint,
    );
    expect(listenWith('tcp6:80').listens[0]?.options).toMatchObject({ interface: '::' });
    expect(listenWith('tcp6:80:interface=\\:\\:1').listens[0]?.options).toMatchObject({
      interface: '::1',
    });
  });

  it('unix: path positional, octal mode, lockfile maps to wantPID', () => {
    expect(serverFromString(new FakeReactor().asReactor(), 'unix:/run/tw.sock')).toBeInstanceOf(
      UNIXServerEndpoint,
    );
    expect(listenWith('unix:/run/tw.sock:mode=660:lockfile=0').listens[0]).toMatchObject({
      kind: 'unix',
      path: '/run/tw.sock',
      unixOptions: { mode: 0o660, backlog: 50, wantPID: false },
    });
    expect(listenWith('unix:address=/tmp/a\\:b.sock').listens[0]).toMatchObject({
      path: '/tmp/a:b.sock',
      unixOptions: { mode: 0o666, wantPID: true },
    });
  });

  it.each([
    ['tcp:http', /port must be a whole number from 0 to 65535, got "http"/],
    ['tcp:65536', /port must be a whole number/],
    ['tcp:-1', /port must be a whole number/],
    ['tcp', /needs port\. Usage: tcp:PORT/],
    ['tcp:80:81', /too many positional arguments for tcp/],
    ['tcp:80:port=81', /port is already given as keyword/],
    ['tcp:80:backlog=0', /backlog must be a whole number from 1/],
    ['unix:/x:mode=999', /mode must be an octal file mode/],
    ['unix:/x:lockfile=maybe', /lockfile must be 1 or 0/],
  ])('%s is rejected with a message that says what to fix', (description, message) => {
    expect(() => serverFromString(new FakeReactor().asReactor(), description)).toThrow(message);
    expect(() => serverFromString(new FakeReactor().asReactor(), description)).toThrow(
      EndpointDescriptionError,
    );
  });

  it('an unknown keyword lists what the scheme accepts', () => {
    let error: unknown;
    try {
      serverFromString(new FakeReactor().asReactor(), 'tcp:80:interfce=127.0.0.1');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(UnknownEndpointKeywordError);
    expect((error as UnknownEndpointKeywordError).acceptedKeywords).toEqual([
      'port',
      'interface',
      'backlog',
    ]);
    expect(String(error)).toMatch(/no keyword "interfce"\. It accepts: port, interface, backlog/);
  });

  it('an unknown scheme lists the registered ones', () => {
    expect(() => serverFromString(new FakeReactor().asReactor(), 'quic:443')).toThrow(
      UnknownEndpointSchemeError,
    );
    expect(() => serverFromString(new FakeReactor().asReactor(), 'quic:443')).toThrow(
      /unknown server endpoint scheme "quic"\. Registered server schemes: haproxy, ssl, tcp, tcp6, tls, unix/,
    );
  });

  it('schemes are case-insensitive', () => {
    expect(serverFromString(new FakeReactor().asReactor(), 'TCP:80')).toBeInstanceOf(
      TCP4ServerEndpoint,
    );
  });
});

describe('TLS descriptions read PEM files', () => {
  let dir: string;
  let server: { key: string; cert: string };
  let ca: { key: string; cert: string };
  let client: { key: string; cert: string };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tw-endpoints-'));
    server = generateSelfSignedCertificate({ keyBits: 1024 });
    ca = generateCertificateAuthority({ keyBits: 1024 });
    client = issueCertificate(ca, { client: true, keyBits: 1024 });
    writeFileSync(join(dir, 'key.pem'), server.key);
    writeFileSync(join(dir, 'cert.pem'), server.cert);
    writeFileSync(join(dir, 'both.pem'), server.cert + server.key);
    writeFileSync(join(dir, 'ca.pem'), ca.cert);
    writeFileSync(join(dir, 'client.pem'), client.key + client.cert);
    writeFileSync(join(dir, 'empty.pem'), 'nothing here\n');
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const path = (name: string): string => join(dir, name).replace(/[\\:=]/g, (c) => `\\${c}`);

  it('tls: privateKey + certKey become the server credentials', () => {
    const reactor = listenWith(
      `tls:8443:privateKey=${path('key.pem')}:certKey=${path('cert.pem')}:interface=127.0.0.1`,
    );
    const [call] = reactor.listens;
    expect(call).toMatchObject({ kind: 'tls', port: 8443, options: { interface: '127.0.0.1' } });
    expect(call?.tls?.credentials?.key).toContain('PRIVATE KEY');
    expect(call?.tls?.credentials?.cert).toContain(server.cert.trim());
    expect(call?.tls?.requestCert).toBeUndefined();
  });

  it('certKey defaults to the privateKey file when it holds both; ssl: is an alias', () => {
    const endpoint = serverFromString(
      new FakeReactor().asReactor(),
      `ssl:8443:privateKey=${path('both.pem')}`,
    );
    expect(endpoint).toBeInstanceOf(TLSServerEndpoint);
    const tls = (endpoint as TLSServerEndpoint).tls;
    expect(tls.credentials?.key).toContain('PRIVATE KEY');
    expect(tls.credentials?.key).not.toContain('CERTIFICATE');
    expect(tls.credentials?.cert).toContain('CERTIFICATE');
    expect(tls.credentials?.cert).not.toContain('PRIVATE KEY');
  });

  it('extraCertChain is appended and caCerts asks clients for a certificate', () => {
    const endpoint = serverFromString(
      new FakeReactor().asReactor(),
      `tls:8443:privateKey=${path('both.pem')}:extraCertChain=${path('ca.pem')}:caCerts=${path('ca.pem')}`,
    ) as TLSServerEndpoint;
    expect(String(endpoint.tls.credentials?.cert).match(/BEGIN CERTIFICATE/g)).toHaveLength(2);
    expect(endpoint.tls).toMatchObject({
      requestCert: true,
      verifyPeer: true,
      ca: [`${ca.cert.trim()}\n`],
    });
  });

  it('a directory of CA files works for caCerts', () => {
    const endpoint = serverFromString(
      new FakeReactor().asReactor(),
      `tls:1:privateKey=${path('both.pem')}:caCerts=${path('')}`,
    );
    // ca.pem, cert.pem, both.pem and client.pem hold certificates; key.pem and empty.pem do not.
    expect((endpoint as TLSServerEndpoint).tls.ca).toHaveLength(4);
  });

  it.each([
    [
      'tls:8443:privateKey=/no/such/key.pem',
      /cannot read the privateKey file "\/no\/such\/key\.pem"/,
    ],
    ['tls:8443', /cannot read the privateKey file "server\.pem"/],
  ])('%s names the missing file and keyword', (description, message) => {
    expect(() => serverFromString(new FakeReactor().asReactor(), description)).toThrow(message);
  });

  it('a file without the expected PEM block is rejected', () => {
    expect(() =>
      serverFromString(new FakeReactor().asReactor(), `tls:1:privateKey=${path('cert.pem')}`),
    ).toThrow(/privateKey file .* contains no PEM PRIVATE KEY/);
    expect(() =>
      serverFromString(new FakeReactor().asReactor(), `tls:1:privateKey=${path('key.pem')}`),
    ).toThrow(/contains no PEM CERTIFICATE/);
  });

  it('tls: client with caCerts and a client certificate, to an IP literal', () => {
    const endpoint = clientFromString(
      new FakeReactor().asReactor(),
      `tls:host=127.0.0.1:port=443:caCerts=${path('ca.pem')}:certificate=${path('client.pem')}`,
    );
    expect(endpoint).toBeInstanceOf(TLSClientEndpoint);
    const tls = (endpoint as TLSClientEndpoint).tls;
    expect(tls.ca).toEqual([`${ca.cert.trim()}\n`]);
    expect(tls.credentials?.cert).toContain(client.cert.trim());
    // An IP literal is verified against the certificate's IP names: no serverName override.
    expect(tls.serverName).toBeUndefined();
  });

  it('tls: client to a name uses HostnameEndpoint and verifies the name on each address', () => {
    const reactor = new FakeReactor();
    reactor.resolver.table.set('example.org', ['192.0.2.1']);
    const endpoint = clientFromString(
      reactor.asReactor(),
      `tls:example.org:443:trustRoots=${path('ca.pem')}`,
    );
    expect(endpoint).toBeInstanceOf(HostnameEndpoint);
    void endpoint.connect(factory);
    const [connector] = reactor.connects;
    expect(connector).toMatchObject({
      kind: 'tls',
      host: '192.0.2.1',
      tls: { serverName: 'example.org' },
    });
  });

  it('tls: client rejects two names for the CA bundle and a key without a certificate', () => {
    expect(() =>
      clientFromString(
        new FakeReactor().asReactor(),
        `tls:h:1:caCerts=${path('ca.pem')}:trustRoots=${path('ca.pem')}`,
      ),
    ).toThrow(/caCerts and trustRoots name the same thing/);
    expect(() =>
      clientFromString(new FakeReactor().asReactor(), `tls:h:1:privateKey=${path('key.pem')}`),
    ).toThrow(/privateKey is given without certificate/);
  });
});

describe('clientFromString', () => {
  function connectorFor(
    description: string,
    configure?: (reactor: FakeReactor) => void,
  ): FakeReactor {
    const reactor = new FakeReactor();
    configure?.(reactor);
    void clientFromString(reactor.asReactor(), description).connect(factory);
    return reactor;
  }

  it('tcp: an IPv4 literal connects directly, with timeout and bindAddress', () => {
    const endpoint = clientFromString(
      new FakeReactor().asReactor(),
      'tcp:host=127.0.0.1:port=6667',
    );
    expect(endpoint).toBeInstanceOf(TCP4ClientEndpoint);
    const [connector] = connectorFor(
      'tcp:host=127.0.0.1:port=6667:timeout=2.5:bindAddress=127.0.0.2',
    ).connects;
    expect(connector).toMatchObject({
      host: '127.0.0.1',
      options: { timeout: 2.5, bindAddress: { host: '127.0.0.2', port: 0 } },
    });
    expect(connector?.destination).toMatchObject({ port: 6667 });
  });

  it('tcp: an escaped IPv6 literal (with or without brackets) uses TCP6ClientEndpoint', () => {
    expect(
      clientFromString(new FakeReactor().asReactor(), 'tcp:host=\\:\\:1:port=80'),
    ).toBeInstanceOf(TCP6ClientEndpoint);
    expect(connectorFor('tcp:host=[\\:\\:1]:port=80').connects[0]).toMatchObject({ host: '::1' });
  });

  it('tcp: a host name goes through HostnameEndpoint and the reactor resolver', () => {
    const reactor = connectorFor('tcp:host=localhost:port=80', (r) =>
      r.resolver.table.set('localhost', ['127.0.0.1', '::1']),
    );
    expect(reactor.resolver.lookups).toEqual(['localhost']);
    expect(reactor.connects.map((c) => c.host)).toEqual(['::1']);
  });

  it('tcp: positional host and port, and Twisted’s "port positional when host is a keyword"', () => {
    expect(connectorFor('tcp:127.0.0.1:80').connects[0]).toMatchObject({
      host: '127.0.0.1',
      destination: { port: 80 },
    });
    expect(connectorFor('tcp:80:host=127.0.0.1').connects[0]).toMatchObject({
      host: '127.0.0.1',
      destination: { port: 80 },
    });
  });

  it('tcp6: and unix: clients', () => {
    expect(
      clientFromString(new FakeReactor().asReactor(), 'tcp6:host=\\:\\:1:port=1'),
    ).toBeInstanceOf(TCP6ClientEndpoint);
    expect(
      clientFromString(new FakeReactor().asReactor(), 'unix:path=/run/tw.sock'),
    ).toBeInstanceOf(UNIXClientEndpoint);
    expect(connectorFor('unix:/run/tw.sock:timeout=3').connects[0]).toMatchObject({
      kind: 'unix',
      host: '/run/tw.sock',
      options: { timeout: 3 },
    });
  });

  it.each([
    ['tcp:host=example.org', /needs port/],
    ['tcp:port=80', /needs host/],
    ['tcp:host=a:port=80:timeout=0', /timeout must be a positive number of seconds/],
    ['tcp:host=a:port=80:timeout=soon', /timeout must be a positive number/],
    ['unix:timeout=1', /needs path/],
  ])('%s is rejected', (description, message) => {
    expect(() => clientFromString(new FakeReactor().asReactor(), description)).toThrow(message);
  });

  it('client and server schemes are separate lists', () => {
    expect(defaultEndpointRegistry.clientSchemes()).toEqual(['ssl', 'tcp', 'tcp6', 'tls', 'unix']);
    expect(() =>
      clientFromString(new FakeReactor().asReactor(), 'tcp:host=a:port=1:interface=x'),
    ).toThrow(/It accepts: host, port, timeout, bindAddress/);
  });
});

describe('EndpointRegistry', () => {
  const stub: IStreamClientEndpoint = {
    connect: () => Promise.reject(new Error('unused')) as never,
  };

  it('a package adds a scheme; the parser receives reactor, positional and keyword arguments', () => {
    const registry = createDefaultEndpointRegistry();
    const seen: unknown[] = [];
    registry.registerClientEndpointParser('ssh', (reactor, args, kwargs, context) => {
      seen.push(reactor, [...args], { ...kwargs }, context.values);
      return stub;
    });
    const reactor = new FakeReactor().asReactor();
    expect(clientFromString(reactor, 'ssh:host=h:user=me:channel\\:1', { registry })).toBe(stub);
    expect(seen).toEqual([
      reactor,
      ['channel:1'],
      { host: 'h', user: 'me' },
      { host: 'h', user: 'me' },
    ]);
    // The default registry is untouched.
    expect(() => clientFromString(reactor, 'ssh:host=h')).toThrow(UnknownEndpointSchemeError);
  });

  it('a declared parser gets keyword checks and positional binding by name', () => {
    const registry = new EndpointRegistry();
    let values: Record<string, string> = {};
    registry.registerServerEndpointParser('ws', {
      positional: ['port', 'path'],
      keywords: ['port', 'path', 'origin'],
      usage: 'ws:PORT:PATH',
      parse: (_reactor, _args, _kwargs, context) => {
        values = { ...context.values };
        return { listen: () => Promise.reject(new Error('unused')) as never };
      },
    });
    serverFromString(new FakeReactor().asReactor(), 'ws:80:/chat:origin=https\\://a', { registry });
    expect(values).toEqual({ port: '80', path: '/chat', origin: 'https://a' });
    expect(() =>
      serverFromString(new FakeReactor().asReactor(), 'ws:80:/chat:x=1', { registry }),
    ).toThrow(/It accepts: port, path, origin/);
    expect(() => serverFromString(new FakeReactor().asReactor(), 'ws:1:2:3', { registry })).toThrow(
      /Usage: ws:PORT:PATH/,
    );
    expect(() => serverFromString(new FakeReactor().asReactor(), 'tcp:80', { registry })).toThrow(
      /Registered server schemes: ws\./,
    );
  });

  it('registering a scheme twice needs replace: true', () => {
    const registry = createDefaultEndpointRegistry();
    expect(() => registry.registerClientEndpointParser('tcp', () => stub)).toThrow(
      EndpointSchemeAlreadyRegisteredError,
    );
    registry.registerClientEndpointParser('TCP', () => stub, { replace: true });
    expect(clientFromString(new FakeReactor().asReactor(), 'tcp:anything', { registry })).toBe(
      stub,
    );
    expect(() => registry.registerClientEndpointParser('a:b', () => stub)).toThrow(
      /must be non-empty and contain no/,
    );
  });

  it('copy() is independent of the original', () => {
    const original = new EndpointRegistry();
    const copy = original.copy();
    copy.registerClientEndpointParser('x', () => stub);
    expect(copy.clientSchemes()).toEqual(['x']);
    expect(original.clientSchemes()).toEqual([]);
  });
});
