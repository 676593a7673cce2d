import type { Deferred } from '../defer/deferred.js';

/**
 * The contracts of `cred` (Twisted's twisted.cred): a protocol turns what a client sent into a
 * *credentials* object, hands it to `Portal.login(credentials, mind, ...interfaces)`; the portal
 * asks the *checker* registered for that kind of credentials for an *avatar id*, then asks the
 * *realm* for an *avatar* (the object the session acts on) providing one of the named interfaces.
 *
 * TypeScript has no runtime interfaces, so credentials carry a `kind` tag and avatar interfaces
 * are names (`'imap.account'`, `'ssh.session'`).
 */

/** The avatar id of an anonymous login (Twisted's checkers.ANONYMOUS): never equal to a user name. */
export type AnonymousAvatarId = symbol;

/** Who a checker decided the client is: a user name, or the ANONYMOUS symbol. */
export type AvatarId = string | AnonymousAvatarId;

/** Every credentials object names its kind; checkers register for kinds. */
export interface ICredentials {
  readonly kind: string;
}

/** A user name and the password in clear, as sent by LOGIN/USER+PASS/SASL PLAIN/HTTP Basic. */
export interface IUsernamePassword extends ICredentials {
  readonly kind: 'username-password';
  readonly username: string;
  /** The password as the client sent it; never log it (the classes redact it when printed). */
  readonly password: string;
  /** True when `password` equals the one the client sent (constant-time). */
  checkPassword(password: string): boolean;
}

/**
 * A user name and a proof derived from the password (APOP, CRAM-MD5): the server cannot see
 * the password, only check a stored clear password against the proof.
 */
export interface IUsernameHashedPassword extends ICredentials {
  readonly kind: 'username-hashed-password';
  readonly username: string;
  /** True when the client's proof matches `password`, the stored clear password. */
  checkPassword(password: string): boolean | PromiseLike<boolean>;
}

/** No identity at all (anonymous FTP, a public newsgroup). */
export interface IAnonymous extends ICredentials {
  readonly kind: 'anonymous';
}

/**
 * SSH "publickey" authentication (RFC 4252 §7), Twisted's ISSHPrivateKey. Without `signature`
 * it is the client's query "would this key do?"; a checker answers with ValidPublicKey.
 */
export interface ISSHPrivateKey extends ICredentials {
  readonly kind: 'ssh-key';
  readonly username: string;
  /** The public key algorithm named in the request: 'ssh-ed25519', 'rsa-sha2-256', … */
  readonly algorithm: string;
  /** The public key in SSH wire format (RFC 4253 §6.6), as the client sent it. */
  readonly blob: Uint8Array;
  /** The bytes the client signed (session id + the userauth request), built by the SSH layer. */
  readonly sigData?: Uint8Array;
  /**
   * The signature: either the SSH wire form (string algorithm + string signature) or the bare
   * signature bytes as ssh2 hands them over (`ctx.signature`, DER for ECDSA).
   */
  readonly signature?: Uint8Array;
}

/** The credentials kinds @tw/core defines. Checkers for other kinds use other `kind` strings. */
export type Credentials = IUsernamePassword | IUsernameHashedPassword | IAnonymous | ISSHPrivateKey;

/**
 * Decides who the credentials belong to (Twisted's ICredentialsChecker). Fails with
 * UnauthorizedLogin, the same error whether the user is unknown or the secret wrong.
 */
export interface ICredentialsChecker<C extends ICredentials = ICredentials> {
  /** The credentials kinds this checker handles. */
  readonly credentialInterfaces: readonly string[];
  requestAvatarId(credentials: C): Deferred<AvatarId>;
}

/** What a successful login yields (Twisted's `(interface, avatar, logout)` tuple). */
export interface LoginResult<A = unknown> {
  /** Which of the requested interfaces the avatar provides. */
  readonly interface: string;
  readonly avatar: A;
  /** Call once when the session ends, so the realm can release the avatar. */
  readonly logout: () => void;
}

/**
 * Makes avatars for authenticated ids (Twisted's IRealm). `mind` is whatever the protocol
 * passes to talk back to the client (often null). `interfaces` are in the protocol's order of
 * preference; the realm returns the first it supports or fails with UnsupportedAvatarInterface.
 */
export interface IRealm<A = unknown> {
  requestAvatar(
    avatarId: AvatarId,
    mind: unknown,
    ...interfaces: string[]
  ): Deferred<LoginResult<A>> | LoginResult<A>;
}
