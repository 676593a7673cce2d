import { ipAddress } from '../../address/address.js';
import { Deferred } from '../../defer/deferred.js';
import { DNSLookupError } from '../../errors/connection.js';
import { isIPLiteral } from '../../endpoints/ip-literal.js';
import type { Address } from '../../interfaces/address.js';
import type { IResolver } from '../../interfaces/reactor.js';
import type { VirtualReactor } from './virtual-reactor.js';

/**
 * Resolves names on a simulated network, as seen from one host: a host's name gives its
 * 10.0.x.y address, `localhost` gives 127.0.0.1 (the asking host itself), IP literals resolve
 * to themselves. Unknown names fail with DNSLookupError. Answers come on a later turn, as a
 * real lookup's would.
 */
export class VirtualResolver implements IResolver {
  constructor(private readonly reactor: VirtualReactor) {}

  resolveHostName(host: string, port: number): Deferred<Address[]> {
    const result = new Deferred<Address[]>();
    this.reactor.callLater(0, () => {
      if (isIPLiteral(host)) {
        result.callback([ipAddress('TCP', host, port)]);
        return;
      }
      const target = this.reactor.network.lookup(this.reactor, host);
      if (target === undefined) {
        result.errback(
          new DNSLookupError(
            `No host named "${host}" on the simulated network: addHost("${host}") first.`,
          ),
        );
        return;
      }
      const address = target === this.reactor ? '127.0.0.1' : target.address;
      result.callback([ipAddress('TCP', address, port)]);
    });
    return result;
  }
}
