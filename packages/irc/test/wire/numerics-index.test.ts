import { describe, expect, it } from 'vitest';

import * as irc from '../../src/index.js';
import { Numerics, isErrorNumeric, isNumeric, numericName } from './imports.js';

describe('Numerics', () => {
  it('names the replies as RFC 2812, Modern IRC and IRCv3 SASL do', () => {
    expect(Numerics.RPL_WELCOME).toBe('001');
    expect(Numerics.RPL_ISUPPORT).toBe('005');
    expect(Numerics.RPL_WHOISACCOUNT).toBe('330');
    expect(Numerics.RPL_NAMREPLY).toBe('353');
    expect(Numerics.ERR_NICKNAMEINUSE).toBe('433');
    expect(Numerics.ERR_INPUTTOOLONG).toBe('417');
    expect(Numerics.RPL_SASLSUCCESS).toBe('903');
    expect(Numerics.RPL_SASLMECHS).toBe('908');
  });

  it('has one name per code, all 3-digit', () => {
    const codes = Object.values(Numerics);
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of codes) expect(isNumeric(code)).toBe(true);
    expect(numericName('433')).toBe('ERR_NICKNAMEINUSE');
    expect(numericName('999')).toBeUndefined();
  });

  it('classifies error numerics', () => {
    expect(isErrorNumeric('433')).toBe(true);
    expect(isErrorNumeric('904')).toBe(true);
    expect(isErrorNumeric('903')).toBe(false);
    expect(isErrorNumeric('001')).toBe(false);
    expect(isErrorNumeric('PRIVMSG')).toBe(false);
  });
});

describe('package entry', () => {
  it('re-exports the wire layer', () => {
    for (const name of [
      'parseMessage',
      'IRCLineDecoder',
      'formatMessage',
      'encodeLine',
      'maxTextBytes',
      'splitText',
      'lowerIRC',
      'ircEquals',
      'IRCMap',
      'parseISupport',
      'ISupport',
      'parseModeString',
      'formatModeChanges',
      'isCTCP',
      'parseCTCP',
      'formatCTCP',
      'Numerics',
      'IRCParseError',
      'InvalidIRCMessageError',
      'LineTooLongError',
      'parseSource',
      'matchMask',
    ]) {
      expect(irc, name).toHaveProperty(name);
    }
  });
});
