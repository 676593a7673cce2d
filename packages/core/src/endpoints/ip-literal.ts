/**
 * Recognise IP address literals without node:net, so endpoints also run where Node is absent
 * (the virtual reactor in a browser). Host names are everything else.
 */

const IPV4_OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const IPV4_PATTERN = new RegExp(`^${IPV4_OCTET}(?:\\.${IPV4_OCTET}){3}$`);
const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;

/** True for a dotted-quad IPv4 address such as `127.0.0.1`. */
export function isIPv4Literal(host: string): boolean {
  // Host names (asked on every connect) rarely start with a digit: no regex for them.
  const first = host.charCodeAt(0);
  return first >= 0x30 && first <= 0x39 && IPV4_PATTERN.test(host);
}

/** True for an IPv6 address such as `::1`, `fe80::1%eth0` or `::ffff:127.0.0.1` (no brackets). */
export function isIPv6Literal(host: string): boolean {
  // Every IPv6 literal has a colon; host names (checked on every connect) never do.
  if (host.indexOf(':') === -1) return false;
  const zoneAt = host.indexOf('%');
  const address = zoneAt === -1 ? host : host.slice(0, zoneAt);
  if (zoneAt !== -1 && zoneAt === host.length - 1) return false;
  const halves = address.split('::');
  if (halves.length > 2) return false;
  const groups = halves.map((half) => (half === '' ? [] : half.split(':')));
  const all = groups.flat();
  let count = 0;
  for (let i = 0; i < all.length; i++) {
    const group = all[i]!;
    const isLast = i === all.length - 1;
    if (isLast && group.includes('.') && isIPv4Literal(group)) count += 2;
    else if (HEX_GROUP.test(group)) count += 1;
    else return false;
  }
  // "::" stands for at least one zero group.
  return halves.length === 2 ? count <= 7 : count === 8;
}

/** True for either kind of IP literal. */
export function isIPLiteral(host: string): boolean {
  return isIPv4Literal(host) || isIPv6Literal(host);
}
