/**
 * The next nickname to try during registration after the server refused one (431/432/433/
 * 436/437), or null to give up.
 *
 * @param tried every nick sent so far, the refused one last
 * @param alternatives the user's list (tried in order) or function (asked each time); without
 *   either, `_` is appended while the nick is shorter than `nicklen`, and past that its last
 *   character is replaced by a digit, so each try differs
 * @param maxAttempts the most nicks to try in all, so a server that refuses everything cannot
 *   keep the client looping
 */
export function nextNickChoice(
  tried: readonly string[],
  alternatives: readonly string[] | ((refused: string) => string) | undefined,
  nicklen: number,
  maxAttempts: number,
): string | null {
  if (tried.length >= maxAttempts) return null;
  const refused = tried[tried.length - 1] ?? '';
  if (typeof alternatives === 'function') return alternatives(refused);
  if (alternatives !== undefined) return alternatives[tried.length - 1] ?? null;
  if (refused.length < nicklen) return `${refused}_`;
  return `${refused.slice(0, -1)}${tried.length % 10}`;
}
