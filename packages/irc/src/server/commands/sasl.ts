import { Numerics } from '../../wire/numerics.js';
import { UsernamePassword } from '@tw/core';
import { IRC_ACCOUNT_INTERFACE } from '../config.js';
import type { IRCServerProtocol } from '../connection.js';
import type { CommandGroup } from './command.js';

/** One AUTHENTICATE line carries at most 400 bytes of base64 (IRCv3 SASL). */
const CHUNK = 400;
/** The most base64 a PLAIN exchange may send in all: generous for names and passwords. */
const MAX_RESPONSE = 4 * CHUNK;

function abort(conn: IRCServerProtocol, code: string, text: string): void {
  conn.sasl = null;
  conn.numeric(code, text);
  conn.maybeRegister();
}

/** RFC 4616 PLAIN: authzid NUL authcid NUL passwd, checked through the account portal. */
function finishPlain(conn: IRCServerProtocol, base64: string): void {
  const portal = conn.config.accountPortal;
  const fail = (): void => {
    abort(conn, '904', 'SASL authentication failed');
  };
  if (portal === null || !/^[A-Za-z0-9+/]*={0,2}$/.test(base64)) {
    fail();
    return;
  }
  const parts = Buffer.from(base64, 'base64').toString('utf8').split('\0');
  if (parts.length !== 3) {
    fail();
    return;
  }
  const [authzid, authcid, password] = parts as [string, string, string];
  if (authcid === '' || (authzid !== '' && authzid !== authcid)) {
    fail();
    return;
  }
  conn.sasl = { mechanism: 'PLAIN', buffer: '', pending: true };
  portal
    .loginFrom(
      conn.transport.getPeer(),
      new UsernamePassword(authcid, password),
      null,
      IRC_ACCOUNT_INTERFACE,
    )
    .addCallback((result) => {
      result.logout();
      if (conn.state === 'closed') return;
      const account = typeof result.avatar === 'string' ? result.avatar : authcid;
      conn.user.account = account;
      conn.sasl = null;
      conn.numeric(
        Numerics.RPL_LOGGEDIN,
        conn.user.mask,
        account,
        `You are now logged in as ${account}`,
      );
      conn.numeric(Numerics.RPL_SASLSUCCESS, 'SASL authentication successful');
      conn.maybeRegister();
    })
    .addErrback(() => {
      if (conn.state !== 'closed') fail();
    });
}

export const saslCommands: CommandGroup = {
  AUTHENTICATE: {
    when: 'any',
    minParams: 1,
    handle(conn, { params }) {
      const arg = params[0]!;
      if (!conn.enabledCaps.has('sasl') || conn.config.accountPortal === null) {
        conn.numeric(Numerics.ERR_SASLFAIL, 'SASL authentication failed');
        return;
      }
      const exchange = conn.sasl;
      if (exchange?.pending === true) return;
      if (arg === '*') {
        if (exchange === null)
          conn.numeric(Numerics.ERR_SASLABORTED, 'SASL authentication aborted');
        else abort(conn, '906', 'SASL authentication aborted');
        return;
      }
      if (exchange === null) {
        if (conn.user.account !== null) {
          conn.numeric(Numerics.ERR_SASLALREADY, 'You have already authenticated using SASL');
          return;
        }
        if (arg.toUpperCase() !== 'PLAIN') {
          conn.numeric(Numerics.RPL_SASLMECHS, 'PLAIN', 'are available SASL mechanisms');
          conn.numeric(Numerics.ERR_SASLFAIL, 'SASL authentication failed');
          return;
        }
        conn.sasl = { mechanism: 'PLAIN', buffer: '', pending: false };
        conn.send({ source: null, command: 'AUTHENTICATE', params: ['+'] });
        return;
      }
      if (arg.length > CHUNK || exchange.buffer.length + arg.length > MAX_RESPONSE) {
        abort(conn, '905', 'SASL message too long');
        return;
      }
      if (arg !== '+') exchange.buffer += arg;
      // A full 400-byte chunk means more follows (a final exact multiple ends with '+').
      if (arg.length === CHUNK) return;
      finishPlain(conn, exchange.buffer);
    },
  },
};
