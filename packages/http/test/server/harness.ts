import { StringTransport, Clock } from '@tw/core/testing';

import {
  NOT_DONE_YET,
  type IRequest,
  type IResource,
  type RenderResult,
} from '../../src/interfaces.js';
import { HTTPChannel } from '../../src/server/channel.js';
import { resolveHTTPServerOptions, type HTTPServerOptions } from '../../src/server/options.js';
import type { IRequestSite } from '../../src/server/site-contract.js';

/** A resource whose render is a function (leaf: renders every path). */
export class FnResource implements IResource {
  readonly isLeaf = true;
  readonly requests: IRequest[] = [];
  constructor(private readonly fn: (request: IRequest) => RenderResult) {}
  getChildWithDefault(): IResource {
    return this;
  }
  putChild(): void {}
  render(request: IRequest): RenderResult {
    this.requests.push(request);
    return this.fn(request);
  }
}

/** A resource that streams the request body. */
export class StreamingFnResource extends FnResource {
  readonly streamsRequestBody = true as const;
}

export interface Harness {
  channel: HTTPChannel;
  transport: StringTransport;
  clock: Clock;
  send(text: string | Uint8Array): void;
  /** Everything written so far, latin-1. */
  output(): string;
  /** Parsed responses from the output. */
  responses(): ParsedResponse[];
}

export interface ParsedResponse {
  status: number;
  head: string;
  headers: Record<string, string>;
  body: string;
}

export function connect(
  resource: IResource | ((request: IRequest) => RenderResult),
  options: HTTPServerOptions = {},
  siteExtras: Partial<IRequestSite> = {},
): Harness {
  const res = typeof resource === 'function' ? new FnResource(resource) : resource;
  const site: IRequestSite = { getResourceFor: () => res, ...siteExtras };
  const clock = new Clock();
  const channel = new HTTPChannel(clock, site, resolveHTTPServerOptions(options));
  const transport = new StringTransport();
  transport.connect(channel);
  const output = (): string => Buffer.from(transport.value()).toString('latin1');
  return {
    channel,
    transport,
    clock,
    send: (text) =>
      channel.dataReceived(typeof text === 'string' ? Buffer.from(text, 'latin1') : text),
    output,
    responses: () => parseResponses(output()),
  };
}

/** Split a byte transcript into responses (Content-Length, chunked, or to the end). */
export function parseResponses(text: string): ParsedResponse[] {
  const responses: ParsedResponse[] = [];
  let pos = 0;
  while (pos < text.length) {
    const end = text.indexOf('\r\n\r\n', pos);
    if (end < 0) break;
    const head = text.slice(pos, end);
    const lines = head.split('\r\n');
    const status = Number(lines[0]!.split(' ')[1]);
    const headers: Record<string, string> = {};
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(':');
      headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
    }
    pos = end + 4;
    let body = '';
    if (status < 200 || status === 204 || status === 304) {
      // no body
    } else if (headers['transfer-encoding'] === 'chunked') {
      for (;;) {
        const lineEnd = text.indexOf('\r\n', pos);
        if (lineEnd < 0) {
          pos = text.length; // an unfinished chunked body: keep what arrived
          break;
        }
        const size = parseInt(text.slice(pos, lineEnd), 16);
        pos = lineEnd + 2;
        if (size === 0 || Number.isNaN(size)) {
          const end = text.indexOf('\r\n', pos);
          pos = end < 0 ? text.length : end + 2;
          break;
        }
        body += text.slice(pos, pos + size);
        pos += size + 2;
      }
    } else if (headers['content-length'] !== undefined) {
      const length = Number(headers['content-length']);
      body = text.slice(pos, pos + length);
      pos += length;
    } else {
      body = text.slice(pos);
      pos = text.length;
    }
    responses.push({ status, head, headers, body });
  }
  return responses;
}

export { NOT_DONE_YET };
