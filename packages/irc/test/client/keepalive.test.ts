import { ConnectionLost } from '@tw/core';
import { describe, expect, it } from 'vitest';

import { IRCTimeoutError } from '../../src/client/errors.js';
import { connect, registered } from './harness.js';

describe('IRCClient keepalive', () => {
  it('gives up when registration does not finish in time', () => {
    const h = connect({ registrationTimeout: 30 });
    let error: unknown = null;
    h.client.whenRegistered().addErrback((failure) => {
      error = failure.value;
    });
    h.take();
    h.clock.advance(29.9);
    expect(h.transport.disconnecting).toBe(false);
    h.clock.advance(0.1);
    expect(error).toBeInstanceOf(IRCTimeoutError);
    expect(h.take()).toEqual(['QUIT']);
    expect(h.transport.disconnecting).toBe(true);
  });

  it('does not time out once registered', () => {
    const h = registered({ registrationTimeout: 30, pingInterval: 0 });
    h.clock.advance(1000);
    expect(h.transport.disconnecting).toBe(false);
    expect(h.clock.getDelayedCalls()).toEqual([]);
  });

  it('PINGs a quiet server and closes the link when the silence goes on', () => {
    const h = registered({ pingInterval: 100 });
    const errors: unknown[] = [];
    void h.client.names('#waiting').addErrback((failure) => {
      errors.push(failure.value);
    });
    h.take();
    h.clock.advance(60);
    h.server(':a!a@h PRIVMSG bot :still here'); // activity pushes the ping back
    h.clock.advance(60);
    expect(h.take()).toEqual([]);
    h.clock.advance(40);
    expect(h.take()).toEqual(['PING tw-160']);
    h.server(':s PONG s :tw-160');
    h.clock.advance(99);
    expect(h.take()).toEqual([]);
    h.clock.advance(1);
    expect(h.take()).toEqual(['PING tw-260']);
    h.clock.advance(100);
    expect(h.transport.aborted).toBe(true);
    expect(errors[0]).toBeInstanceOf(ConnectionLost);
  });
});
