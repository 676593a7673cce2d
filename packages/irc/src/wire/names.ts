/**
 * What a server accepts as a nickname, channel name or host name. Clients should not apply
 * these to what a server sends (vhosts hold odd characters); servers apply them to input.
 */

/** RFC 2812 §2.3.1: letter or special first, then letters, digits, specials and '-'. */
const NICK = /^[A-Za-z[\]\\`_^{|}][A-Za-z0-9[\]\\`_^{|}-]*$/;

/**
 * True for a nickname a server should accept: RFC 2812's character set, 1..nicklen chars
 * (so it can never hold the space, ',', '*', '?', '!', '@', '.', ':' or '#' Modern IRC forbids).
 */
export function isValidNick(nick: string, nicklen: number = 9): boolean {
  return nick.length > 0 && nick.length <= nicklen && NICK.test(nick);
}

/**
 * True for a channel name: a CHANTYPES prefix, then no space, comma, BEL (\x07), ':' in
 * RFC 2812's sense (it splits channel masks), NUL, CR or LF; 1..channellen chars in all.
 */
export function isValidChannelName(
  name: string,
  chantypes: string = '#&',
  channellen: number = 50,
): boolean {
  return (
    name.length > 1 &&
    name.length <= channellen &&
    chantypes.includes(name[0]!) &&
    // eslint-disable-next-line no-control-regex -- BEL is forbidden in channel names (RFC 2812)
    !/[\0\x07\r\n ,:]/.test(name)
  );
}

const LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/**
 * True for a server or client host name: dot-separated labels of letters, digits and inner
 * hyphens, at least two labels (a bare "irc" is not accepted), at most 253 characters.
 */
export function isValidHostname(host: string): boolean {
  if (host.length === 0 || host.length > 253) return false;
  const labels = host.split('.');
  return labels.length >= 2 && labels.every((label) => LABEL.test(label));
}
