import {
  InMemoryPasswordChecker,
  InMemoryUsernamePasswordDatabaseDontUse,
  LoginThrottle,
  Portal,
  SimpleRealm,
  ipv4Address,
  type AvatarId,
} from '@tw/core';
import { capturedEvents, type Clock } from '@tw/core/testing';
import { describe, expect, it } from 'vitest';
import type { IRequest, IResource, RenderResult } from '../../src/interfaces.js';
import { BasicCredentialFactory, formatChallenge } from '../../src/resource/credential-factory.js';
import { HTTPAuthSessionWrapper, RESOURCE_AVATAR_INTERFACE } from '../../src/resource/guard.js';
import { Resource } from '../../src/resource/resource.js';
import { parseResponses } from '../server/harness.js';
import { siteHarness, utf8Body, type ParsedResponse, type SiteHarness } from './site-harness.js';

class Home extends Resource {
  override isLeaf = true;
  constructor(private readonly user: AvatarId) {
    super();
  }
  render_GET(request: IRequest): RenderResult {
    return `home of ${String(this.user)} at /${request.prepath.join('/')}`;
  }
}

const FAST_HASH = { N: 16, r: 1, p: 1 } as const;

async function setUp(): Promise<{ harness: SiteHarness; logouts: string[] }> {
  const checker = new InMemoryPasswordChecker();
  await checker.addUser('alice', 'wonder land', FAST_HASH);
  await checker.addUser('jürgen', 'pässword', FAST_HASH);
  const logouts: string[] = [];
  const realm = new SimpleRealm<IResource>(
    {
      [RESOURCE_AVATAR_INTERFACE]: (id) => {
        const root = new Resource();
        root.putChild('', new Home(id));
        root.putChild('docs', new Home(id));
        return root;
      },
    },
    { logout: (avatar) => logouts.push(String(avatar.isLeaf)) },
  );
  const top = new Resource();
  const harness = siteHarness(top);
  const portal = new Portal<IResource>(realm, [checker], {
    throttle: new LoginThrottle(harness.clock, { baseDelay: 2 }),
  });
  top.putChild(
    'private',
    new HTTPAuthSessionWrapper(portal, [new BasicCredentialFactory('the "zoo"')]),
  );
  return { harness, logouts };
}

function basic(user: string, password: string): string {
  return 'Basic ' + Buffer.from(`${user}:${password}`, 'utf8').toString('base64');
}

/**
 * Send one request and wait for its response: scrypt runs on libuv's thread pool (real time,
 * bounded wait), the throttle's delay on the virtual clock.
 */
async function serve(
  harness: SiteHarness,
  path: string,
  headers: Record<string, string> = {},
  peer = ipv4Address('TCP', '192.0.2.7', 40000),
): Promise<ParsedResponse> {
  let head = `GET ${path} HTTP/1.1\r\nHost: t\r\n`;
  for (const [name, value] of Object.entries(headers)) head += `${name}: ${value}\r\n`;
  harness.exchange(head + '\r\n', { peer });
  const transport = harness.lastTransport!;
  const clock: Clock = harness.clock;
  for (let i = 0; i < 5000 && parseResponses(transport.text()).length === 0; i++) {
    await new Promise((resolve) => setTimeout(resolve, 2));
    clock.advance(1);
  }
  const responses = parseResponses(Buffer.from(transport.value()).toString('latin1'));
  expect(responses).toHaveLength(1);
  return responses[0]!;
}

function challenges(response: ParsedResponse): string[] {
  return response.head
    .split('\r\n')
    .filter((line) => /^www-authenticate:/i.test(line))
    .map((line) => line.slice(line.indexOf(':') + 1).trim());
}

describe('HTTPAuthSessionWrapper with Basic', () => {
  it('asks for credentials with 401 and a UTF-8 Basic challenge', async () => {
    const { harness } = await setUp();
    const response = await serve(harness, '/private/docs');
    expect(response.status).toBe(401);
    expect(challenges(response)).toEqual(['Basic realm="the \\"zoo\\"", charset="UTF-8"']);
  });

  it('renders the avatar with the rest of the path, then logs out', async () => {
    const { harness, logouts } = await setUp();
    const response = await serve(harness, '/private/docs', {
      Authorization: basic('alice', 'wonder land'),
    });
    expect(response.status).toBe(200);
    expect(response.body).toBe('home of alice at /private/docs');
    expect(logouts).toEqual(['false']);
  });

  it('serves the avatar itself at the wrapper path', async () => {
    const { harness } = await setUp();
    const response = await serve(harness, '/private/', {
      Authorization: basic('alice', 'wonder land'),
    });
    expect(response.body).toBe('home of alice at /private/');
  });

  it('decodes UTF-8 user names and passwords', async () => {
    const { harness } = await setUp();
    const response = await serve(harness, '/private/', {
      Authorization: basic('jürgen', 'pässword'),
    });
    expect(utf8Body(response)).toBe('home of jürgen at /private/');
  });

  it('refuses a wrong password with 401, after the throttle delay', async () => {
    const { harness } = await setUp();
    const started = harness.clock.seconds();
    const response = await serve(
      harness,
      '/private/docs',
      { Authorization: basic('alice', 'wrong') },
      ipv4Address('TCP', '198.51.100.1', 1234),
    );
    expect(response.status).toBe(401);
    expect(harness.clock.seconds() - started).toBeGreaterThanOrEqual(2);
    expect(challenges(response)[0]).toMatch(/^Basic realm=/);
  });

  it.each([
    ['Basic', 'no token'],
    ['Basic !!!notbase64', 'not base64'],
    [`Basic ${Buffer.from('nocolon').toString('base64')}`, 'no colon'],
    ['Bearer abc', 'another scheme'],
  ])('answers 401 to %j (%s)', async (authorization) => {
    const { harness } = await setUp();
    expect((await serve(harness, '/private/', { Authorization: authorization })).status).toBe(401);
  });

  it('accepts a lower-case scheme name', async () => {
    const { harness } = await setUp();
    const authorization = basic('alice', 'wonder land').replace('Basic', 'basic');
    expect((await serve(harness, '/private/', { Authorization: authorization })).status).toBe(200);
  });

  it('answers 500, not 401, when the realm has no http.resource avatar', async () => {
    const realm = new SimpleRealm<IResource>({ 'other.interface': () => new Resource() });
    const checker = new InMemoryUsernamePasswordDatabaseDontUse({ bob: 'pw' });
    const harness = siteHarness(
      new HTTPAuthSessionWrapper(new Portal(realm, [checker]), [new BasicCredentialFactory('r')]),
    );
    const log = capturedEvents();
    try {
      const response = await serve(harness, '/', { Authorization: basic('bob', 'pw') });
      expect(response.status).toBe(500);
    } finally {
      log.stop();
    }
    expect(log.messages().join('\n')).toContain('unexpected error');
  });

  it('formats challenges with quoted auth-params', () => {
    expect(formatChallenge('basic', { realm: 'a\\b' })).toBe('Basic realm="a\\\\b"');
    expect(formatChallenge('negotiate', {})).toBe('Negotiate');
  });
});
