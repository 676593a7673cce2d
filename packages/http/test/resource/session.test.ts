import { Clock, capturedEvents } from '@tw/core/testing';
import { describe, expect, it } from 'vitest';
import { SessionStore } from '../../src/resource/session.js';

describe('SessionStore and Session', () => {
  it('makes sessions with distinct 256-bit hex uids', () => {
    const store = new SessionStore(new Clock());
    const a = store.makeSession();
    const b = store.makeSession();
    expect(a.uid).toMatch(/^[0-9a-f]{64}$/);
    expect(a.uid).not.toBe(b.uid);
    expect(store.getSession(a.uid)).toBe(a);
    expect(store.getSession('nope')).toBeNull();
  });

  it('expires after sessionTimeout without a touch, and runs expiry callbacks once', () => {
    const clock = new Clock();
    const store = new SessionStore(clock, { sessionTimeout: 60 });
    const session = store.makeSession();
    const expired: string[] = [];
    session.notifyOnExpire(() => expired.push(session.uid));
    clock.advance(59);
    expect(store.getSession(session.uid)).toBe(session);
    clock.advance(1);
    expect(store.getSession(session.uid)).toBeNull();
    expect(expired).toEqual([session.uid]);
    session.expire();
    expect(expired).toHaveLength(1);
    expect(clock.getDelayedCalls()).toHaveLength(0);
  });

  it('postpones expiry on touch()', () => {
    const clock = new Clock();
    const store = new SessionStore(clock, { sessionTimeout: 60 });
    const session = store.makeSession();
    clock.advance(50);
    session.touch();
    clock.advance(50);
    expect(session.isExpired).toBe(false);
    clock.advance(10);
    expect(session.isExpired).toBe(true);
  });

  it('expires the least recently used session beyond maxSessions', () => {
    const clock = new Clock();
    const store = new SessionStore(clock, { maxSessions: 2 });
    const a = store.makeSession();
    const b = store.makeSession();
    a.touch();
    const c = store.makeSession();
    expect(b.isExpired).toBe(true);
    expect([a.isExpired, c.isExpired]).toEqual([false, false]);
    expect(store.size).toBe(2);
  });

  it('keeps running expiry callbacks when one throws', () => {
    const store = new SessionStore(new Clock());
    const session = store.makeSession();
    const ran: number[] = [];
    session.notifyOnExpire(() => {
      throw new Error('boom');
    });
    session.notifyOnExpire(() => ran.push(2));
    const log = capturedEvents();
    try {
      session.expire();
    } finally {
      log.stop();
    }
    expect(ran).toEqual([2]);
    expect(log.messages('critical')).toEqual(['Session expiry callback failed']);
  });

  it('rejects nonsense options', () => {
    expect(() => new SessionStore(new Clock(), { sessionTimeout: 0 })).toThrow(RangeError);
    expect(() => new SessionStore(new Clock(), { maxSessions: 0 })).toThrow(RangeError);
  });
});
