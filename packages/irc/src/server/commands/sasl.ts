import { Numerics } from '../../wire/numerics.js';
import { UsernamePassword, isSSLTransport, type Deferred, type LoginResult } from '@tw/core';
import { IRC_ACCOUNT_INTERFACE, type IRCServerConfig } from '../config.js';
import type { IRCServerProtocol } from '../connection.js';
import {
  TLS_CERTIFICATE_CREDENTIALS,
  TLSCertificateCredentials,
} from '../certificate-credentials.js';
import type { CommandGroup } from './command.js';

/** One AUTHENTICATE line carries at most 400 bytes of base64 (IRCv3 SASL). */
const CHUNK = 400;
/** The most base64 an exchange may send in all: generous for names and passwords. */
const MAX_RESPONSE = 4 * CHUNK;

/**
 * The SASL mechanisms the account portal can check: PLAIN when it has a checker for user names
 * and passwords, EXTERNAL when it has one for TLS certificates (CertificateFingerprintChecker).
 */
export function saslMechanisms(config: IRCServerConfig): string[] {
  const portal = config.accountPortal;
  if (portal === null) return [];
  const kinds = portal.listCredentialsInterfaces();
  const mechanisms: string[] = [];
  if (kinds.includes('username-password')) mechanisms.push('PLAIN');
  if (kinds.includes(TLS_CERTIFICATE_CREDENTIALS)) mechanisms.push('EXTERNAL');
  return mechanisms;
}

function abort(conn: IRCServerProtocol, code: string, text: string): void {
  conn.sasl = null;
  conn.numeric(code, text);
  conn.maybeRegister();
}

function fail(conn: IRCServerProtocol): void {
  abort(conn, Numerics.ERR_SASLFAIL, 'SASL authentication failed');
}

/** The base64 of a response, decoded; null when it is not base64. */
function decodeBase64(base64: string): string | null {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(base64)) return null;
  return Buffer.from(base64, 'base64').toString('utf8');
}

/** Wait for the portal; success logs the client in (900, 903), any failure is 904. */
function completeLogin(
  conn: IRCServerProtocol,
  mechanism: string,
  login: Deferred<LoginResult>,
  fallbackName: string,
): void {
  conn.sasl = { mechanism, buffer: '', pending: true };
  // The portal may answer later (throttling): what the client sends meanwhile waits, so that
  // replies keep their order and a labeled AUTHENTICATE gets its 900/903 labeled.
  conn.suspendInput();
  login
    .addCallback((result) => {
      result.logout();
      conn.resumeInput(() => {
        const account = typeof result.avatar === 'string' ? result.avatar : fallbackName;
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
      });
    })
    .addErrback(() => {
      conn.resumeInput(() => {
        fail(conn);
      });
    });
}

/** RFC 4616 PLAIN: authzid NUL authcid NUL passwd, checked through the account portal. */
function finishPlain(conn: IRCServerProtocol, base64: string): void {
  const portal = conn.config.accountPortal;
  const decoded = decodeBase64(base64);
  const parts = decoded?.split('\0') ?? [];
  if (portal === null || parts.length !== 3) {
    fail(conn);
    return;
  }
  const [authzid, authcid, password] = parts as [string, string, string];
  if (authcid === '' || (authzid !== '' && authzid !== authcid)) {
    fail(conn);
    return;
  }
  completeLogin(
    conn,
    'PLAIN',
    portal.loginFrom(
      conn.transport.getPeer(),
      new UsernamePassword(authcid, password),
      null,
      IRC_ACCOUNT_INTERFACE,
    ),
    authcid,
  );
}

/**
 * RFC 4422 EXTERNAL: the identity is the TLS client certificate, looked up by fingerprint
 * through the account portal; the response is an optional authzid.
 */
function finishExternal(conn: IRCServerProtocol, base64: string): void {
  const portal = conn.config.accountPortal;
  const authzid = decodeBase64(base64);
  const transport = conn.transport;
  const certificate = isSSLTransport(transport) ? transport.getPeerCertificate() : null;
  if (portal === null || authzid === null || certificate === null) {
    fail(conn);
    return;
  }
  completeLogin(
    conn,
    'EXTERNAL',
    portal.loginFrom(
      transport.getPeer(),
      new TLSCertificateCredentials(certificate.fingerprint256, authzid),
      null,
      IRC_ACCOUNT_INTERFACE,
    ),
    authzid === '' ? certificate.fingerprint256 : authzid,
  );
}

export const saslCommands: CommandGroup = {
  AUTHENTICATE: {
    when: 'any',
    minParams: 1,
    handle(conn, { params }) {
      const arg = params[0]!;
      const mechanisms = saslMechanisms(conn.config);
      if (!conn.enabledCaps.has('sasl') || mechanisms.length === 0) {
        conn.numeric(Numerics.ERR_SASLFAIL, 'SASL authentication failed');
        return;
      }
      const exchange = conn.sasl;
      if (exchange?.pending === true) return;
      if (arg === '*') {
        if (exchange === null)
          conn.numeric(Numerics.ERR_SASLABORTED, 'SASL authentication aborted');
        else abort(conn, Numerics.ERR_SASLABORTED, 'SASL authentication aborted');
        return;
      }
      if (exchange === null) {
        if (conn.user.account !== null) {
          conn.numeric(Numerics.ERR_SASLALREADY, 'You have already authenticated using SASL');
          return;
        }
        const mechanism = arg.toUpperCase();
        if (!mechanisms.includes(mechanism)) {
          conn.numeric(
            Numerics.RPL_SASLMECHS,
            mechanisms.join(','),
            'are available SASL mechanisms',
          );
          conn.numeric(Numerics.ERR_SASLFAIL, 'SASL authentication failed');
          return;
        }
        conn.sasl = { mechanism, buffer: '', pending: false };
        conn.send({ source: null, command: 'AUTHENTICATE', params: ['+'] });
        return;
      }
      if (arg.length > CHUNK || exchange.buffer.length + arg.length > MAX_RESPONSE) {
        abort(conn, Numerics.ERR_SASLTOOLONG, 'SASL message too long');
        return;
      }
      if (arg !== '+') exchange.buffer += arg;
      // A full 400-byte chunk means more follows (a final exact multiple ends with '+').
      if (arg.length === CHUNK) return;
      if (exchange.mechanism === 'EXTERNAL') finishExternal(conn, exchange.buffer);
      else finishPlain(conn, exchange.buffer);
    },
  },
};
