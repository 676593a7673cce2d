import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  Clock,
  InMemoryUsernamePasswordDatabaseDontUse,
  Portal,
  SSHPrivateKey,
  SimpleRealm,
  UsernamePassword,
  ipv4Address,
} from '../../src/index.js';
import { makeKey } from './ssh-fixtures.js';

const SECRET = 'pa55-w0rd-SECRET';

describe('credentials never show the password', () => {
  const credentials = new UsernamePassword('alice', SECRET);

  it('in util.inspect, console formatting, JSON, String() and template strings', () => {
    const renderings = [
      inspect(credentials),
      inspect({ nested: { credentials } }, { depth: 10, showHidden: true }),
      JSON.stringify(credentials),
      JSON.stringify({ event: 'login', credentials }),
      String(credentials),
      `${credentials}`,
    ];
    for (const text of renderings) {
      expect(text).toContain('alice');
      expect(text).not.toContain(SECRET);
    }
    expect(JSON.parse(JSON.stringify(credentials))).toEqual({
      kind: 'username-password',
      username: 'alice',
      password: '[redacted]',
    });
  });

  it('in object spread and Object.keys', () => {
    expect(JSON.stringify({ ...credentials })).not.toContain(SECRET);
    expect(Object.values(credentials)).not.toContain(SECRET);
  });

  it('while the password is still there for checkers', () => {
    expect(credentials.password).toBe(SECRET);
    expect(credentials.checkPassword(SECRET)).toBe(true);
    expect(credentials.checkPassword(`${SECRET}x`)).toBe(false);
    expect(credentials.checkPassword('')).toBe(false);
  });

  it('SSH key credentials print their fingerprint, not their bytes', () => {
    const key = makeKey('ed25519');
    const creds = new SSHPrivateKey('alice', 'ssh-ed25519', key.blob);
    expect(inspect(creds)).toMatch(
      /SSHPrivateKey\("alice", ssh-ed25519, SHA256:[A-Za-z0-9+/]{43}, query\)/,
    );
    expect(JSON.parse(JSON.stringify(creds))).toMatchObject({ username: 'alice', signed: false });
  });
});

describe('the portal’s log', () => {
  it('names the user and peer of a failed login, never the password tried', () => {
    const events: Array<[string, Record<string, unknown> | undefined]> = [];
    const record = (format: string, fields?: Record<string, unknown>): void => {
      events.push([format, fields]);
    };
    const logger = {
      namespace: 'test',
      debug: record,
      info: record,
      warn: record,
      error: record,
      critical: record,
      failure: record,
    };
    const clock = new Clock();
    const portal = new Portal(
      new SimpleRealm({ x: (id) => id }),
      [new InMemoryUsernamePasswordDatabaseDontUse({ alice: 'right' })],
      {
        reactor: clock,
        logger,
      },
    );
    portal
      .loginFrom(
        ipv4Address('TCP', '192.0.2.1', 5),
        new UsernamePassword('alice', SECRET),
        null,
        'x',
      )
      .addErrback(() => undefined);
    clock.advance(60);
    expect(events.length).toBeGreaterThan(0);
    expect(events[0]![1]).toMatchObject({
      username: 'alice',
      peer: expect.stringContaining('192.0.2.1') as unknown,
    });
    expect(JSON.stringify(events)).not.toContain(SECRET);
  });
});
