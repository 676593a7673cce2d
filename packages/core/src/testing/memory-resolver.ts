import { ipAddress } from '../address/address.js';
import { Deferred } from '../defer/deferred.js';
import { DNSLookupError } from '../errors/connection.js';
import type { Address } from '../interfaces/address.js';
import type { IResolver } from '../interfaces/reactor.js';

/**
 * A resolver that answers from a table, for tests: no DNS, no /etc/hosts. IP literals resolve
 * to themselves; `localhost` is 127.0.0.1 and ::1 unless the table says otherwise; any other
 * name not in the table fails with DNSLookupError. Every lookup is recorded in `lookups`.
 */
export class MemoryResolver implements IResolver {
  /** Host name → addresses (IPv4 or IPv6 literals), in the order they are returned. */
  readonly hosts = new Map<string, readonly string[]>([['localhost', ['127.0.0.1', '::1']]]);
  /** Every resolveHostName() call, in order. */
  readonly lookups: { host: string; port: number }[] = [];

  constructor(table: Readonly<Record<string, readonly string[]>> = {}) {
    for (const [name, addresses] of Object.entries(table)) this.addHost(name, addresses);
  }

  /** Make `name` resolve to `addresses` (replacing what it resolved to before). */
  addHost(name: string, addresses: readonly string[]): void {
    this.hosts.set(name.toLowerCase(), [...addresses]);
  }

  resolveHostName(host: string, port: number): Deferred<Address[]> {
    this.lookups.push({ host, port });
    if (isIPLiteral(host)) return Deferred.succeed([ipAddress('TCP', host, port)]);
    const addresses = this.hosts.get(host.toLowerCase());
    if (addresses === undefined || addresses.length === 0) {
      return Deferred.fail(
        new DNSLookupError(
          `The memory resolver has no address for "${host}": add one with resolver.addHost("${host}", ["192.0.2.1"]).`,
        ),
      );
    }
    return Deferred.succeed(addresses.map((address) => ipAddress('TCP', address, port)));
  }
}

const IPV4_LITERAL = /^\d{1,3}(\.\d{1,3}){3}$/;

/** An IPv4 dotted quad or an IPv6 literal (which always has a colon; names never do). */
export function isIPLiteral(host: string): boolean {
  return IPV4_LITERAL.test(host) || host.includes(':');
}
