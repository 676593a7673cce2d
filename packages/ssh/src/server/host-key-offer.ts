import { createRequire } from 'node:module';

import type { Connection } from 'ssh2';

/** The parts of ssh2's KexInit (its KEXINIT offer) read here. */
interface KexInitOffer {
  readonly lists: {
    readonly kex: { readonly array: readonly string[] };
    readonly serverHostKey: { readonly array: readonly string[] };
    readonly cs: Record<'cipher' | 'mac' | 'compress' | 'lang', { readonly array: string[] }>;
    readonly sc: Record<'cipher' | 'mac' | 'compress' | 'lang', { readonly array: string[] }>;
  };
}

type KexInitClass = new (algorithms: object) => KexInitOffer;

const mended = new WeakMap<KexInitOffer, KexInitOffer>();
let KexInit: KexInitClass | null | undefined;

/**
 * ssh2 (1.17) adds `ssh-rsa` — RSA signed with SHA-1 — to its host key offer for an RSA host key
 * even when the configured list leaves it out (it takes the missing entry's position as last
 * rather than absent). The server sends its KEXINIT right after emitting 'connection', so the
 * offer is mended there: the same offer without the host key algorithms not in `allowed`.
 * Returns false when ssh2's internals do not look as expected (then nothing is changed; a
 * test fails loudly, since the offer would again hold ssh-rsa).
 */
export function restrictHostKeyOffer(client: Connection, allowed: readonly string[]): boolean {
  const protocol = (client as unknown as { _protocol?: { _offer?: KexInitOffer } })._protocol;
  const offer = protocol?._offer;
  if (protocol === undefined || offer?.lists?.serverHostKey?.array === undefined) return false;
  if (offer.lists.serverHostKey.array.every((name) => allowed.includes(name))) return true;
  let replacement = mended.get(offer);
  if (replacement === undefined) {
    const Offer = kexInitClass();
    if (Offer === null) return false;
    const { lists } = offer;
    const side = (from: KexInitOffer['lists']['cs']) => ({
      cipher: from.cipher.array,
      mac: from.mac.array,
      compress: from.compress.array,
      lang: from.lang.array,
    });
    replacement = new Offer({
      kex: lists.kex.array,
      serverHostKey: lists.serverHostKey.array.filter((name) => allowed.includes(name)),
      cs: side(lists.cs),
      sc: side(lists.sc),
    });
    mended.set(offer, replacement);
  }
  protocol._offer = replacement;
  return true;
}

function kexInitClass(): KexInitClass | null {
  if (KexInit === undefined) {
    try {
      const kex = createRequire(import.meta.url)('ssh2/lib/protocol/kex.js') as {
        KexInit?: KexInitClass;
      };
      KexInit = typeof kex.KexInit === 'function' ? kex.KexInit : null;
    } catch {
      KexInit = null;
    }
  }
  return KexInit;
}
