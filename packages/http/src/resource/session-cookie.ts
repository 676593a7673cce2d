import type { IRequest } from '../interfaces.js';
import type { Session, SessionStore } from './session.js';

/** The cookie that carries the session uid (twisted.web uses TWISTED_SESSION). */
export const SESSION_COOKIE_NAME = 'TW_SESSION';

const sessionsByRequest = new WeakMap<IRequest, Session>();

/**
 * The session of `request` (twisted.web.server.Request.getSession): the live session named by
 * its TW_SESSION cookie, touched; otherwise a new one, sent back in a Set-Cookie with Path=/,
 * HttpOnly, SameSite=Lax, and Secure when the request came over TLS. A session made over HTTPS
 * is never handed to a plain-HTTP request (its uid could have leaked there), and an unknown or
 * expired uid is never adopted: the client gets a fresh uid (no session fixation). Calling it
 * again for the same request returns the same session.
 */
export function sessionForRequest(store: SessionStore, request: IRequest): Session {
  const cached = sessionsByRequest.get(request);
  if (cached !== undefined && !cached.isExpired) return cached;
  const secure = request.isSecure();
  const uid = request.getCookie(SESSION_COOKIE_NAME);
  if (uid !== null) {
    const existing = store.getSession(uid);
    if (existing !== null && existing.secure === secure) {
      existing.touch();
      sessionsByRequest.set(request, existing);
      return existing;
    }
  }
  const session = store.makeSession(secure);
  request.addCookie(SESSION_COOKIE_NAME, session.uid, {
    path: '/',
    httpOnly: true,
    sameSite: 'Lax',
    secure,
  });
  sessionsByRequest.set(request, session);
  return session;
}
