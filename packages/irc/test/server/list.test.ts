import { describe, expect, it } from 'vitest';
import { TestServer, type TestClient } from './harness.js';

/** The channel names of the 322 replies to one LIST. */
function listed(client: TestClient, arg: string): string[] {
  client.send(arg === '' ? 'LIST' : `LIST ${arg}`);
  const lines = client.lines();
  expect(lines.at(-1)).toMatch(/ 323 /);
  return lines.filter((l) => / 322 /.test(l)).map((l) => l.split(' ')[3]!);
}

describe('LIST with ELIST=CMNTU', () => {
  it('masks, negated masks and user counts (as irctest checks them)', () => {
    const server = new TestServer();
    const foo = server.register('foo');
    foo.send('JOIN #chan1', 'JOIN #chan2');
    server.register('bar').send('JOIN #chan2');
    const baz = server.register('baz');
    expect(listed(baz, '')).toEqual(['#chan1', '#chan2']);
    expect(listed(baz, '*an1')).toEqual(['#chan1']);
    expect(listed(baz, '#c*n2')).toEqual(['#chan2']);
    expect(listed(baz, '*an3')).toEqual([]);
    expect(listed(baz, '!*an1')).toEqual(['#chan2']);
    expect(listed(baz, '!#ch*')).toEqual([]);
    expect(listed(baz, '>0')).toEqual(['#chan1', '#chan2']);
    expect(listed(baz, '<1')).toEqual([]);
    expect(listed(baz, '>1')).toEqual(['#chan2']);
    expect(listed(baz, '<2')).toEqual(['#chan1']);
    expect(listed(baz, '#chan1,#nonexistent')).toEqual(['#chan1']);
    expect(listed(baz, '#chan1,>1')).toEqual([]);
  });

  it('creation and topic age in minutes (C>n older, C<n newer)', () => {
    let now = Date.UTC(2026, 0, 2);
    const server = new TestServer({ now: () => new Date(now) });
    const foo = server.register('foo');
    foo.send('JOIN #chan1', 'TOPIC #chan1 :First');
    now += 2 * 60_000 + 5_000;
    foo.send('JOIN #chan2', 'TOPIC #chan2 :Second', 'JOIN #notopic');
    now += 60_000 + 5_000;
    foo.lines();
    expect(listed(foo, 'C>2')).toEqual(['#chan1']);
    expect(listed(foo, 'C<2')).toEqual(['#chan2', '#notopic']);
    expect(listed(foo, 'C<0')).toEqual([]);
    expect(listed(foo, 'C>0')).toEqual(['#chan1', '#chan2', '#notopic']);
    expect(listed(foo, 'T>2')).toEqual(['#chan1']);
    expect(listed(foo, 'T<2')).toEqual(['#chan2']);
    expect(listed(foo, 'T<10')).toEqual(['#chan1', '#chan2']);
  });
});
