import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ipv4Address, ipv6Address, unixAddress, type Address } from '@tw/core';
import { checkConfig, loadConfigFile } from '../src/config.js';
import { defaultConfig } from '../src/default-config.js';
import { clientEndpointFor, formatTable, genericConnectHint } from '../src/table.js';

describe('config files', () => {
  it.each([
    [[], /must hold a JSON object/],
    [{}, /"services" must be a non-empty array/],
    [{ services: [] }, /"services" must be a non-empty array/],
    [{ services: [{ plugin: 'echo' }], port: 1 }, /unknown key "port"/],
    [{ services: [{ plugn: 'echo' }] }, /services\[0\] has an unknown key "plugn"/],
    [{ services: [{ plugin: 'echo', options: [] }] }, /services\[0\]\.options must be an object/],
    [{ services: [{ plugin: 'echo' }], logFormat: 'xml' }, /"logFormat" must be one of text, json/],
    [{ services: [{ plugin: 'echo' }], logLevel: 'loud' }, /"logLevel" must be/],
  ])('rejects %j', (data, message) => {
    expect(() => checkConfig(data, 'tw.json')).toThrow(message);
  });

  it("resolves a relative dataDir against the file's directory", () => {
    const dir = mkdtempSync(join(tmpdir(), 'tw-config-'));
    try {
      const path = join(dir, 'tw.json');
      writeFileSync(path, JSON.stringify({ dataDir: 'state', services: [{ plugin: 'echo' }] }));
      expect(loadConfigFile(path).dataDir).toBe(join(dir, 'state'));
      writeFileSync(path, '{ "services": [');
      expect(() => loadConfigFile(path)).toThrow(/is not valid JSON/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the default config puts every service on loopback at its offset from the port base', () => {
    const config = defaultConfig('/data', 7000);
    const listens = config.services.flatMap((service) => service.options!['listen'] as string[]);
    // Ports on loopback; the IRC bridge's Unix socket only its owner may open.
    const ports = listens.filter((endpoint) => !endpoint.startsWith('haproxy:'));
    expect(ports.every((endpoint) => endpoint.includes('interface=127.0.0.1'))).toBe(true);
    expect(listens.filter((endpoint) => endpoint.startsWith('haproxy:'))).toEqual([
      'haproxy:unix:/data/irc-bridge.sock:mode=600',
    ]);
    expect(listens).toContain('tcp:7000:interface=127.0.0.1');
    expect(listens).toContain(
      'tls:7443:interface=127.0.0.1:privateKey=/data/tls/localhost.key:certKey=/data/tls/localhost.crt',
    );
    expect(
      defaultConfig('/data', 0)
        .services.flatMap((s) => s.options!['listen'] as string[])
        .every((e) => /^(tcp|tls):0:/.test(e) || e.startsWith('haproxy:unix:')),
    ).toBe(true);
  });
});

describe('the table', () => {
  it('derives a `tw connect` command from the endpoint when the plugin gives none', () => {
    const tcp = ipv4Address('TCP', '127.0.0.1', 7000);
    const hint = (endpoint: string, address: Address): string =>
      genericConnectHint({
        endpoint,
        address,
        clientEndpoint: clientEndpointFor(endpoint, address),
        twCommand: 'tw',
      });
    expect(hint('tcp:7000', tcp)).toBe('tw connect tcp:host=127.0.0.1:port=7000');
    expect(hint('tcp6:7000:interface=\\:\\:1', ipv6Address('TCP', '::1', 7000))).toBe(
      "tw connect 'tcp:host=\\:\\:1:port=7000'",
    );
    expect(hint('tls:7000:privateKey=/k.pem:certKey=/my certs/c.pem', tcp)).toBe(
      "tw connect 'tls:host=127.0.0.1:port=7000:caCerts=/my certs/c.pem'",
    );
    expect(hint('unix:/tmp/s', unixAddress('/tmp/s'))).toBe('tw connect unix:path=/tmp/s');
    // A PROXY-protocol port answers no plain client: no command to copy, a word on what it is.
    expect(hint('haproxy:unix:/tmp/s', unixAddress('/tmp/s'))).toMatch(/^\(PROXY protocol only/);
  });

  it('aligns its columns', () => {
    const rows = [
      {
        service: 'echo',
        endpoint: 'tcp:7000',
        address: ipv4Address('TCP', '127.0.0.1', 7000),
        connect: 'nc 127.0.0.1 7000',
      },
      {
        service: 'finger',
        endpoint: 'tcp:79',
        address: ipv4Address('TCP', '127.0.0.1', 79),
        connect: 'finger demo@127.0.0.1',
      },
    ];
    expect(formatTable(rows, ['note'])).toBe(
      [
        '  service  listening on    try',
        '  echo     127.0.0.1:7000  nc 127.0.0.1 7000',
        '  finger   127.0.0.1:79    finger demo@127.0.0.1',
        '',
        '  note',
        '',
      ].join('\n'),
    );
  });
});
