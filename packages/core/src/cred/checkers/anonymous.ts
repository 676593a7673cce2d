import { Deferred } from '../../defer/deferred.js';
import type { AvatarId, IAnonymous, ICredentialsChecker } from '../../interfaces/cred.js';
import { ANONYMOUS } from '../credentials.js';

/**
 * Lets anonymous credentials in, as the avatar id ANONYMOUS (Twisted's AllowAnonymousAccess).
 * The realm decides what an anonymous avatar may do.
 */
export class AllowAnonymousAccess implements ICredentialsChecker<IAnonymous> {
  readonly credentialInterfaces = ['anonymous'] as const;

  requestAvatarId(_credentials: IAnonymous): Deferred<AvatarId> {
    return Deferred.succeed<AvatarId>(ANONYMOUS);
  }
}
