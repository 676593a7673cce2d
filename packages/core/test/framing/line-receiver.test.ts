import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineReceiver } from '../../src/index.js';
import { StringTransport } from '../../src/testing/index.js';
import { anyCuts, concat, decode, encode, splitAt, splitPoints } from './split-chunks.js';

/** Records lines and raw data; "RAW <n>" switches to raw mode for the next n bytes. */
class RecordingReceiver extends LineReceiver {
  readonly events: string[] = [];
  exceeded: Uint8Array[] = [];
  private rawLeft = 0;

  override lineReceived(line: Uint8Array): void {
    const text = decode(line);
    this.events.push(`line:${text}`);
    const match = /^RAW (\d+)$/.exec(text);
    if (match !== null) {
      this.rawLeft = Number(match[1]);
      this.setRawMode();
    }
  }

  override rawDataReceived(data: Uint8Array): void {
    const take = Math.min(this.rawLeft, data.byteLength);
    this.events.push(`raw:${decode(data.subarray(0, take))}`);
    this.rawLeft -= take;
    if (this.rawLeft === 0) this.setLineMode(data.subarray(take));
  }

  override lineLengthExceeded(line: Uint8Array): void {
    this.exceeded.push(line);
    super.lineLengthExceeded(line);
  }

  /** Raw events merged, so results compare across different chunkings. */
  normalized(): string[] {
    const out: string[] = [];
    for (const event of this.events) {
      const last = out[out.length - 1];
      if (event.startsWith('raw:') && last?.startsWith('raw:'))
        out[out.length - 1] = last + event.slice(4);
      else out.push(event);
    }
    return out.filter((e) => e !== 'raw:');
  }
}

function connect<P extends LineReceiver>(protocol: P): { protocol: P; transport: StringTransport } {
  const transport = new StringTransport();
  transport.connect(protocol);
  return { protocol, transport };
}

function feed(protocol: LineReceiver, chunks: Uint8Array[]): void {
  for (const chunk of chunks) protocol.dataReceived(chunk);
}

/** Text that may hold lone CRs and LFs but never a CRLF. */
const lineText = fc
  .string({ unit: fc.constantFrom('a', 'b', ' ', 'é', '\r', '\n', 'x'), maxLength: 12 })
  .filter((text) => !text.includes('\r\n'));

