import { describe, expect, it } from 'vitest';
import {
  ANONYMOUS,
  AllowAnonymousAccess,
  Anonymous,
  Deferred,
  InMemoryPasswordChecker,
  InMemoryUsernamePasswordDatabaseDontUse,
  Portal,
  SimpleRealm,
  UnauthorizedLogin,
  UnhandledCredentials,
  UnsupportedAvatarInterface,
  UsernamePassword,
  isTwError,
  type AvatarId,
  type IRealm,
  type IUsernameHashedPassword,
  type LoginResult,
} from '../../src/index.js';

interface Mailbox {
  readonly owner: AvatarId;
}

function mailRealm(loggedOut: string[] = []): SimpleRealm<Mailbox> {
  return new SimpleRealm<Mailbox>(
    { 'pop3.mailbox': (id) => ({ owner: id }) },
    { logout: (avatar) => loggedOut.push(String(avatar.owner)) },
  );
}

async function failureOf(d: Deferred<unknown>): Promise<unknown> {
  try {
    await d;
  } catch (error) {
    return error;
  }
  throw new Error('expected the login to fail');
}

describe('Portal', () => {
  it('logs a user in and hands back the avatar for the requested interface', async () => {
    const portal = new Portal(mailRealm(), [
      new InMemoryUsernamePasswordDatabaseDontUse({ alice: 'wonder' }),
    ]);
    const result = await portal.login(
      new UsernamePassword('alice', 'wonder'),
      null,
      'pop3.mailbox',
    );
    expect(result.interface).toBe('pop3.mailbox');
    expect(result.avatar).toEqual({ owner: 'alice' });
  });

  it('gives an unknown user and a wrong password the very same error', async () => {
    const checker = new InMemoryPasswordChecker();
    await checker.addUser('alice', 'wonder', { N: 1024 });
    const portal = new Portal(mailRealm(), [checker]);
    const unknown = await failureOf(
      portal.login(new UsernamePassword('mallory', 'wonder'), null, 'pop3.mailbox'),
    );
    const wrong = await failureOf(
      portal.login(new UsernamePassword('alice', 'guess'), null, 'pop3.mailbox'),
    );
    for (const error of [unknown, wrong]) {
      expect(error).toBeInstanceOf(UnauthorizedLogin);
      expect(isTwError(error, 'TW_CRED_UNAUTHORIZED_LOGIN')).toBe(true);
    }
    expect((unknown as Error).message).toBe((wrong as Error).message);
    expect((unknown as Error).message).not.toMatch(/mallory|alice|exist|user not/i);
  });

  it('does not pass on a checker’s detail about why it refused', async () => {
    const chatty = {
      credentialInterfaces: ['username-password'],
      requestAvatarId: () => Deferred.fail<AvatarId>(new UnauthorizedLogin('no such user: bob')),
    };
    const error = await failureOf(
      new Portal(mailRealm(), [chatty]).login(
        new UsernamePassword('bob', 'x'),
        null,
        'pop3.mailbox',
      ),
    );
    expect(error).toBeInstanceOf(UnauthorizedLogin);
    expect((error as Error).message).not.toContain('no such user');
  });

  it('fails with UnhandledCredentials when no checker takes the kind', async () => {
    const portal = new Portal(mailRealm(), [new InMemoryUsernamePasswordDatabaseDontUse()]);
    const error = await failureOf(portal.login(new Anonymous(), null, 'pop3.mailbox'));
    expect(error).toBeInstanceOf(UnhandledCredentials);
    expect((error as Error).message).toContain("'anonymous'");
  });

  it('lists the credentials kinds it can check and lets a checker be registered for some', () => {
    const portal = new Portal(mailRealm());
    expect(portal.listCredentialsInterfaces()).toEqual([]);
    portal.registerChecker(new InMemoryUsernamePasswordDatabaseDontUse(), 'username-password');
    portal.registerChecker(new AllowAnonymousAccess());
    expect(portal.listCredentialsInterfaces().sort()).toEqual(['anonymous', 'username-password']);
  });

  it('logs anonymous users in as ANONYMOUS, never as a user name', async () => {
    const portal = new Portal(mailRealm(), [new AllowAnonymousAccess()]);
    const { avatar } = await portal.login(new Anonymous(), null, 'pop3.mailbox');
    expect(avatar.owner).toBe(ANONYMOUS);
    expect(typeof avatar.owner).toBe('symbol');
  });

  it('passes the mind and interfaces to the realm and returns its logout', async () => {
    const calls: unknown[][] = [];
    let loggedOut = 0;
    const realm: IRealm<string> = {
      requestAvatar(avatarId, mind, ...interfaces): LoginResult<string> {
        calls.push([avatarId, mind, interfaces]);
        return {
          interface: interfaces[1]!,
          avatar: `avatar of ${String(avatarId)}`,
          logout: () => loggedOut++,
        };
      },
    };
    const portal = new Portal(realm, [new InMemoryUsernamePasswordDatabaseDontUse({ bob: 'pw' })]);
    const mind = { reply: 'callback' };
    const result = await portal.login(
      new UsernamePassword('bob', 'pw'),
      mind,
      'imap.account',
      'imap.readonly',
    );
    expect(calls).toEqual([['bob', mind, ['imap.account', 'imap.readonly']]]);
    expect(result.interface).toBe('imap.readonly');
    result.logout();
    expect(loggedOut).toBe(1);
  });

  it('never asks the realm when the credentials are refused', async () => {
    let asked = false;
    const realm: IRealm = {
      requestAvatar: () => {
        asked = true;
        return { interface: 'x', avatar: null, logout: () => undefined };
      },
    };
    const portal = new Portal(realm, [new InMemoryUsernamePasswordDatabaseDontUse({ bob: 'pw' })]);
    await failureOf(portal.login(new UsernamePassword('bob', 'nope'), null, 'x'));
    expect(asked).toBe(false);
  });

  it('supports hashed-password credentials (APOP, CRAM-MD5) against the clear-text database', async () => {
    const proofFor = (secret: string): IUsernameHashedPassword => ({
      kind: 'username-hashed-password',
      username: 'carol',
      checkPassword: (stored) => stored === secret,
    });
    const portal = new Portal(mailRealm(), [
      new InMemoryUsernamePasswordDatabaseDontUse({ carol: 's3cret' }),
    ]);
    expect((await portal.login(proofFor('s3cret'), null, 'pop3.mailbox')).avatar.owner).toBe(
      'carol',
    );
    expect(await failureOf(portal.login(proofFor('other'), null, 'pop3.mailbox'))).toBeInstanceOf(
      UnauthorizedLogin,
    );
  });
});

