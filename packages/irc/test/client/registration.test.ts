import { ConnectionLost } from '@tw/core';
import { describe, expect, it } from 'vitest';

import { saslPayloadLines } from '../../src/client/cap-negotiation.js';
import {
  IRCCommandError,
  NicknameUnavailableError,
  SASLFailedError,
} from '../../src/client/errors.js';
import type { IRCClient } from '../../src/client/protocol.js';
import { connect } from './harness.js';

function outcome(client: IRCClient): { value: unknown } {
  const box: { value: unknown } = { value: 'pending' };
  client.whenRegistered().addCallbacks(
    (c) => {
      box.value = c;
    },
    (failure) => {
      box.value = failure.value;
    },
  );
  return box;
}

describe('IRCClient registration', () => {
  it('sends CAP LS 302, PASS, NICK and USER, and registers on 001 from a server without CAP', () => {
    const h = connect({ password: 'sekrit' });
    const result = outcome(h.client);
    expect(h.take()).toEqual(['CAP LS 302', 'PASS sekrit', 'NICK bot', 'USER botuser 0 * :A Bot']);
    const registered: string[] = [];
    h.client.on('registered', (e) => registered.push(`${e.nickname}@${e.server}`));
    h.server(':old.server 421 * CAP :Unknown command', ':old.server 001 bot :Welcome');
    expect(h.take()).toEqual([]); // no CAP END to a server that does not know CAP
    expect(h.client.registered).toBe(true);
    expect(registered).toEqual(['bot@old.server']);
    expect(result.value).toBe(h.client);
  });

  it('takes the nick 001 gives (a server may truncate it)', () => {
    const h = connect({ nickname: 'averyveryverylongnick' });
    h.server(':s 001 averyvery :Welcome');
    expect(h.client.nickname).toBe('averyvery');
  });

  it('requests the wanted capabilities from a multi-line LS and ends after ACK', () => {
    const h = connect();
    h.take();
    h.server(':s CAP * LS * :multi-prefix unknown-cap sasl=PLAIN');
    expect(h.take()).toEqual([]); // more LS lines are coming
    h.server(':s CAP * LS :server-time echo-message=x away-notify');
    expect(h.take()).toEqual(['CAP REQ :multi-prefix server-time echo-message away-notify']);
    const changes: string[][] = [];
    h.client.on('capabilitiesChanged', (e) => changes.push([...e.added]));
    h.server(':s CAP bot ACK :multi-prefix server-time echo-message away-notify');
    expect(h.take()).toEqual(['CAP END']);
    expect([...h.client.capabilities].sort()).toEqual([
      'away-notify',
      'echo-message',
      'multi-prefix',
      'server-time',
    ]);
    expect(changes).toEqual([['multi-prefix', 'server-time', 'echo-message', 'away-notify']]);
  });

  it('ends negotiation after a NAK, and with nothing to request ends at once', () => {
    const h = connect();
    h.take();
    h.server(':s CAP * LS :multi-prefix');
    expect(h.take()).toEqual(['CAP REQ :multi-prefix']);
    h.server(':s CAP * NAK :multi-prefix');
    expect(h.take()).toEqual(['CAP END']);
    expect(h.client.capabilities.size).toBe(0);

    const bare = connect();
    bare.take();
    bare.server(':s CAP * LS :nothing-we-want');
    expect(bare.take()).toEqual(['CAP END']);
  });

  it('follows cap-notify: CAP NEW is requested, CAP DEL removes', () => {
    const h = connect();
    h.server(':s CAP * LS :cap-notify', ':s CAP bot ACK :cap-notify', ':s 001 bot :hi');
    h.take();
    h.server(':s CAP bot NEW :away-notify something-else');
    expect(h.take()).toEqual(['CAP REQ :away-notify']);
    h.server(':s CAP bot ACK :away-notify');
    expect(h.take()).toEqual([]); // no CAP END after registration
    expect(h.client.capabilities.has('away-notify')).toBe(true);
    const removed: string[] = [];
    h.client.on('capabilitiesChanged', (e) => removed.push(...e.removed));
    h.server(':s CAP bot DEL :away-notify');
    expect(h.client.capabilities.has('away-notify')).toBe(false);
    expect(removed).toEqual(['away-notify']);
  });

  it('authenticates with SASL PLAIN before CAP END', () => {
    const h = connect({ sasl: { mechanism: 'PLAIN', username: 'acct', password: 'pw' } });
    const loggedIn: (string | null)[] = [];
    h.client.on('loggedIn', (e) => loggedIn.push(e.account));
    h.take();
    h.server(':s CAP * LS :sasl=PLAIN,EXTERNAL');
    expect(h.take()).toEqual(['CAP REQ :sasl']);
    h.server(':s CAP bot ACK :sasl');
    expect(h.take()).toEqual(['AUTHENTICATE PLAIN']);
    h.server('AUTHENTICATE +');
    const [line, ...rest] = h.take();
    expect(rest).toEqual([]);
    const payload = Buffer.from(line!.slice('AUTHENTICATE '.length), 'base64').toString();
    expect(payload).toBe('acct\0acct\0pw');
    h.server(
      ':s 900 bot bot!~botuser@host.example acct :You are now logged in as acct',
      ':s 903 bot :SASL authentication successful',
    );
    expect(h.take()).toEqual(['CAP END']);
    expect(loggedIn).toEqual(['acct']);
    expect(h.client.account).toBe('acct');
    expect(h.client.host).toBe('host.example');
  });

  it('authenticates with SASL EXTERNAL with an empty response', () => {
    const h = connect({ sasl: { mechanism: 'EXTERNAL' } });
    h.take();
    h.server(':s CAP * LS :sasl');
    expect(h.take()).toEqual(['CAP REQ :sasl']);
    h.server(':s CAP bot ACK :sasl');
    expect(h.take()).toEqual(['AUTHENTICATE EXTERNAL']);
    h.server('AUTHENTICATE +');
    expect(h.take()).toEqual(['AUTHENTICATE +']);
    h.server(':s 903 bot :ok');
    expect(h.take()).toEqual(['CAP END']);
  });

  it('cuts SASL payloads into 400-byte lines and ends an exact multiple with +', () => {
    expect(saslPayloadLines(new Uint8Array(0))).toEqual(['+']);
    const exact = saslPayloadLines(new Uint8Array(300)); // 400 base64 characters
    expect(exact.map((l) => l.length)).toEqual([400, 1]);
    expect(exact[1]).toBe('+');
    expect(saslPayloadLines(new Uint8Array(600)).map((l) => l.length)).toEqual([400, 400, 1]);
    expect(saslPayloadLines(new Uint8Array(301)).map((l) => l.length)).toEqual([400, 4]);

    const h = connect({
      sasl: { mechanism: 'PLAIN', username: 'u', password: 'p'.repeat(500) },
    });
    h.take();
    h.server(':s CAP * LS :sasl', ':s CAP bot ACK :sasl', 'AUTHENTICATE +');
    const lines = h.take().slice(2);
    expect(lines.map((l) => l.length)).toEqual([13 + 400, 13 + 272]);
    const joined = lines.map((l) => l.slice(13)).join('');
    expect(Buffer.from(joined, 'base64').toString()).toBe(`u\0u\0${'p'.repeat(500)}`);
  });

  it('fails registration and quits when required SASL fails', () => {
    const h = connect({ sasl: { mechanism: 'PLAIN', username: 'a', password: 'wrong' } });
    const result = outcome(h.client);
    h.take();
    h.server(':s CAP * LS :sasl', ':s CAP bot ACK :sasl', 'AUTHENTICATE +');
    h.take();
    h.server(':s 904 bot :SASL authentication failed');
    expect(h.take()).toEqual(['QUIT']);
    expect(h.transport.disconnecting).toBe(true);
    expect(result.value).toBeInstanceOf(SASLFailedError);
    expect((result.value as SASLFailedError).numeric).toBe('904');
  });

  it('carries on without SASL when it is not required', () => {
    const h = connect({
      sasl: { mechanism: 'PLAIN', username: 'a', password: 'wrong', required: false },
    });
    h.take();
    h.server(':s CAP * LS :sasl', ':s CAP bot ACK :sasl', 'AUTHENTICATE +');
    h.take();
    h.server(':s 904 bot :SASL authentication failed');
    expect(h.take()).toEqual(['CAP END']);
  });

  it('fails at once when the server does not offer the SASL mechanism', () => {
    const h = connect({ sasl: { mechanism: 'PLAIN', username: 'a', password: 'b' } });
    const result = outcome(h.client);
    h.take();
    h.server(':s CAP * LS :sasl=EXTERNAL multi-prefix');
    expect(h.take()).toEqual(['QUIT']);
    expect(result.value).toBeInstanceOf(SASLFailedError);
  });

  it('tries the alternative nicks in order on 433, 432 and 437, then gives up', () => {
    const h = connect({ alternativeNicks: ['bot2', 'bot3'] });
    const result = outcome(h.client);
    h.take();
    h.server(':s 433 * bot :Nickname is already in use');
    expect(h.take()).toEqual(['NICK bot2']);
    h.server(':s 432 * bot2 :Erroneous nickname');
    expect(h.take()).toEqual(['NICK bot3']);
    h.server(':s 437 * bot3 :Nick/channel is temporarily unavailable');
    expect(h.take()).toEqual(['QUIT']);
    expect(result.value).toBeInstanceOf(NicknameUnavailableError);
    expect((result.value as NicknameUnavailableError).tried).toEqual(['bot', 'bot2', 'bot3']);
  });

  it('appends _ by default, or asks a function for the next nick', () => {
    const h = connect();
    h.take();
    h.server(':s 433 * bot :in use');
    expect(h.take()).toEqual(['NICK bot_']);
    h.server(':s 433 * bot_ :in use', ':s 001 bot__ :Welcome');
    expect(h.take()).toEqual(['NICK bot__']);
    expect(h.client.nickname).toBe('bot__');

    const f = connect({ alternativeNicks: (nick) => `${nick}X` });
    f.take();
    f.server(':s 433 * bot :in use');
    expect(f.take()).toEqual(['NICK botX']);
  });

  it('gives up after maxNickAttempts so a hostile server cannot loop it forever', () => {
    const h = connect({ alternativeNicks: (nick) => `${nick}1`, limits: { maxNickAttempts: 3 } });
    const result = outcome(h.client);
    for (let i = 0; i < 10; i++) h.server(`:s 433 * ${h.client.nickname} :in use`);
    expect(result.value).toBeInstanceOf(NicknameUnavailableError);
  });

  it('fails registration with IRCCommandError on a wrong server password (464)', () => {
    const h = connect({ password: 'wrong' });
    const result = outcome(h.client);
    h.server(':s 464 * :Password incorrect');
    expect(result.value).toBeInstanceOf(IRCCommandError);
    expect((result.value as IRCCommandError).numeric).toBe('464');
    expect(h.transport.disconnecting).toBe(true);
  });

  it('fails whenRegistered with ConnectionLost when the link drops first', () => {
    const h = connect();
    const result = outcome(h.client);
    h.transport.reportDisconnect(new Error('reset'));
    expect(result.value).toBeInstanceOf(ConnectionLost);
  });

  it('refuses an endless CAP LS beyond maxCapabilities', () => {
    const h = connect({ limits: { maxCapabilities: 5 } });
    const result = outcome(h.client);
    h.server(':s CAP * LS * :a b c d', ':s CAP * LS * :e f g h');
    expect(result.value).toBeInstanceOf(Error);
    expect((result.value as { code: string }).code).toBe('TW_IRC_CLIENT_LIMIT');
    expect(h.transport.disconnecting).toBe(true);
  });
});
