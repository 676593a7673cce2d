import {
  SSHPrivateKey,
  UsernamePassword,
  ValidPublicKey,
  type Address,
  type ICredentials,
  type ILogger,
  type LoginResult,
  type Portal,
} from '@tw/core';
import type { AuthContext, PublicKeyAuthContext } from 'ssh2';

/** What a successful authentication leaves behind. */
export interface AuthenticatedUser {
  readonly username: string;
  readonly avatar: unknown;
  readonly logout: () => void;
}

export interface AuthenticatorOptions {
  readonly portal: Portal;
  readonly peer: Address;
  readonly avatarInterface: string;
  readonly maxAuthAttempts: number;
  readonly log: ILogger;
  /** Called once the attempts are used up: the connection should be dropped. */
  readonly onTooManyAttempts: () => void;
}

/**
 * Turns ssh2's userauth requests into cred logins: "password" → UsernamePassword, "publickey"
 * → SSHPrivateKey (a query without signature gets PK_OK when the key is authorized; the
 * signature is checked by the portal's key checker). Failures count towards maxAuthAttempts and
 * are slowed down by the portal's LoginThrottle.
 */
export class SSHAuthenticator {
  /** The user, once authenticated. */
  user: AuthenticatedUser | null = null;
  private attempts = 0;
  private readonly methods: Array<'password' | 'publickey' | 'keyboard-interactive'>;

  constructor(private readonly options: AuthenticatorOptions) {
    const kinds = options.portal.listCredentialsInterfaces();
    this.methods = [];
    if (kinds.includes('ssh-key')) this.methods.push('publickey');
    if (kinds.includes('username-password')) this.methods.push('keyboard-interactive', 'password');
  }

  /** Handle one ssh2 'authentication' event. */
  handle(ctx: AuthContext): void {
    if (this.user !== null) {
      ctx.reject();
      return;
    }
    switch (ctx.method) {
      case 'password':
        if (!this.methods.includes('password')) break;
        this.attempt(ctx, new UsernamePassword(ctx.username, ctx.password), true);
        return;
      case 'publickey': {
        if (!this.methods.includes('publickey')) break;
        const pk = ctx as PublicKeyAuthContext;
        const signed = pk.signature !== undefined;
        const credentials = new SSHPrivateKey(
          ctx.username,
          signatureAlgorithm(pk.key.algo, pk.hashAlgo),
          pk.key.data,
          signed ? pk.blob : undefined,
          signed ? pk.signature : undefined,
        );
        this.attempt(ctx, credentials, signed);
        return;
      }
      case 'keyboard-interactive': {
        if (!this.methods.includes('keyboard-interactive')) break;
        // One "Password:" prompt, checked like a password: what OpenSSH's sshd does with PAM.
        const username = ctx.username;
        ctx.prompt([{ prompt: 'Password: ', echo: false }], (answers: string[]) => {
          const password = answers.length === 1 && typeof answers[0] === 'string' ? answers[0] : '';
          this.attempt(ctx, new UsernamePassword(username, password), true);
        });
        return;
      }
      case 'none':
      case 'hostbased':
        break;
    }
    ctx.reject(this.methods);
  }

  private attempt(ctx: AuthContext, credentials: ICredentials, counts: boolean): void {
    if (counts) this.attempts += 1;
    const username = ctx.username;
    this.options.portal
      .loginFrom(this.options.peer, credentials, null, this.options.avatarInterface)
      .addCallbacks(
        (result: LoginResult) => {
          if (this.user !== null) {
            result.logout();
            return;
          }
          this.user = { username, avatar: result.avatar, logout: result.logout };
          this.options.log.info('SSH login of {username} by {method}', {
            username,
            method: ctx.method,
          });
          ctx.accept();
        },
        (failure) => {
          if (failure.check(ValidPublicKey) !== null) {
            ctx.accept(); // PK_OK: the client will now sign with this key
            return;
          }
          this.options.log.info('SSH login failed for {username} by {method}', {
            username,
            method: ctx.method,
          });
          ctx.reject(this.methods);
          if (counts && this.attempts >= this.options.maxAuthAttempts) {
            this.options.onTooManyAttempts();
          }
        },
      );
  }
}

/** The algorithm name the client signed with: RSA keys sign as rsa-sha2-256/512 or ssh-rsa. */
function signatureAlgorithm(keyAlgorithm: string, hashAlgorithm: string | undefined): string {
  if (keyAlgorithm === 'ssh-rsa') {
    if (hashAlgorithm === 'sha256') return 'rsa-sha2-256';
    if (hashAlgorithm === 'sha512') return 'rsa-sha2-512';
  }
  return keyAlgorithm;
}
