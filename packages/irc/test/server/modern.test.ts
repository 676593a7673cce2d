import { describe, expect, it } from 'vitest';
import { TestServer } from './harness.js';

describe('Modern IRC details', () => {
  it('USER with an empty user name or real name is 461', () => {
    const server = new TestServer();
    const client = server.connect();
    client.send('NICK foo', 'USER username * * :', 'USER  * * :Real');
    expect(client.lines()).toEqual([
      ':irc.test 461 foo USER :Not enough parameters',
      ':irc.test 461 foo USER :Not enough parameters',
    ]);
    client.send('USER username * * :Real');
    expect(client.lines()[0]).toMatch(/ 001 foo /);
  });

  it('invalid channel keys and limits get 696; valid ones are applied', () => {
    const server = new TestServer();
    const op = server.register('op');
    op.send('JOIN #chan');
    op.lines();
    op.send(
      'MODE #chan +k :passphrase with spaces',
      'MODE #chan +k :',
      `MODE #chan +k ${'long'.repeat(100)}`,
      'MODE #chan +l 0',
      'MODE #chan +l abc',
      'MODE #chan +k beer',
    );
    const keyError =
      ':irc.test 696 op #chan k * :Invalid key (1 to 50 characters, no spaces or commas)';
    const limitError = ':irc.test 696 op #chan l * :Invalid limit (a whole number of at least 1)';
    expect(op.lines()).toEqual([
      keyError,
      keyError,
      keyError,
      limitError,
      limitError,
      ':op!~op@10.0.0.1 MODE #chan +k beer',
    ]);
    const guest = server.register('guest');
    guest.send('JOIN #chan', 'JOIN #chan beer');
    expect(guest.lines().slice(0, 2)).toEqual([
      ':irc.test 475 guest #chan :Cannot join channel (+k)',
      ':guest!~guest@10.0.0.1 JOIN #chan',
    ]);
  });

  it('WHOIS hides the channels of an invisible user from those not in them', () => {
    const server = new TestServer();
    const one = server.register('userOne');
    one.send('JOIN #xyz', 'MODE userOne +i');
    const two = server.register('userTwo');
    const channelsLine = (): string[] => {
      two.send('WHOIS userOne');
      return two.lines().filter((l) => / 319 /.test(l));
    };
    expect(channelsLine()).toEqual([]);
    two.send('JOIN #xyz');
    two.lines();
    expect(channelsLine()).toEqual([':irc.test 319 userTwo userOne :@#xyz']);
    two.send('PART #xyz');
    one.send('MODE userOne -i');
    expect(channelsLine()).toEqual([':irc.test 319 userTwo userOne :@#xyz']);
  });

  it('INVITE alone lists pending invitations; INVITE with one parameter is 461', () => {
    const server = new TestServer();
    const op = server.register('op');
    const guest = server.register('guest');
    op.send('JOIN #a', 'JOIN #b', 'INVITE guest #a', 'INVITE guest #b');
    guest.lines();
    guest.send('INVITE', 'JOIN #a', 'INVITE', 'INVITE op');
    expect(guest.lines().filter((l) => / (336|337|461) /.test(l))).toEqual([
      ':irc.test 336 guest #a',
      ':irc.test 336 guest #b',
      ':irc.test 337 guest :End of /INVITE list',
      ':irc.test 336 guest #b',
      ':irc.test 337 guest :End of /INVITE list',
      ':irc.test 461 guest INVITE :Not enough parameters',
    ]);
  });

  it('LUSERS reports 265/266 with the peak number of users', () => {
    const server = new TestServer();
    const bar = server.register('bar');
    server.register('qux').send('QUIT');
    bar.lines();
    bar.send('LUSERS');
    expect(bar.lines().filter((l) => / 26[56] /.test(l))).toEqual([
      ':irc.test 265 bar 1 2 :Current local users 1, max 2',
      ':irc.test 266 bar 1 2 :Current global users 1, max 2',
    ]);
  });
});
