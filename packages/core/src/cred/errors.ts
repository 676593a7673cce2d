import { TwError } from '../errors/tw-error.js';

/** A login did not succeed (Twisted's error.LoginFailed); the base of the login errors. */
export class LoginFailed extends TwError {
  constructor(
    message = 'Login failed.',
    options?: { cause?: unknown },
    code = 'TW_CRED_LOGIN_FAILED',
  ) {
    super(code, message, options);
  }
}

/**
 * The credentials were not accepted. Deliberately says nothing more: an unknown user, a wrong
 * password, a key not on file and a locked-out account all give this same error, so a client
 * cannot probe which users exist. Protocols reply with their own "authentication failed".
 */
export class UnauthorizedLogin extends LoginFailed {
  constructor(
    message = 'Authentication failed: the user name or the secret was not accepted.',
    options?: { cause?: unknown },
    code = 'TW_CRED_UNAUTHORIZED_LOGIN',
  ) {
    super(message, options, code);
  }
}

/** The portal has no checker for this kind of credentials (a configuration error, not a bad password). */
export class UnhandledCredentials extends LoginFailed {
  constructor(kind: string) {
    super(
      `No checker handles credentials of kind '${kind}': register one with portal.registerChecker().`,
      undefined,
      'TW_CRED_UNHANDLED_CREDENTIALS',
    );
  }
}

/**
 * SSH only: the public key is acceptable but no signature came with it — the client's query
 * (RFC 4252 §7). The SSH server answers SSH_MSG_USERAUTH_PK_OK. It is an UnauthorizedLogin, so
 * code that does not know about it still refuses the login.
 */
export class ValidPublicKey extends UnauthorizedLogin {
  constructor() {
    super(
      'The public key is acceptable; sign the request with it to log in.',
      undefined,
      'TW_CRED_VALID_PUBLIC_KEY',
    );
  }
}

/** A realm was asked for avatar interfaces it does not provide. */
export class UnsupportedAvatarInterface extends LoginFailed {
  constructor(requested: readonly string[], supported: readonly string[]) {
    super(
      `The realm provides none of the requested avatar interfaces (${requested.join(', ') || 'none'}); ` +
        `it provides: ${supported.join(', ') || 'none'}.`,
      undefined,
      'TW_CRED_UNSUPPORTED_INTERFACE',
    );
  }
}

/** A stored password hash is not in the `$scrypt$N=…,r=…,p=…$salt$hash` format or its limits. */
export class MalformedPasswordHash extends TwError {
  constructor(reason: string) {
    super(
      'TW_CRED_MALFORMED_HASH',
      `The password hash is malformed: ${reason}. Write it again with hashPassword() or \`tw passwd\`.`,
    );
  }
}

/** A user name that cannot be stored in a password file or used to find a key file. */
export class InvalidUsername extends TwError {
  constructor(reason: string) {
    super('TW_CRED_INVALID_USERNAME', `Invalid user name: ${reason}.`);
  }
}

/** An SSH public key (wire blob or authorized_keys text) that cannot be used. */
export class InvalidSSHKey extends TwError {
  constructor(reason: string) {
    super('TW_CRED_INVALID_SSH_KEY', `Invalid SSH public key: ${reason}.`);
  }
}