describe('SimpleRealm', () => {
  it('chooses the first requested interface it provides', async () => {
    const realm = new SimpleRealm<string>({
      'ftp.shell': () => 'shell',
      'ftp.anonymous': () => 'anon',
    });
    const result = await realm.requestAvatar(
      'dave',
      null,
      'ftp.admin',
      'ftp.anonymous',
      'ftp.shell',
    );
    expect(result.interface).toBe('ftp.anonymous');
    expect(result.avatar).toBe('anon');
  });

  it('fails naming what was asked and what it has when it provides none', async () => {
    const realm = new SimpleRealm({ 'ftp.shell': () => 'shell' });
    const error = await failureOf(realm.requestAvatar('dave', null, 'imap.account'));
    expect(error).toBeInstanceOf(UnsupportedAvatarInterface);
    expect((error as Error).message).toContain('imap.account');
    expect((error as Error).message).toContain('ftp.shell');
  });

  it('waits for an avatar factory that returns a promise, and logs out once', async () => {
    const loggedOut: string[] = [];
    const realm = new SimpleRealm<string>(
      { 'nntp.reader': async (id) => Promise.resolve(`reader ${String(id)}`) },
      { logout: (avatar) => loggedOut.push(avatar) },
    );
    const result = await realm.requestAvatar('erin', null, 'nntp.reader');
    expect(result.avatar).toBe('reader erin');
    result.logout();
    result.logout();
    expect(loggedOut).toEqual(['reader erin']);
  });

  it('lets the portal surface a realm that cannot serve the protocol', async () => {
    const portal = new Portal(mailRealm(), [
      new InMemoryUsernamePasswordDatabaseDontUse({ a: 'b' }),
    ]);
    const error = await failureOf(portal.login(new UsernamePassword('a', 'b'), null, 'irc.user'));
    expect(error).toBeInstanceOf(UnsupportedAvatarInterface);
  });
});
