/** What a redacted field renders as, in text and in JSON. */
export const REDACTED = '[redacted]';

/**
 * Words that mark a field as a credential. A name *containing* one (case-insensitive) is
 * redacted, so `accessToken`, `client_secret` and `proxy-authorization` are caught too: the
 * cost is an occasional harmless field hidden by mistake, the gain is that nothing logs a
 * password because someone chose a slightly different name.
 */
const SENSITIVE_WORDS = [
  'password',
  'passphrase',
  'passwd',
  'secret',
  'token',
  'authorization',
] as const;

/** Whether a field or property called `name` must never be written to a log. */
export function isSensitiveFieldName(name: string): boolean {
  const lower = name.toLowerCase();
  return SENSITIVE_WORDS.some((word) => lower.includes(word));
}
