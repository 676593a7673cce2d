import { afterEach, describe, expect, it } from 'vitest';
import { Agent, CookieAgent, CookieJar, RedirectAgent, readBody } from '../../src/index.js';
import { startHTTPServer, startReactor, stopServersAndReactors } from './harness.js';

afterEach(stopServersAndReactors);

describe('CookieJar (RFC 6265)', () => {
  it('matches host-only cookies exactly and Domain cookies on subdomains', () => {
    const jar = new CookieJar();
    jar.setCookiesFromResponse('http://www.example.com/', ['host=1', 'wide=2; Domain=example.com']);
    expect(jar.getCookieHeader('http://www.example.com/')).toBe('host=1; wide=2');
    expect(jar.getCookieHeader('http://a.example.com/')).toBe('wide=2');
    expect(jar.getCookieHeader('http://example.com/')).toBe('wide=2');
    expect(jar.getCookieHeader('http://notexample.com/')).toBeNull();
  });

  it('refuses Domain attributes that do not cover the host or are a bare TLD', () => {
    const jar = new CookieJar();
    jar.setCookiesFromResponse('http://www.example.com/', [
      'a=1; Domain=other.com',
      'b=2; Domain=com',
      'c=3; Domain=sub.www.example.com',
    ]);
    expect(jar.all()).toHaveLength(0);
  });

  it('matches paths on segment boundaries and defaults to the directory', () => {
    const jar = new CookieJar();
    jar.setCookiesFromResponse('http://h.test/app/page', [
      'dir=1',
      'root=2; Path=/',
      'deep=3; Path=/app/x',
    ]);
    expect(jar.getCookieHeader('http://h.test/app/x/y')).toBe('deep=3; dir=1; root=2');
    expect(jar.getCookieHeader('http://h.test/application')).toBe('root=2');
    expect(jar.getCookieHeader('http://h.test/app')).toBe('dir=1; root=2');
  });

  it('sends Secure cookies only over https and accepts them only from https', () => {
    const jar = new CookieJar();
    jar.setCookiesFromResponse('https://h.test/', ['s=1; Secure']);
    jar.setCookiesFromResponse('http://h.test/', ['t=2; Secure']);
    expect(jar.getCookieHeader('http://h.test/')).toBeNull();
    expect(jar.getCookieHeader('https://h.test/')).toBe('s=1');
  });

  it('expires cookies by Max-Age (over Expires) and deletes on a past expiry', () => {
    let now = Date.UTC(2030, 0, 1);
    const jar = new CookieJar({ now: () => now });
    jar.setCookiesFromResponse('http://h.test/', [
      'short=1; Max-Age=10; Expires=Wed, 01 Jan 2031 00:00:00 GMT',
      'long=2; Expires=Wed, 01 Jan 2031 00:00:00 GMT',
      'session=3',
    ]);
    expect(jar.getCookieHeader('http://h.test/')).toBe('short=1; long=2; session=3');
    now += 11_000;
    expect(jar.getCookieHeader('http://h.test/')).toBe('long=2; session=3');
    jar.setCookiesFromResponse('http://h.test/', ['session=x; Max-Age=0']);
    expect(jar.getCookieHeader('http://h.test/')).toBe('long=2');
  });

  it('bounds how many cookies a domain can store', () => {
    const jar = new CookieJar({ maxCookiesPerDomain: 3 });
    jar.setCookiesFromResponse(
      'http://h.test/',
      Array.from({ length: 10 }, (_, i) => `c${i}=${i}`),
    );
    expect(jar.all().map((c) => c.name)).toEqual(['c7', 'c8', 'c9']);
    jar.setCookiesFromResponse('http://h.test/', [`big=${'x'.repeat(5000)}`]);
    expect(jar.all().some((c) => c.name === 'big')).toBe(false);
  });
});

describe('CookieAgent', () => {
  it('stores Set-Cookie and sends the cookies on later requests, across a redirect', async () => {
    const seen: (string | undefined)[] = [];
    const server = await startHTTPServer((req, res) => {
      seen.push(req.headers.cookie);
      if (req.url === '/login') {
        res.writeHead(302, { Location: '/home', 'Set-Cookie': ['sid=abc; Path=/; HttpOnly'] });
        res.end();
        return;
      }
      res.end('home');
    });
    const jar = new CookieJar();
    const agent = new RedirectAgent(new CookieAgent(new Agent(startReactor()), jar));
    await readBody(await agent.request('GET', `${server.url}/login`));
    await readBody(await agent.request('GET', `${server.url}/again`));
    expect(seen).toEqual([undefined, 'sid=abc', 'sid=abc']);
    expect(jar.all()[0]?.httpOnly).toBe(true);
  });
});
