import { describe, expect, it } from 'vitest';
import {
  AuthorizedKeysChecker,
  Clock,
  InMemorySSHKeyDB,
  InMemoryUsernamePasswordDatabaseDontUse,
  LoginThrottle,
  Portal,
  SSHPublicKeyChecker,
  SSHPrivateKey,
  SimpleRealm,
  UnauthorizedLogin,
  UsernamePassword,
  ValidPublicKey,
  encodeSSHPublicKey,
  ipv4Address,
  type LoginThrottleOptions,
} from '../../src/index.js';
import { observe } from './observe.js';
import { freshKeyPair } from './ssh-fixtures.js';

const realm = new SimpleRealm({ 'test.avatar': (id) => id });
const peer = ipv4Address('TCP', '192.0.2.7', 40000);

function setup(options: LoginThrottleOptions = {}): { clock: Clock; portal: Portal } {
  const clock = new Clock();
  const throttle = new LoginThrottle(clock, options);
  const portal = new Portal(
    realm,
    [new InMemoryUsernamePasswordDatabaseDontUse({ alice: 'right' })],
    { throttle },
  );
  return { clock, portal };
}

const attempt = (
  portal: Portal,
  password: string,
  from: Parameters<Portal['loginFrom']>[0] = peer,
) => observe(portal.loginFrom(from, new UsernamePassword('alice', password), null, 'test.avatar'));

describe('LoginThrottle via Portal', () => {
  it('reports a failure only after a delay that doubles with each failure, up to the cap', () => {
    const { clock, portal } = setup({ baseDelay: 1, factor: 2, maxDelay: 5 });
    const expected = [1, 2, 4, 5, 5];
    for (const delay of expected) {
      const result = attempt(portal, 'wrong');
      clock.advance(delay - 0.001);
      expect(result.fired).toBe(false);
      clock.advance(0.001);
      expect(result.fired).toBe(true);
      expect(result.error).toBeInstanceOf(UnauthorizedLogin);
    }
  });

  it('lets a correct password in at once, and a success starts the count afresh', () => {
    const { clock, portal } = setup();
    attempt(portal, 'wrong');
    clock.advance(1);
    attempt(portal, 'wrong');
    clock.advance(2);
    const ok = attempt(portal, 'right');
    expect(ok.fired).toBe(true);
    expect(ok.value?.avatar).toBe('alice');
    const next = attempt(portal, 'wrong');
    clock.advance(1);
    expect(next.fired).toBe(true);
  });

  it('counts per peer host: another host starts at the base delay; another port of the same host does not', () => {
    const { clock, portal } = setup({ baseDelay: 1, maxDelay: 60 });
    for (let i = 0; i < 3; i++) {
      attempt(portal, 'wrong');
      clock.advance(60);
    }
    const sameHostOtherPort = attempt(portal, 'wrong', ipv4Address('TCP', '192.0.2.7', 40001));
    const otherHost = attempt(portal, 'wrong', ipv4Address('TCP', '198.51.100.1', 40000));
    clock.advance(1);
    expect(otherHost.fired).toBe(true);
    expect(sameHostOtherPort.fired).toBe(false);
    clock.advance(7);
    expect(sameHostOtherPort.fired).toBe(true);
  });

  it('locks the pair out after N failures in the window, refusing even the right password, then lets it in', () => {
    const { clock, portal } = setup({
      baseDelay: 1,
      maxDelay: 1,
      lockoutThreshold: 3,
      lockoutWindow: 60,
      lockoutDuration: 300,
    });
    for (let i = 0; i < 3; i++) {
      attempt(portal, 'wrong');
      clock.advance(1);
    }
    const refused = attempt(portal, 'right');
    clock.advance(1);
    expect(refused.error).toBeInstanceOf(UnauthorizedLogin);
    const elsewhere = attempt(portal, 'right', ipv4Address('TCP', '203.0.113.9', 1));
    expect(elsewhere.value?.avatar).toBe('alice');
    clock.advance(300);
    const later = attempt(portal, 'right');
    expect(later.value?.avatar).toBe('alice');
  });

  it('does not lock out when the failures are spread wider than the window', () => {
    const { clock, portal } = setup({
      baseDelay: 1,
      maxDelay: 1,
      lockoutThreshold: 3,
      lockoutWindow: 10,
    });
    for (let i = 0; i < 5; i++) {
      attempt(portal, 'wrong');
      clock.advance(6);
    }
    expect(attempt(portal, 'right').value?.avatar).toBe('alice');
  });

  it('forgets a pair after forgetAfter without failures', () => {
    const { clock, portal } = setup({ baseDelay: 1, maxDelay: 100, forgetAfter: 50 });
    for (let i = 0; i < 4; i++) {
      attempt(portal, 'wrong');
      clock.advance(100);
    }
    const fresh = attempt(portal, 'wrong');
    clock.advance(1);
    expect(fresh.fired).toBe(true);
  });

  it('remembers at most maxTrackedKeys pairs', () => {
    const clock = new Clock();
    const throttle = new LoginThrottle(clock, { maxTrackedKeys: 100 });
    for (let i = 0; i < 1000; i++)
      throttle.recordFailure(LoginThrottle.keyFor(`user${i}`, '192.0.2.1'));
    expect(throttle.trackedKeys).toBe(100);
  });

  it('cancelling a delayed failure cancels its timer', () => {
    const { clock, portal } = setup();
    const d = portal.loginFrom(peer, new UsernamePassword('alice', 'wrong'), null, 'test.avatar');
    expect(clock.getDelayedCalls()).toHaveLength(1);
    d.cancel();
    d.addErrback(() => undefined);
    expect(clock.getDelayedCalls()).toHaveLength(0);
  });

  it('does not slow down SSH key queries: public keys are not secrets', () => {
    const clock = new Clock();
    const authorized = freshKeyPair('ed25519');
    const stranger = freshKeyPair('ed25519');
    const portal = new Portal(
      realm,
      [
        new SSHPublicKeyChecker(
          new InMemorySSHKeyDB({ alice: [encodeSSHPublicKey(authorized.publicKey)] }),
        ),
      ],
      {
        reactor: clock,
      },
    );
    const query = (key: typeof authorized) =>
      observe(
        portal.loginFrom(
          peer,
          new SSHPrivateKey('alice', 'ssh-ed25519', encodeSSHPublicKey(key.publicKey)),
          null,
          'test.avatar',
        ),
      );
    const pkOk = query(authorized);
    expect(pkOk.error).toBeInstanceOf(ValidPublicKey);
    for (let i = 0; i < 5; i++) {
      // An agent offering keys the server does not know: each one refused without a wait.
      const refused = query(stranger);
      expect(refused.fired).toBe(true);
      expect(refused.error).toBeInstanceOf(UnauthorizedLogin);
      expect(refused.error).not.toBeInstanceOf(ValidPublicKey);
    }
    expect(AuthorizedKeysChecker).toBeDefined();
  });

  it('without a throttle fails at once', () => {
    const portal = new Portal(realm, [
      new InMemoryUsernamePasswordDatabaseDontUse({ alice: 'right' }),
    ]);
    expect(attempt(portal, 'wrong').error).toBeInstanceOf(UnauthorizedLogin);
  });
});
