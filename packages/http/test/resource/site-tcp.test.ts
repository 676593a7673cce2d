import {
  InMemoryUsernamePasswordDatabaseDontUse,
  NodeReactor,
  Portal,
  SimpleRealm,
  type IListeningPort,
} from '@tw/core';
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IRequest, IResource, RenderResult } from '../../src/interfaces.js';
import { BasicCredentialFactory } from '../../src/resource/credential-factory.js';
import { getUploadedFiles } from '../../src/resource/uploaded-files.js';
import { HTTPAuthSessionWrapper, RESOURCE_AVATAR_INTERFACE } from '../../src/resource/guard.js';
import { Data } from '../../src/resource/data.js';
import { Resource } from '../../src/resource/resource.js';
import { Site } from '../../src/resource/site.js';

/** Real clients over loopback TCP: Node's http.request and fetch (undici) against a Site. */

class Upload extends Resource {
  override isLeaf = true;
  render_POST(request: IRequest): RenderResult {
    const session = request.getSession();
    const uploads = ((session.data.get('uploads') as number | undefined) ?? 0) + 1;
    session.data.set('uploads', uploads);
    const file = getUploadedFiles(request).get('file')?.[0];
    return JSON.stringify({
      uploads,
      note: request.args.get('note'),
      file: file === undefined ? null : [file.filename, file.contentType, file.data.length],
    });
  }
}

let reactor: NodeReactor;
let port: IListeningPort;
let base: string;

beforeAll(async () => {
  reactor = new NodeReactor({ installSignalHandlers: false, shutdownGracePeriod: 1 });
  void reactor.run();
  const root = new Resource();
  root.putChild('upload', new Upload());
  const realm = new SimpleRealm<IResource>({
    [RESOURCE_AVATAR_INTERFACE]: (id) => new Data(`secret for ${String(id)}`, 'text/plain'),
  });
  const portal = new Portal<IResource>(realm, [
    new InMemoryUsernamePasswordDatabaseDontUse({ ann: 'pw' }),
  ]);
  root.putChild('private', new HTTPAuthSessionWrapper(portal, [new BasicCredentialFactory('tw')]));
  port = await reactor.listenTCP(0, new Site(reactor, root), { interface: '127.0.0.1' });
  const host = port.getHost();
  base = `http://127.0.0.1:${host.family === 'IPv4' ? host.port : 0}`;
});

afterAll(async () => {
  await port.stopListening();
  reactor.stop();
});

function nodeGet(
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${base}${path}`, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

describe('Site over TCP', () => {
  it('takes a multipart upload from fetch and keeps the session by cookie', async () => {
    const form = new FormData();
    form.append('note', 'hello € world');
    form.append('file', new Blob([new Uint8Array(3000).fill(7)], { type: 'image/png' }), 'pic.png');
    const first = await fetch(`${base}/upload`, { method: 'POST', body: form });
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({
      uploads: 1,
      note: ['hello € world'],
      file: ['pic.png', 'image/png', 3000],
    });
    const cookie = first.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^TW_SESSION=[0-9a-f]{64}; Path=\/; HttpOnly; SameSite=Lax$/);

    const second = await fetch(`${base}/upload`, {
      method: 'POST',
      headers: {
        cookie: cookie.split(';')[0]!,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'note=again',
    });
    expect(await second.json()).toEqual({ uploads: 2, note: ['again'], file: null });
  });

  it('answers Node http.request with 401 and a challenge, then 200 with credentials', async () => {
    const refused = await nodeGet('/private');
    expect(refused.status).toBe(401);
    expect(refused.headers['www-authenticate']).toBe('Basic realm="tw", charset="UTF-8"');
    const allowed = await nodeGet('/private', {
      authorization: 'Basic ' + Buffer.from('ann:pw').toString('base64'),
    });
    expect(allowed).toMatchObject({ status: 200, body: 'secret for ann' });
  });

  it('answers 405 with Allow to a method the resource lacks', async () => {
    const response = await fetch(`${base}/upload`, { method: 'PUT', body: 'x' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('OPTIONS, POST');
    await response.arrayBuffer();
  });
});
