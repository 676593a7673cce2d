import { ipv4Address, type Address } from '@tw/core';
import { Clock, StringTransport } from '@tw/core/testing';
import type { IResource } from '../../src/interfaces.js';
import { Site, type SiteOptions } from '../../src/resource/site.js';
import { parseResponses, type ParsedResponse } from '../server/harness.js';

export type { ParsedResponse };

/** A Site on a virtual clock, and a way to send it raw requests over fresh StringTransports. */
export interface SiteHarness {
  readonly site: Site;
  readonly clock: Clock;
  /**
   * Send `raw` (latin-1 text or bytes) on a new connection, in `chunks` pieces if given, and
   * return the responses written so far.
   */
  exchange(raw: string | Uint8Array, options?: ExchangeOptions): ParsedResponse[];
  /** One request: method, path, headers, body → its single response. */
  request(
    method: string,
    path: string,
    headers?: Record<string, string>,
    body?: string | Uint8Array,
  ): ParsedResponse;
  /** The transport of the last exchange (to keep feeding a connection or read raw output). */
  lastTransport: StringTransport | null;
}

export interface ExchangeOptions {
  /** Split points: the data is fed in pieces ending at these offsets. */
  readonly splits?: readonly number[];
  readonly peer?: Address;
  /** Pretend the connection is TLS (request.isSecure() is true). */
  readonly secure?: boolean;
}

/** A StringTransport that looks like TLS to isSSLTransport(). */
class SecureStringTransport extends StringTransport {
  readonly tlsEstablished = true;
  getPeerCertificate(): null {
    return null;
  }
  getNegotiatedProtocol(): null {
    return null;
  }
}

export function siteHarness(root: IResource, options: SiteOptions = {}): SiteHarness {
  const clock = new Clock();
  const site = new Site(clock, root, options);
  const harness: SiteHarness = {
    site,
    clock,
    lastTransport: null,
    exchange(raw, exchangeOptions = {}) {
      const peer = exchangeOptions.peer ?? ipv4Address('TCP', '192.0.2.7', 40000);
      const transport =
        exchangeOptions.secure === true
          ? new SecureStringTransport({ peer })
          : new StringTransport({ peer });
      const protocol = site.buildProtocol(peer);
      transport.connect(protocol);
      harness.lastTransport = transport;
      const bytes = typeof raw === 'string' ? Buffer.from(raw, 'latin1') : raw;
      let start = 0;
      for (const split of [...(exchangeOptions.splits ?? []), bytes.length]) {
        if (split <= start) continue;
        protocol.dataReceived(bytes.subarray(start, split));
        start = split;
      }
      return parseResponses(Buffer.from(transport.value()).toString('latin1'));
    },
    request(method, path, headers = {}, body) {
      const bytes =
        body === undefined
          ? undefined
          : typeof body === 'string'
            ? Buffer.from(body, 'utf8')
            : body;
      let head = `${method} ${path} HTTP/1.1\r\n`;
      if (!Object.keys(headers).some((name) => name.toLowerCase() === 'host'))
        head += 'Host: test\r\n';
      for (const [name, value] of Object.entries(headers)) head += `${name}: ${value}\r\n`;
      if (bytes !== undefined) head += `Content-Length: ${bytes.length}\r\n`;
      const raw = Buffer.concat([Buffer.from(head + '\r\n', 'latin1'), bytes ?? new Uint8Array(0)]);
      const responses = harness.exchange(raw);
      if (responses.length !== 1) throw new Error(`expected one response, got ${responses.length}`);
      return responses[0]!;
    },
  };
  return harness;
}

/** The `name=value` of the first Set-Cookie header for `name`, from a raw response head. */
export function setCookie(response: ParsedResponse, name: string): string | null {
  for (const line of response.head.split('\r\n')) {
    const match = /^set-cookie:\s*(.*)$/i.exec(line);
    if (match !== null && match[1]!.startsWith(`${name}=`)) return match[1]!;
  }
  return null;
}

/** The body of a response decoded as UTF-8 (the harness reads bytes as latin-1). */
export function utf8Body(response: ParsedResponse): string {
  return Buffer.from(response.body, 'latin1').toString('utf8');
}
