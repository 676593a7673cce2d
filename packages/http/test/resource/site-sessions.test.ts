import { describe, expect, it } from 'vitest';
import type { IRequest, RenderResult } from '../../src/interfaces.js';
import { Resource } from '../../src/resource/resource.js';
import type { Site } from '../../src/resource/site.js';
import { setCookie, siteHarness, type ParsedResponse } from './site-harness.js';

/** Counts visits in the session; `viaSite` uses Site.sessionForRequest instead of getSession. */
class Counter extends Resource {
  override isLeaf = true;
  site: Site | null = null;
  render_GET(request: IRequest): RenderResult {
    const session =
      request.args.has('viaSite') && this.site !== null
        ? this.site.sessionForRequest(request)
        : request.getSession();
    const visits = ((session.data.get('visits') as number | undefined) ?? 0) + 1;
    session.data.set('visits', visits);
    return `${visits}`;
  }
}

function cookiePair(response: ParsedResponse): string {
  const header = setCookie(response, 'TW_SESSION');
  expect(header).not.toBeNull();
  return header!.slice(0, header!.indexOf(';'));
}

describe('sessions through the Site', () => {
  it('keeps one session across requests with the TW_SESSION cookie', () => {
    const harness = siteHarness(new Counter());
    const first = harness.request('GET', '/');
    expect(first.body).toBe('1');
    const header = setCookie(first, 'TW_SESSION')!;
    expect(header).toMatch(/^TW_SESSION=[0-9a-f]{64}; Path=\/; HttpOnly; SameSite=Lax$/);

    const second = harness.request('GET', '/', { Cookie: `a=b; ${cookiePair(first)}` });
    expect(second.body).toBe('2');
    expect(setCookie(second, 'TW_SESSION')).toBeNull();
    expect(harness.site.sessions.size).toBe(1);
  });

  it('marks the cookie Secure over TLS', () => {
    const harness = siteHarness(new Counter());
    const [response] = harness.exchange('GET / HTTP/1.1\r\nHost: t\r\n\r\n', { secure: true });
    expect(setCookie(response!, 'TW_SESSION')).toMatch(/; Secure; HttpOnly; SameSite=Lax$/);
  });

  it('expires idle sessions on the reactor clock and runs expiry callbacks', () => {
    const harness = siteHarness(new Counter(), { sessionTimeout: 60 });
    const first = harness.request('GET', '/');
    const uid = cookiePair(first).split('=')[1]!;
    const expired: string[] = [];
    harness.site.getSession(uid)!.notifyOnExpire(() => expired.push(uid));

    harness.clock.advance(59);
    expect(harness.request('GET', '/', { Cookie: cookiePair(first) }).body).toBe('2');
    harness.clock.advance(59); // touched at 59: still alive at 118
    expect(expired).toEqual([]);
    harness.clock.advance(1);
    expect(expired).toEqual([uid]);

    const after = harness.request('GET', '/', { Cookie: cookiePair(first) });
    expect(after.body).toBe('1');
    expect(cookiePair(after)).not.toBe(cookiePair(first));
  });

  it('ignores a made-up session id and issues a fresh one', () => {
    const harness = siteHarness(new Counter());
    const response = harness.request('GET', '/', { Cookie: 'TW_SESSION=chosen-by-attacker' });
    expect(response.body).toBe('1');
    expect(cookiePair(response)).not.toBe('TW_SESSION=chosen-by-attacker');
  });

  it('Site.sessionForRequest keeps HTTPS sessions away from plain HTTP', () => {
    const counter = new Counter();
    const harness = siteHarness(counter);
    counter.site = harness.site;
    const [secure] = harness.exchange('GET /?viaSite HTTP/1.1\r\nHost: t\r\n\r\n', {
      secure: true,
    });
    const cookie = cookiePair(secure!);
    const [again] = harness.exchange(
      `GET /?viaSite HTTP/1.1\r\nHost: t\r\nCookie: ${cookie}\r\n\r\n`,
      {
        secure: true,
      },
    );
    expect(again!.body).toBe('2');
    const plain = harness.request('GET', '/?viaSite', { Cookie: cookie });
    expect(plain.body).toBe('1');
    expect(cookiePair(plain)).not.toBe(cookie);
  });

  it('request.getSession() never hands a session made over HTTPS to plain HTTP', () => {
    const harness = siteHarness(new Counter());
    const [secure] = harness.exchange('GET / HTTP/1.1\r\nHost: t\r\n\r\n', { secure: true });
    const cookie = cookiePair(secure!);
    const plain = harness.request('GET', '/', { Cookie: cookie });
    expect(plain.body).toBe('1');
    expect(cookiePair(plain)).not.toBe(cookie);
  });

  it('caps the number of sessions', () => {
    const harness = siteHarness(new Counter(), { maxSessions: 3 });
    for (let i = 0; i < 10; i++) harness.request('GET', '/');
    expect(harness.site.sessions.size).toBe(3);
  });
});
