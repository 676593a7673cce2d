import { lookup } from 'node:dns';

import { ipAddress } from '../../address/address.js';
import { Deferred } from '../../defer/deferred.js';
import { DNSLookupError } from '../../errors/connection.js';
import type { Address } from '../../interfaces/address.js';
import type { IResolver } from '../../interfaces/reactor.js';

/**
 * Resolves host names the way the operating system does (getaddrinfo through dns.lookup, so
 * /etc/hosts and the system's order apply). Every address comes back, IPv4 and IPv6.
 */
export class NodeResolver implements IResolver {
  resolveHostName(host: string, port: number): Deferred<Address[]> {
    const result = new Deferred<Address[]>();
    lookup(host, { all: true, verbatim: true }, (error, addresses) => {
      if (error !== null) {
        result.errback(
          new DNSLookupError(`Could not resolve "${host}": ${error.message}`, { cause: error }),
        );
        return;
      }
      result.callback(addresses.map((entry) => ipAddress('TCP', entry.address, port)));
    });
    return result;
  }
}
