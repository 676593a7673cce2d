import type { Address, IPv4Address, IPv6Address, UNIXAddress } from '../interfaces/address.js';

export function ipv4Address(type: 'TCP' | 'UDP', host: string, port: number): IPv4Address {
  return { family: 'IPv4', type, host, port };
}

export function ipv6Address(type: 'TCP' | 'UDP', host: string, port: number): IPv6Address {
  return { family: 'IPv6', type, host, port };
}

export function unixAddress(path: string | null): UNIXAddress {
  return { family: 'UNIX', path };
}

/** An IPv4 or IPv6 address, chosen by the textual form of `host`. */
export function ipAddress(
  type: 'TCP' | 'UDP',
  host: string,
  port: number,
): IPv4Address | IPv6Address {
  return host.includes(':') ? ipv6Address(type, host, port) : ipv4Address(type, host, port);
}

/** `127.0.0.1:80`, `[::1]:80`, `unix:/run/x.sock`, … for logs and messages. */
export function formatAddress(address: Address): string {
  switch (address.family) {
    case 'IPv4':
      return `${address.host}:${address.port}`;
    case 'IPv6':
      return `[${address.host}]:${address.port}`;
    case 'UNIX':
      return `unix:${address.path ?? '(unnamed)'}`;
    case 'memory':
      return `memory:${address.name}`;
    case 'process':
      return address.pid === undefined ? 'process' : `process:${address.pid}`;
    case 'custom':
      return `${address.scheme}:${address.description}`;
  }
}
