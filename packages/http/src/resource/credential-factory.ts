import { LoginFailed, UsernamePassword, type ICredentials } from '@tw/core';
import type { IRequest } from '../interfaces.js';

/**
 * Turns an Authorization header of one scheme into cred credentials, and says how to ask for
 * it (twisted.web.iweb.ICredentialFactory).
 */
export interface ICredentialFactory {
  /** The scheme, lower case ('basic'). */
  readonly scheme: string;
  /** The auth-params of the WWW-Authenticate challenge (realm, charset, …). */
  getChallenge(request: IRequest): Readonly<Record<string, string>>;
  /** Credentials from the header's part after the scheme; throws LoginFailed when malformed. */
  decode(response: string, request: IRequest): ICredentials;
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const strictUTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * HTTP Basic (RFC 7617; twisted.web.guard.BasicCredentialFactory): `user:password` in base64.
 * Advertises charset="UTF-8" and decodes as UTF-8, falling back to ISO-8859-1 for clients that
 * send legacy bytes. Basic sends the password in the clear: serve it over HTTPS.
 */
export class BasicCredentialFactory implements ICredentialFactory {
  readonly scheme = 'basic';

  constructor(readonly authenticationRealm: string) {}

  getChallenge(_request: IRequest): Readonly<Record<string, string>> {
    return { realm: this.authenticationRealm, charset: 'UTF-8' };
  }

  decode(response: string, _request: IRequest): ICredentials {
    const token = response.trim();
    if (!BASE64.test(token) || token.length % 4 === 1) {
      throw new LoginFailed('Invalid credentials: the Basic token is not base64.');
    }
    const bytes = Buffer.from(token, 'base64');
    let text: string;
    try {
      text = strictUTF8.decode(bytes);
    } catch {
      text = bytes.toString('latin1');
    }
    const colon = text.indexOf(':');
    if (colon < 0) throw new LoginFailed('Invalid credentials: no ":" between user and password.');
    return new UsernamePassword(text.slice(0, colon), text.slice(colon + 1));
  }
}

/** A WWW-Authenticate challenge: `Basic realm="x", charset="UTF-8"` (auth-params quoted). */
export function formatChallenge(scheme: string, params: Readonly<Record<string, string>>): string {
  const schemeName = scheme.charAt(0).toUpperCase() + scheme.slice(1);
  const pairs = Object.entries(params).map(
    ([name, value]) => `${name}="${value.replace(/[\\"]/g, (c) => '\\' + c)}"`,
  );
  return pairs.length === 0 ? schemeName : `${schemeName} ${pairs.join(', ')}`;
}
