import type { IProtocol } from '@tw/core';

import { NOT_DONE_YET, type IRequest, type IResource, type RenderResult } from '../interfaces.js';
import type { WebSocketApplication } from './application.js';
import { buildServerWebSocket, serverSessionInfo } from './server-factory.js';
import {
  negotiateServerHandshake,
  type WebSocketServerOptions,
  type WebSocketUpgradeRequest,
} from './server-handshake.js';

/**
 * A request whose connection can be handed to another protocol: the HTTP server's Request
 * (src/server/request.ts) provides it. switchProtocols() sends 101 with the response headers
 * set so far, then attaches `protocol` to the transport and feeds it every later byte.
 */
export interface ISwitchProtocolsRequest extends IRequest {
  switchProtocols(protocol: IProtocol): void;
}

function canSwitchProtocols(request: IRequest): request is ISwitchProtocolsRequest {
  return typeof (request as Partial<ISwitchProtocolsRequest>).switchProtocols === 'function';
}

/**
 * A leaf of the resource tree that upgrades requests to WebSocket (RFC 6455 §4.2) and runs
 * `application` on each connection — a handler factory, or any @tw/core protocol factory whose
 * protocols then run over a WebSocketTransport. A request that is not a valid upgrade gets the
 * handshake's error answer (426 Upgrade Required with `Upgrade: websocket` for a plain GET,
 * 400, 403 from the origin check, 405 for other methods).
 *
 * @example
 * root.putChild('chat', new WebSocketResource(new Factory(ChatLine), { reactor }));
 */
export class WebSocketResource implements IResource {
  readonly isLeaf = true;

  constructor(
    readonly application: WebSocketApplication,
    readonly options: WebSocketServerOptions,
  ) {}

  getChildWithDefault(_name: string, _request: IRequest): IResource {
    return this;
  }

  putChild(_name: string, _child: IResource): void {
    throw new TypeError('A WebSocketResource is a leaf: it has no children.');
  }

  render(request: IRequest): RenderResult {
    const headers = new Map<string, string[]>();
    for (const [name, value] of request.requestHeaders) {
      const key = name.toLowerCase();
      const values = headers.get(key);
      if (values === undefined) headers.set(key, [value]);
      else values.push(value);
    }
    const upgrade: WebSocketUpgradeRequest = {
      method: request.method,
      version: request.clientproto,
      path: request.uri,
      headers,
    };
    const negotiated = negotiateServerHandshake(upgrade, this.options);
    if (!negotiated.ok) {
      return this.refuse(
        request,
        negotiated.status,
        negotiated.message,
        negotiated.responseHeaders,
      );
    }
    if (!canSwitchProtocols(request)) {
      return this.refuse(
        request,
        500,
        'This HTTP server cannot hand its connection over (the request has no switchProtocols()).',
        [],
      );
    }
    const session = serverSessionInfo(
      upgrade,
      negotiated,
      request.isSecure(),
      request.getClientAddress(),
      request.getHost(),
    );
    const { protocol } = buildServerWebSocket(this.application, negotiated, session, this.options);
    if (protocol === null)
      return this.refuse(request, 403, 'The application refused this WebSocket.', []);
    for (const [name, value] of negotiated.responseHeaders) {
      request.responseHeaders.addRawHeader(name, value);
    }
    request.switchProtocols(protocol);
    return NOT_DONE_YET;
  }

  private refuse(
    request: IRequest,
    status: number,
    message: string,
    headers: ReadonlyArray<readonly [string, string]>,
  ): RenderResult {
    request.setResponseCode(status);
    for (const [name, value] of headers) request.setHeader(name, value);
    request.setHeader('content-type', 'text/plain; charset=utf-8');
    return `${message}\n`;
  }
}
