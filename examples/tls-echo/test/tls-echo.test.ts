import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ClientFactory,
  NodeReactor,
  Protocol,
  inspectCertificate,
  type IListeningPort,
} from '@tw/core';
import {
  listenTLSEcho,
  makeLocalhostCertificate,
  type CertificateAndKey,
} from '../src/tls-echo.js';
import { startExample, stopExample } from '../../echo/test/run-example.js';

/** Run openssl s_client against 127.0.0.1:port, send `input`, resolve with stdout and exit code. */
function opensslClient(
  port: number,
  caFile: string,
  input: string,
  extra: string[] = [],
): Promise<{ out: string; code: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'openssl',
      [
        's_client',
        '-quiet',
        '-connect',
        `127.0.0.1:${port}`,
        '-CAfile',
        caFile,
        '-verify_return_error',
        '-verify_hostname',
        'localhost',
        // -quiet implies -ign_eof; we want s_client to close once it has sent our input.
        '-no_ign_eof',
        ...extra,
      ],
      { stdio: ['pipe', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes(input.trim())) child.stdin.end();
    });
    child.on('error', reject);
    child.on('exit', (code) => resolve({ out, code }));
    child.stdin.write(input);
    setTimeout(() => child.kill(), 10_000).unref();
  });
}

describe('TLS echo', () => {
  let reactor: NodeReactor;
  let port: IListeningPort;
  let certificate: CertificateAndKey;
  let caFile: string;
  let portNumber: number;

  beforeAll(async () => {
    reactor = new NodeReactor({ installSignalHandlers: false });
    certificate = makeLocalhostCertificate();
    caFile = join(mkdtempSync(join(tmpdir(), 'tw-tls-echo-')), 'cert.pem');
    writeFileSync(caFile, certificate.cert);
    port = await listenTLSEcho(reactor, 0, certificate);
    const host = port.getHost();
    portNumber = host.family === 'IPv4' ? host.port : -1;
  });

  afterAll(async () => {
    await port.stopListening();
  });

  it('the certificate names localhost, 127.0.0.1 and ::1', () => {
    const info = inspectCertificate(certificate.cert);
    expect(info.dnsNames).toContain('localhost');
    expect(info.ipAddresses).toEqual(expect.arrayContaining(['127.0.0.1', '::1']));
  });

  it('echoes to OpenSSL’s s_client, which verifies the certificate and host name', async () => {
    const { out, code } = await opensslClient(portNumber, caFile, 'hello through openssl\n');
    expect(out).toContain('hello through openssl');
    expect(code).toBe(0);
  });

  it('refuses TLS 1.1 from s_client', async () => {
    const { out } = await opensslClient(portNumber, caFile, 'never echoed\n', ['-tls1_1']);
    expect(out).not.toContain('never echoed');
  });

  it('echoes to a @tw client over connectTLS that trusts only this certificate', async () => {
    const received = await new Promise<string>((resolve, reject) => {
      class Client extends Protocol {
        override connectionMade(): void {
          this.transport.write(new TextEncoder().encode('tw to tw'));
        }
        override dataReceived(data: Uint8Array): void {
          resolve(new TextDecoder().decode(data));
          this.transport.loseConnection();
        }
      }
      const factory = new ClientFactory(Client);
      factory.clientConnectionFailed = (_connector, reason) => reject(reason.value as Error);
      reactor.connectTLS('127.0.0.1', portNumber, factory, {
        ca: certificate.cert,
        serverName: 'localhost',
      });
    });
    expect(received).toBe('tw to tw');
  });

  it('`start` runs the server program and prints how to connect', async () => {
    const { child, match } = await startExample(
      'tls-echo',
      'tls-echo-server',
      ['0'],
      /-connect 127\.0\.0\.1:\d+ -CAfile (\S+)/,
    );
    try {
      const printed = (await import('node:fs')).readFileSync(match[1]!, 'utf8');
      expect(printed).toContain('BEGIN CERTIFICATE');
    } finally {
      expect(await stopExample(child)).toBe(0);
    }
  });
});
