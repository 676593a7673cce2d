import { Deferred, maybeDeferred } from '@tw/core';

import {
  HostKeyRejectedError,
  HostKeyVerificationError,
  UnknownHostKeyError,
  type HostKeyTarget,
} from './errors.js';
import type { RemoteHostKey } from './host-key.js';
import { KnownHosts } from './known-hosts.js';
import type { HostKeyVerifier } from './options.js';

/**
 * The client's host-key policy: known_hosts decides what it knows (match → accept; revoked or
 * changed → refuse, never overridable by the hook), the hook decides unknown hosts, and with
 * neither an unknown host is refused. Fires with true, or errbacks with the typed refusal.
 */
export function checkHostKey(
  knownHosts: KnownHosts | undefined,
  verifier: HostKeyVerifier | undefined,
  key: RemoteHostKey,
  target: HostKeyTarget,
): Deferred<true> {
  if (knownHosts !== undefined) {
    const result = knownHosts.check(target.host, target.port, key);
    if (result === 'match') return Deferred.succeed(true);
    if (result !== 'unknown' || verifier === undefined) {
      return maybeDeferred(() => knownHosts.verify(key, target));
    }
  }
  if (verifier === undefined) {
    return Deferred.fail(new UnknownHostKeyError(target, key)) as Deferred<true>;
  }
  return maybeDeferred(() => verifier(key, target)).addCallbacks(
    (accepted): true => {
      if (accepted !== true) throw new HostKeyRejectedError(target, key);
      return true;
    },
    (failure): never => {
      if (failure.value instanceof HostKeyVerificationError) throw failure.value;
      throw new HostKeyRejectedError(target, key);
    },
  );
}

/** A KnownHosts from the option: a KnownHosts, a file path, or nothing. */
export function knownHostsFrom(option: KnownHosts | string | undefined): KnownHosts | undefined {
  if (option === undefined) return undefined;
  return typeof option === 'string' ? KnownHosts.load(option) : option;
}
