import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Clock, StringTransport } from '@tw/core/testing';
import { arbitrarySplits } from '@tw/core/testing/split-feeder';
import {
  FingerFactory,
  MemoryFingerDirectory,
  type FingerServerOptions,
  type FingerUser,
} from '../src/index.js';

const demo: FingerUser = {
  login: 'demo',
  name: 'Demo User',
  office: 'Loopback 127',
  project: 'Trying out @tw\nsecond line is not shown',
  plan: 'Line one\nLine two\n',
};

/** Let the directory's promise settle and the reply be written. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function connect(options: FingerServerOptions = {}, users: FingerUser[] = [demo]) {
  const clock = new Clock();
  const factory = new FingerFactory(new MemoryFingerDirectory(users), clock, options);
  const transport = new StringTransport();
  const protocol = factory.buildProtocol();
  transport.connect(protocol);
  return { clock, transport, protocol };
}

async function ask(
  query: string | Uint8Array[],
  options: FingerServerOptions = {},
  users?: FingerUser[],
) {
  const { transport, protocol } = connect(options, users);
  const chunks = typeof query === 'string' ? [new TextEncoder().encode(query)] : query;
  for (const chunk of chunks) protocol.dataReceived(chunk);
  await settle();
  return transport;
}

describe('FingerServer', () => {
  it('answers a user query with the login, the name and the plan, in CRLF lines, then closes', async () => {
    const transport = await ask('demo\r\n');
    expect(transport.text()).toBe(
      `Login: ${'demo'.padEnd(32)}Name: Demo User\r\nPlan:\r\nLine one\r\nLine two\r\n`,
    );
    expect(transport.disconnecting).toBe(true);
  });

  it('accepts a bare LF as the line end', async () => {
    expect((await ask('demo\n')).text()).toContain('Name: Demo User\r\n');
  });

  it('adds office and the first line of the project for /W (RFC 1288 verbose)', async () => {
    const text = (await ask('/W demo\r\n')).text();
    expect(text).toContain('Office: Loopback 127\r\n');
    expect(text).toContain('Project: Trying out @tw\r\n');
    expect(text).not.toContain('second line');
    expect((await ask('demo\r\n')).text()).not.toContain('Office:');
  });

  it('says "No Plan." for a user without one', async () => {
    const text = (await ask('nobody-home\r\n', {}, [{ login: 'nobody-home' }])).text();
    expect(text).toBe(`Login: ${'nobody-home'.padEnd(32)}Name: \r\nNo Plan.\r\n`);
  });

  it('says when a user does not exist', async () => {
    expect((await ask('ghost\r\n')).text()).toBe('finger: ghost: no such user.\r\n');
  });

  it('refuses forwarding queries with the RFC 1288 message', async () => {
    for (const query of ['demo@example.org\r\n', '@example.org\r\n', '/W demo@a@b\r\n']) {
      const transport = await ask(query);
      expect(transport.text()).toBe('Finger forwarding service denied\r\n');
      expect(transport.disconnecting).toBe(true);
    }
  });

  it('refuses the empty query unless listing is allowed, then lists every user', async () => {
    expect((await ask('\r\n')).text()).toBe('Finger online list denied\r\n');
    const listed = (
      await ask('/W\r\n', { allowListing: true }, [demo, { login: 'alice', name: 'Alice' }])
    ).text();
    expect(listed).toBe(
      `${'Login'.padEnd(16)}Name\r\n${'alice'.padEnd(16)}Alice\r\n${'demo'.padEnd(16)}Demo User\r\n`,
    );
  });

  it('rejects user names that could be paths or several names', async () => {
    expect((await ask('../etc/passwd\r\n')).text()).toBe(
      'finger: invalid query (bad user name).\r\n',
    );
    expect((await ask('demo alice\r\n')).text()).toBe(
      'finger: invalid query (one user name per query).\r\n',
    );
  });

  it('refuses a query longer than the limit with a reply naming it, and closes', async () => {
    const { transport, protocol } = connect({ maxQueryLength: 16 });
    protocol.dataReceived(new TextEncoder().encode('x'.repeat(40)));
    await settle();
    expect(transport.text()).toBe('finger: query longer than 16 bytes; refused.\r\n');
    expect(transport.disconnecting).toBe(true);
  });

  it('accepts a query exactly at the limit', async () => {
    const user = 'a'.repeat(16);
    const text = (await ask(`${user}\r\n`, { maxQueryLength: 16 }, [{ login: user }])).text();
    expect(text).toContain(`Login: ${user}`);
  });

  it('closes a connection that sends no query within the timeout', () => {
    const { clock, transport } = connect({ queryTimeout: 5 });
    clock.advance(4.9);
    expect(transport.disconnecting).toBe(false);
    clock.advance(0.2);
    expect(transport.disconnecting).toBe(true);
    expect(transport.text()).toBe('');
  });

  it('answers once: data after the query is ignored', async () => {
    const transport = await ask('demo\r\nalice\r\n/W demo\r\n');
    expect(transport.text().match(/Login:/g)).toHaveLength(1);
  });

  it('makes control characters in a plan visible instead of sending them', async () => {
    const text = (
      await ask('demo\r\n', {}, [{ login: 'demo', plan: 'bold \x1b[1mtext\x07\tend' }])
    ).text();
    expect(text).toContain('bold ^[[1mtext^G\tend\r\n');
    expect(text).not.toContain('\x1b');
  });

  it('cuts a plan at maxPlanBytes and says so', async () => {
    const text = (
      await ask('demo\r\n', { maxPlanBytes: 10 }, [{ login: 'demo', plan: 'abcdefghijklmnop' }])
    ).text();
    expect(text).toContain('Plan:\r\nabcdefghij\r\n[plan truncated at 10 bytes]\r\n');
  });

  it('gives the same reply however the query is split into chunks', async () => {
    const query = '/W demo\r\n';
    const expected = (await ask(query)).text();
    await fc.assert(
      fc.asyncProperty(arbitrarySplits(query), async (chunks) => {
        expect((await ask(chunks)).text()).toBe(expected);
      }),
      { numRuns: 60 },
    );
  });

  it('writes nothing when the client left before the directory answered', async () => {
    const { transport, protocol } = connect();
    protocol.dataReceived(new TextEncoder().encode('demo\r\n'));
    transport.reportDisconnect();
    const before = transport.value().byteLength;
    await settle();
    expect(transport.value().byteLength).toBe(before);
  });

  it('still answers a client that half-closed right after its query (nc -N, tw connect)', async () => {
    const { transport, protocol } = connect();
    protocol.dataReceived(new TextEncoder().encode('demo\r\n'));
    protocol.readConnectionLost();
    expect(transport.disconnecting).toBe(false);
    await settle();
    expect(transport.text()).toContain('Name: Demo User\r\n');
    expect(transport.disconnecting).toBe(true);
  });

  it('closes at once when the client half-closes without sending a query', () => {
    const { transport, protocol } = connect();
    protocol.readConnectionLost();
    expect(transport.text()).toBe('');
    expect(transport.disconnecting).toBe(true);
  });
});
