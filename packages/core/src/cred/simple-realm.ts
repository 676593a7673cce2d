import type { Deferred } from '../defer/deferred.js';
import { maybeDeferred } from '../defer/helpers.js';
import type { AvatarId, IRealm, LoginResult } from '../interfaces/cred.js';
import { UnsupportedAvatarInterface } from './errors.js';

/** Makes the avatar for one interface; may return it, a Deferred or a Promise of it. */
export type AvatarFactory<A> = (avatarId: AvatarId, mind: unknown) => A | PromiseLike<A>;

export interface SimpleRealmOptions<A> {
  /** Called with the avatar when the session calls logout(). */
  readonly logout?: (avatar: A, interfaceName: string) => void;
}

/**
 * A realm from a table `interface name → avatar factory`: the first requested interface the
 * table has wins. Enough for most servers; implement IRealm for anything stateful.
 *
 * ```ts
 * const realm = new SimpleRealm({ 'pop3.mailbox': (id) => mailboxes.open(id as string) });
 * ```
 */
export class SimpleRealm<A = unknown> implements IRealm<A> {
  constructor(
    private readonly factories: Readonly<Record<string, AvatarFactory<A>>>,
    private readonly options: SimpleRealmOptions<A> = {},
  ) {}

  requestAvatar(
    avatarId: AvatarId,
    mind: unknown,
    ...interfaces: string[]
  ): Deferred<LoginResult<A>> {
    return maybeDeferred(() => {
      const chosen = interfaces.find((name) => Object.hasOwn(this.factories, name));
      if (chosen === undefined) {
        throw new UnsupportedAvatarInterface(interfaces, Object.keys(this.factories));
      }
      return maybeDeferred(this.factories[chosen]!, avatarId, mind).addCallback(
        (avatar): LoginResult<A> => ({
          interface: chosen,
          avatar,
          logout: once(() => this.options.logout?.(avatar, chosen)),
        }),
      );
    });
  }
}

function once(fn: () => void): () => void {
  let called = false;
  return () => {
    if (called) return;
    called = true;
    fn();
  };
}
