import { Deferred } from '../defer/deferred.js';
import { Failure } from '../defer/failure.js';
import { maybeDeferred } from '../defer/helpers.js';
import type { Address } from '../interfaces/address.js';
import type {
  AvatarId,
  ICredentials,
  ICredentialsChecker,
  ISSHPrivateKey,
  IRealm,
  LoginResult,
} from '../interfaces/cred.js';
import type { ILogger } from '../interfaces/logger.js';
import type { IReactorTime } from '../interfaces/reactor.js';
import { formatAddress } from '../address/address.js';
import { UnauthorizedLogin, UnhandledCredentials, ValidPublicKey } from './errors.js';
import { LoginThrottle } from './login-throttle.js';

export interface PortalOptions {
  /** Slows failed logins (and locks out, if configured). Overrides `reactor`. */
  readonly throttle?: LoginThrottle | null;
  /** With no `throttle`, a default LoginThrottle on this reactor's clock is used. */
  readonly reactor?: IReactorTime;
  /** Failed logins and lockouts are logged here (user name and peer — never a secret). */
  readonly logger?: ILogger;
}

/**
 * The meeting point of protocols and authentication (Twisted's cred.portal.Portal). A protocol
 * builds credentials from what the client sent and calls `login`; the portal picks the checker
 * registered for the credentials' kind, then asks the realm for an avatar.
 *
 * Every failure to authenticate is an `UnauthorizedLogin` with the same message whatever the
 * cause, and — with a throttle — is reported only after a delay that grows with each failure
 * of the same user name from the same peer.
 */
export class Portal<A = unknown> {
  private readonly checkers = new Map<string, ICredentialsChecker>();
  private readonly throttle: LoginThrottle | null;
  private readonly logger: ILogger | undefined;

  constructor(
    readonly realm: IRealm<A>,
    checkers: Iterable<ICredentialsChecker> = [],
    options: PortalOptions = {},
  ) {
    for (const checker of checkers) this.registerChecker(checker);
    this.throttle =
      options.throttle !== undefined
        ? options.throttle
        : options.reactor !== undefined
          ? new LoginThrottle(options.reactor)
          : null;
    this.logger = options.logger;
  }

  /** Use `checker` for the given kinds (default: all it declares). A later checker replaces an earlier one. */
  registerChecker(checker: ICredentialsChecker, ...credentialInterfaces: string[]): void {
    const kinds =
      credentialInterfaces.length > 0 ? credentialInterfaces : checker.credentialInterfaces;
    for (const kind of kinds) this.checkers.set(kind, checker);
  }

  /** The credentials kinds some checker handles (a protocol offers auth mechanisms from this). */
  listCredentialsInterfaces(): string[] {
    return [...this.checkers.keys()];
  }

  /**
   * Authenticate and get an avatar providing one of `interfaces` (in order of preference).
   * Fails with UnauthorizedLogin (bad credentials), ValidPublicKey (SSH key query),
   * UnhandledCredentials (no checker for this kind), or whatever the realm or a broken checker
   * raised. Without a peer, throttling counts failures per user name only: prefer loginFrom.
   */
  login(
    credentials: ICredentials,
    mind: unknown,
    ...interfaces: string[]
  ): Deferred<LoginResult<A>> {
    return this.loginFrom(null, credentials, mind, ...interfaces);
  }

  /** login(), with the client's address, so throttling is per (user name, peer). */
  loginFrom(
    peer: Address | string | null,
    credentials: ICredentials,
    mind: unknown,
    ...interfaces: string[]
  ): Deferred<LoginResult<A>> {
    const checker = this.checkers.get(credentials.kind);
    if (checker === undefined) return Deferred.fail(new UnhandledCredentials(credentials.kind));
    const username = usernameOf(credentials);
    const key =
      this.throttle !== null && username !== null ? LoginThrottle.keyFor(username, peer) : null;
    const peerText =
      peer === null ? 'unknown' : typeof peer === 'string' ? peer : formatAddress(peer);

    if (key !== null && this.throttle!.isLockedOut(key)) {
      this.logger?.warn(
        'Login refused for {username} from {peer}: locked out after repeated failures',
        {
          username,
          peer: peerText,
        },
      );
      return this.delayed(this.throttle!.pendingDelay(key), new UnauthorizedLogin());
    }

    return maybeDeferred(() => checker.requestAvatarId(credentials)).addCallbacks(
      (avatarId: AvatarId) => {
        if (key !== null) this.throttle!.recordSuccess(key);
        return maybeDeferred(() => this.realm.requestAvatar(avatarId, mind, ...interfaces));
      },
      (failure: Failure) => {
        if (failure.check(UnauthorizedLogin) === null || failure.check(ValidPublicKey) !== null) {
          return failure;
        }
        this.logger?.info('Login failed for {username} from {peer}', { username, peer: peerText });
        // An SSH key query is not a guess at a secret: public keys are not secret, and an
        // agent offering five keys must not be slowed down as if it had guessed five passwords.
        const counts = key !== null && !isKeyQuery(credentials);
        const delay = counts ? this.throttle!.recordFailure(key) : 0;
        // A fresh error, so no checker-specific detail ("no such user") reaches the client.
        const error = new UnauthorizedLogin();
        return delay > 0 ? this.delayed(delay, error) : Failure.from(error);
      },
    ) as Deferred<LoginResult<A>>;
  }

  private delayed(seconds: number, error: Error): Deferred<never> {
    const clock = this.throttle!.clock;
    const d = new Deferred<never>(() => {
      if (call.active()) call.cancel();
    });
    const call = clock.callLater(seconds, () => d.errback(error));
    return d;
  }
}

function isKeyQuery(credentials: ICredentials): boolean {
  return credentials.kind === 'ssh-key' && (credentials as ISSHPrivateKey).signature === undefined;
}

function usernameOf(credentials: ICredentials): string | null {
  const username = (credentials as { username?: unknown }).username;
  return typeof username === 'string' ? username : null;
}
