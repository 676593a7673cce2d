import { describe, expect, it } from 'vitest';

import { record, registered } from './harness.js';

describe('IRCClient MONITOR', () => {
  it('sends MONITOR + and - in lines that fit, and C to clear', () => {
    const h = registered({}, 'CASEMAPPING=rfc1459 MONITOR=100');
    const many = Array.from({ length: 60 }, (_, i) => `friend${i}`);
    h.client.monitor(['alice', 'bob']);
    h.client.monitor(many);
    h.client.unmonitor(['bob']);
    h.client.unmonitor();
    const sent = h.take();
    expect(sent[0]).toBe('MONITOR + alice,bob');
    const plus = sent.slice(1, -2);
    expect(plus.length).toBeGreaterThan(1);
    expect(plus.every((line) => line.startsWith('MONITOR + ') && line.length + 2 <= 512)).toBe(
      true,
    );
    expect(plus.flatMap((line) => line.slice('MONITOR + '.length).split(','))).toEqual(many);
    expect(sent.slice(-2)).toEqual(['MONITOR - bob', 'MONITOR C']);
  });

  it('turns 730, 731 and 734 into events', () => {
    const h = registered();
    const online = record(h, 'monitorOnline');
    const offline = record(h, 'monitorOffline');
    const full = record(h, 'monitorListFull');
    h.server(
      ':irc.test 730 bot :alice!a@host.one,Bob!b@host.two',
      ':irc.test 731 bot :carol,dave',
      ':irc.test 734 bot 100 erin,frank :Monitor list is full.',
    );
    expect(
      online.map((event) => event.users.map((user) => [user.nick, user.user, user.host])),
    ).toEqual([
      [
        ['alice', 'a', 'host.one'],
        ['Bob', 'b', 'host.two'],
      ],
    ]);
    expect(offline.map((event) => event.nicks)).toEqual([['carol', 'dave']]);
    expect(full.map((event) => [event.limit, event.nicks])).toEqual([[100, ['erin', 'frank']]]);
  });
});
