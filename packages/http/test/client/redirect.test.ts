import { afterEach, describe, expect, it } from 'vitest';
import {
  Agent,
  FileBodyProducer,
  InfiniteRedirection,
  RedirectAgent,
  RedirectDowngradeRefused,
  RedirectWithNoLocation,
  readBody,
} from '../../src/index.js';
import { Headers } from '../../src/wire/headers.js';
import {
  requestBody,
  startHTTPServer,
  startReactor,
  stopServersAndReactors,
  text,
} from './harness.js';

afterEach(stopServersAndReactors);

interface Seen {
  method: string;
  url: string;
  body: string;
  contentType: string | undefined;
  authorization: string | undefined;
}

/** /redirect/<code> redirects to /final; /final echoes what it got. */
async function redirectServer(seen: Seen[]) {
  return startHTTPServer((req, res) => {
    void requestBody(req).then((body) => {
      seen.push({
        method: req.method ?? '',
        url: req.url ?? '',
        body: body.toString(),
        contentType: req.headers['content-type'],
        authorization: req.headers.authorization,
      });
      const match = /^\/redirect\/(\d+)$/.exec(req.url ?? '');
      if (match !== null) {
        res.writeHead(Number(match[1]), { Location: '/final' });
        res.end('redirect body');
        return;
      }
      res.end(`final ${req.method}`);
    });
  });
}

describe('RedirectAgent', () => {
  const cases: [number, string, string, string][] = [
    // code, method sent, method expected on /final, body expected on /final
    [301, 'POST', 'GET', ''],
    [302, 'POST', 'GET', ''],
    [303, 'POST', 'GET', ''],
    [303, 'PUT', 'GET', ''],
    [301, 'PUT', 'PUT', 'data'],
    [307, 'POST', 'POST', 'data'],
    [308, 'POST', 'POST', 'data'],
    [302, 'GET', 'GET', ''],
    [307, 'GET', 'GET', ''],
  ];
  for (const [code, method, expectedMethod, expectedBody] of cases) {
    it(`${code} after ${method}: follows with ${expectedMethod}${expectedBody ? ' and the body' : ''}`, async () => {
      const seen: Seen[] = [];
      const server = await redirectServer(seen);
      const agent = new RedirectAgent(new Agent(startReactor()));
      const body = method === 'GET' ? null : new FileBodyProducer(new TextEncoder().encode('data'));
      const headers = new Headers({ 'Content-Type': 'text/plain' });
      const response = await agent.request(method, `${server.url}/redirect/${code}`, headers, body);
      expect(response.code).toBe(200);
      expect(text(await readBody(response))).toBe(`final ${expectedMethod}`);
      expect(response.previousResponse?.code).toBe(code);
      expect(seen[1]?.method).toBe(expectedMethod);
      expect(seen[1]?.body).toBe(expectedBody);
      expect(seen[1]?.contentType).toBe(
        expectedBody === '' && method !== 'GET' && expectedMethod === 'GET'
          ? undefined
          : 'text/plain',
      );
      // The redirect's body was drained, so one connection carried both requests.
      expect(server.sockets).toHaveLength(1);
    });
  }

  it('strips Authorization on a cross-origin redirect and keeps it on the same origin', async () => {
    const seen: Seen[] = [];
    const target = await redirectServer(seen);
    const origin = await startHTTPServer((req, res) => {
      res.writeHead(302, {
        Location: req.url === '/same' ? '/redirect-done' : `http://localhost:${target.port}/final`,
      });
      res.end();
    });
    const agent = new RedirectAgent(new Agent(startReactor()));
    const headers = new Headers({ Authorization: 'Bearer secret' });
    await readBody(await agent.request('GET', `${origin.url}/cross`, headers));
    expect(seen[0]?.authorization).toBeUndefined();
    // Same origin (a redirect to itself): the header survives.
    const sameSeen: string[] = [];
    const same = await startHTTPServer((req, res) => {
      sameSeen.push(req.headers.authorization ?? '');
      if (req.url === '/start') {
        res.writeHead(302, { Location: '/next' });
        res.end();
      } else res.end('done');
    });
    await readBody(await agent.request('GET', `${same.url}/start`, headers));
    expect(sameSeen).toEqual(['Bearer secret', 'Bearer secret']);
  });

  it('fails with InfiniteRedirection past the limit', async () => {
    const server = await startHTTPServer((_req, res) => {
      res.writeHead(302, { Location: '/loop' });
      res.end();
    });
    const agent = new RedirectAgent(new Agent(startReactor()), { redirectLimit: 3 });
    await expect(agent.request('GET', `${server.url}/loop`).asPromise()).rejects.toBeInstanceOf(
      InfiniteRedirection,
    );
  });

  it('fails with RedirectWithNoLocation when Location is missing', async () => {
    const server = await startHTTPServer((_req, res) => {
      res.writeHead(301);
      res.end();
    });
    const agent = new RedirectAgent(new Agent(startReactor()));
    await expect(agent.request('GET', server.url).asPromise()).rejects.toBeInstanceOf(
      RedirectWithNoLocation,
    );
  });

  it('refuses https → http unless allowed', async () => {
    const { generateSelfSignedCertificate } = await import('@tw/core');
    const { startHTTPSServer } = await import('./harness.js');
    const credentials = generateSelfSignedCertificate();
    const plain = await startHTTPServer((_req, res) => res.end('plain'));
    const secure = await startHTTPSServer(credentials, (_req, res) => {
      res.writeHead(302, { Location: `${plain.url}/` });
      res.end();
    });
    const reactor = startReactor();
    const base = new Agent(reactor, { tls: { ca: credentials.cert } });
    const url = `https://localhost:${secure.port}/`;
    await expect(new RedirectAgent(base).request('GET', url).asPromise()).rejects.toBeInstanceOf(
      RedirectDowngradeRefused,
    );
    const allowed = new RedirectAgent(base, { allowInsecureDowngrade: true });
    expect(text(await readBody(await allowed.request('GET', url)))).toBe('plain');
  });

  it('returns a 307 as it is when the body was a stream that cannot be sent again', async () => {
    const { Readable } = await import('node:stream');
    const seen: Seen[] = [];
    const server = await redirectServer(seen);
    const agent = new RedirectAgent(new Agent(startReactor()));
    const response = await agent.request(
      'POST',
      `${server.url}/redirect/307`,
      null,
      new FileBodyProducer(Readable.from([Buffer.from('once')])),
    );
    expect(response.code).toBe(307);
    expect(seen).toHaveLength(1);
  });
});