describe('LineReceiver', () => {
  it('delivers each CRLF-terminated line without its delimiter and keeps a partial line', () => {
    const { protocol } = connect(new RecordingReceiver());
    protocol.dataReceived(encode('hello\r\nwor'));
    protocol.dataReceived(encode('ld\r\n\r\npartial'));
    expect(protocol.events).toEqual(['line:hello', 'line:world', 'line:']);
  });

  it('gives the same lines for any split of the stream', () => {
    fc.assert(
      fc.property(
        fc.array(lineText, { maxLength: 8 }),
        lineText,
        anyCuts,
        (lines, tail, points) => {
          const stream = encode(lines.map((l) => `${l}\r\n`).join('') + tail);
          const { protocol } = connect(new RecordingReceiver());
          feed(protocol, splitAt(stream, points));
          expect(protocol.events).toEqual(lines.map((l) => `line:${l}`));
        },
      ),
    );
  });

  it('splits on a custom multi-byte delimiter, even when the delimiter itself is split', () => {
    fc.assert(
      fc.property(splitPoints(24), (points) => {
        const protocol = new RecordingReceiver();
        protocol.delimiter = encode('<>');
        connect(protocol);
        feed(protocol, splitAt(encode('one<>two<<>>three<>four'), points));
        expect(protocol.events).toEqual(['line:one', 'line:two<', 'line:>three']);
      }),
    );
  });

  it('hands the rest of the buffer to rawDataReceived after setRawMode, and re-parses setLineMode(extra)', () => {
    const stream = encode('HEAD\r\nRAW 7\r\nab\r\ncdeLINE2\r\nRAW 3\r\nxyzEND\r\n');
    const expected = [
      'line:HEAD',
      'line:RAW 7',
      'raw:ab\r\ncde',
      'line:LINE2',
      'line:RAW 3',
      'raw:xyz',
      'line:END',
    ];
    const whole = connect(new RecordingReceiver()).protocol;
    whole.dataReceived(stream);
    expect(whole.normalized()).toEqual(expected);
    fc.assert(
      fc.property(splitPoints(stream.length), (points) => {
        const { protocol } = connect(new RecordingReceiver());
        feed(protocol, splitAt(stream, points));
        expect(protocol.normalized()).toEqual(expected);
      }),
    );
  });

  it('stays in raw mode until told otherwise', () => {
    class RawAfterFirst extends LineReceiver {
      readonly got: string[] = [];
      override lineReceived(line: Uint8Array): void {
        this.got.push(`line:${decode(line)}`);
        this.setRawMode();
      }
      override rawDataReceived(data: Uint8Array): void {
        this.got.push(`raw:${decode(data)}`);
      }
    }
    const { protocol } = connect(new RawAfterFirst());
    protocol.dataReceived(encode('first\r\nsecond\r\n'));
    protocol.dataReceived(encode('third\r\n'));
    expect(protocol.got).toEqual(['line:first', 'raw:second\r\n', 'raw:third\r\n']);
  });

  it('accepts a line of exactly MAX_LENGTH bytes and reports a longer one, then closes', () => {
    const protocol = new RecordingReceiver();
    protocol.MAX_LENGTH = 10;
    const { transport } = connect(protocol);
    protocol.dataReceived(encode('0123456789\r\n'));
    expect(protocol.events).toEqual(['line:0123456789']);
    expect(transport.disconnecting).toBe(false);
    protocol.dataReceived(encode('0123456789X\r\nnext\r\n'));
    expect(protocol.events).toEqual(['line:0123456789']);
    expect(protocol.exceeded.map(decode)).toEqual(['0123456789X\r\nnext\r\n']);
    expect(transport.disconnecting).toBe(true);
  });

  it('reports an over-long line before its delimiter arrives, never buffering past the limit', () => {
    const protocol = new RecordingReceiver();
    protocol.MAX_LENGTH = 10;
    const { transport } = connect(protocol);
    // 10 bytes plus a CR could still be a legal line: not yet exceeded.
    for (const byte of encode('0123456789\r')) protocol.dataReceived(new Uint8Array([byte]));
    expect(protocol.exceeded).toEqual([]);
    protocol.dataReceived(encode('X'));
    expect(protocol.exceeded.map(decode)).toEqual(['0123456789\rX']);
    expect(transport.disconnecting).toBe(true);
  });

  it('stops delivering lines once lineReceived closes the connection', () => {
    class QuitReceiver extends LineReceiver {
      readonly got: string[] = [];
      override lineReceived(line: Uint8Array): void {
        this.got.push(decode(line));
        if (decode(line) === 'QUIT') this.transport.loseConnection();
      }
    }
    const { protocol } = connect(new QuitReceiver());
    protocol.dataReceived(encode('a\r\nQUIT\r\nb\r\n'));
    expect(protocol.got).toEqual(['a', 'QUIT']);
  });

  it('holds buffered lines while paused and delivers them on resumeProducing', () => {
    class PausingReceiver extends LineReceiver {
      readonly got: string[] = [];
      override lineReceived(line: Uint8Array): void {
        this.got.push(decode(line));
        if (decode(line) === 'pause') this.pauseProducing();
      }
    }
    const { protocol, transport } = connect(new PausingReceiver());
    protocol.dataReceived(encode('a\r\npause\r\nb\r\nc\r\n'));
    expect(protocol.got).toEqual(['a', 'pause']);
    expect(transport.producerState).toBe('paused');
    protocol.dataReceived(encode('d\r\n'));
    expect(protocol.got).toEqual(['a', 'pause']);
    protocol.resumeProducing();
    expect(transport.producerState).toBe('producing');
    expect(protocol.got).toEqual(['a', 'pause', 'b', 'c', 'd']);
  });

  it('keeps its own copy of a partial line, so the caller may reuse its chunk', () => {
    const { protocol } = connect(new RecordingReceiver());
    const chunk = encode('abc\r\ndef');
    protocol.dataReceived(chunk);
    chunk.fill(0x21);
    protocol.dataReceived(encode('\r\n'));
    expect(protocol.events).toEqual(['line:abc', 'line:def']);
  });

  it('sendLine writes bytes or UTF-8 text followed by the delimiter', () => {
    const { protocol, transport } = connect(new RecordingReceiver());
    protocol.sendLine('héllo');
    protocol.sendLine(new Uint8Array([1, 2]));
    expect(transport.value()).toEqual(
      concat([encode('héllo\r\n'), new Uint8Array([1, 2, 13, 10])]),
    );
  });

  it('clearLineBuffer returns and drops what was not delivered', () => {
    const { protocol } = connect(new RecordingReceiver());
    protocol.dataReceived(encode('done\r\npart'));
    expect(decode(protocol.clearLineBuffer())).toBe('part');
    protocol.dataReceived(encode('ial\r\n'));
    expect(protocol.events).toEqual(['line:done', 'line:ial']);
  });

  it('parses a long line fed one byte at a time', () => {
    const { protocol } = connect(new RecordingReceiver());
    const line = 'x'.repeat(16384);
    for (const byte of encode(`${line}\r\n`)) protocol.dataReceived(new Uint8Array([byte]));
    expect(protocol.events).toEqual([`line:${line}`]);
  });
});
