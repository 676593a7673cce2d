import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import {
  InvalidIRCMessageError,
  ctcpDequote,
  ctcpQuote,
  formatCTCP,
  isCTCP,
  lowDequote,
  lowQuote,
  parseCTCP,
} from './imports.js';

describe('CTCP', () => {
  it('frames and parses requests', () => {
    expect(formatCTCP('ACTION', 'waves hello')).toBe('\x01ACTION waves hello\x01');
    expect(formatCTCP('version')).toBe('\x01VERSION\x01');
    expect(parseCTCP('\x01ACTION waves hello\x01')).toEqual({
      command: 'ACTION',
      params: 'waves hello',
    });
    expect(parseCTCP('\x01VERSION\x01')).toEqual({ command: 'VERSION', params: '' });
    expect(parseCTCP('\x01ping 1234567\x01')).toEqual({ command: 'PING', params: '1234567' });
  });

  it('is lenient: a missing closing \\x01, text after it, backslashes in text', () => {
    expect(parseCTCP('\x01ACTION waves')).toEqual({ command: 'ACTION', params: 'waves' });
    expect(parseCTCP('\x01TIME\x01 trailing junk')).toEqual({ command: 'TIME', params: '' });
    expect(parseCTCP('\x01ACTION opens C:\\dir\\new\x01')).toEqual({
      command: 'ACTION',
      params: 'opens C:\\dir\\new',
    });
    expect(parseCTCP('\x01ACTION  two spaces\x01')).toEqual({
      command: 'ACTION',
      params: ' two spaces',
    });
  });

  it('is not CTCP without a leading \\x01 or a command', () => {
    expect(isCTCP('hello')).toBe(false);
    expect(isCTCP('\x01')).toBe(false);
    expect(parseCTCP('hello \x01VERSION\x01')).toBeNull();
    expect(parseCTCP('\x01\x01')).toBeNull();
    expect(parseCTCP('\x01 x\x01')).toBeNull();
  });

  it('low-level quotes NUL, CR, LF and \\x10 so the line cannot break', () => {
    const framed = formatCTCP('PING', 'a\r\nb\0c\x10d');
    expect(framed).not.toMatch(/[\r\n\0]/);
    expect(parseCTCP(framed)).toEqual({ command: 'PING', params: 'a\r\nb\0c\x10d' });
    expect(lowDequote('a\x10zb')).toBe('a\x10zb');
    fc.assert(
      fc.property(fc.string(), (s) => {
        expect(lowDequote(lowQuote(s))).toBe(s);
      }),
    );
  });

  it('offers the old CTCP-level quoting', () => {
    expect(ctcpQuote('a\x01b\\c')).toBe('a\\ab\\\\c');
    fc.assert(
      fc.property(fc.string(), (s) => {
        expect(ctcpDequote(ctcpQuote(s))).toBe(s);
      }),
    );
  });

  it('rejects what cannot be framed', () => {
    expect(() => formatCTCP('')).toThrow(InvalidIRCMessageError);
    expect(() => formatCTCP('A B')).toThrow(InvalidIRCMessageError);
    expect(() => formatCTCP('ACTION', 'x\x01y')).toThrow(InvalidIRCMessageError);
  });
});
