/**
 * IP addresses between text and bytes, strictly, without Node's `net` module so the PROXY
 * protocol parser stays pure. IPv6 text comes out in RFC 5952 canonical form, so the same client
 * gets the same key (for per-peer limits, logs) whichever way a proxy spelled its address.
 */

/** The 4 bytes of a dotted-quad IPv4 address, or null. Leading zeros are rejected (ambiguous). */
export function parseIPv4(text: string): Uint8Array | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  const bytes = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const part = parts[i]!;
    if (!/^(0|[1-9][0-9]{0,2})$/.test(part)) return null;
    const value = Number(part);
    if (value > 255) return null;
    bytes[i] = value;
  }
  return bytes;
}

/** The 16 bytes of an IPv6 address (with `::` and a trailing dotted quad allowed), or null. */
export function parseIPv6(text: string): Uint8Array | null {
  if (text.length < 2 || text.length > 45) return null;
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const head = parseGroups(halves[0]!, halves.length === 1);
  const tail = halves.length === 2 ? parseGroups(halves[1]!, true) : [];
  if (head === null || tail === null) return null;
  const total = head.length + tail.length;
  if (halves.length === 1 ? total !== 8 : total > 7) return null;
  const bytes = new Uint8Array(16);
  head.forEach((group, i) => writeGroup(bytes, i, group));
  tail.forEach((group, i) => writeGroup(bytes, 8 - tail.length + i, group));
  return bytes;
}

/** Dotted-quad text of the 4 bytes at `offset`. */
export function formatIPv4(bytes: Uint8Array, offset = 0): string {
  return `${bytes[offset]}.${bytes[offset + 1]}.${bytes[offset + 2]}.${bytes[offset + 3]}`;
}

/** RFC 5952 text of the 16 bytes at `offset`: lower case, longest zero run as `::`. */
export function formatIPv6(bytes: Uint8Array, offset = 0): string {
  const groups: number[] = [];
  for (let i = 0; i < 8; i++)
    groups.push((bytes[offset + 2 * i]! << 8) | bytes[offset + 2 * i + 1]!);
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return `::ffff:${formatIPv4(bytes, offset + 12)}`;
  }
  let bestStart = -1;
  let bestLength = 1; // a single zero group is never compressed
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

/** Canonical text of an IPv6 address given as text, or null when it is not one. */
export function canonicalIPv6(text: string): string | null {
  const bytes = parseIPv6(text);
  return bytes === null ? null : formatIPv6(bytes);
}

/** The 16-bit groups of one side of `::`; a dotted quad may end the address (`last`). */
function parseGroups(text: string, last: boolean): number[] | null {
  if (text === '') return [];
  const parts = text.split(':');
  const groups: number[] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (last && i === parts.length - 1 && part.includes('.')) {
      const v4 = parseIPv4(part);
      if (v4 === null) return null;
      groups.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
      continue;
    }
    if (!/^[0-9a-fA-F]{1,4}$/.test(part)) return null;
    groups.push(parseInt(part, 16));
  }
  return groups;
}

function writeGroup(bytes: Uint8Array, index: number, group: number): void {
  bytes[2 * index] = group >> 8;
  bytes[2 * index + 1] = group & 0xff;
}
