import { describe, expect, it } from 'vitest';

import {
  Failure,
  LogPublisher,
  Logger,
  jsonFileLogObserver,
  textFileLogObserver,
  type LogEvent,
} from '../../src/index.js';

/** A LogStream that keeps what was written. */
function capturedStream(): { write(text: string): void; text(): string; lines(): string[] } {
  const chunks: string[] = [];
  return {
    write: (text) => chunks.push(text),
    text: () => chunks.join(''),
    lines: () => chunks.join('').split('\n').slice(0, -1),
  };
}

const TIME = Date.UTC(2026, 10, 21, 5, 40, 0, 123) / 1000;

function event(overrides: Partial<LogEvent> = {}): LogEvent {
  return {
    namespace: 'tw.core.tcp',
    level: 'info',
    format: 'Connection from {peer}',
    time: TIME,
    fields: { peer: '127.0.0.1:5000' },
    ...overrides,
  };
}

function thrownAt(message: string): Error {
  // A real throw, so the error carries a stack naming this function.
  try {
    throw new TypeError(message);
  } catch (error) {
    return error as Error;
  }
}

describe('textFileLogObserver', () => {
  it('writes one line: time, [namespace#level], message', () => {
    const stream = capturedStream();
    textFileLogObserver(stream)(event());
    expect(stream.text()).toBe(
      '2026-11-21T05:40:00.123Z [tw.core.tcp#info] Connection from 127.0.0.1:5000\n',
    );
  });

  it('writes the traceback of a failure on tab-indented continuation lines', () => {
    const stream = capturedStream();
    const publisher = new LogPublisher();
    publisher.addObserver(textFileLogObserver(stream));
    new Logger('tw.test', publisher).failure('Parsing {what} failed', thrownAt('bad byte'), {
      what: 'header',
    });
    const [first, ...rest] = stream.lines();
    expect(first).toMatch(
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z \[tw\.test#critical\] Parsing header failed$/,
    );
    expect(rest[0]).toBe('\tTypeError: bad byte');
    expect(rest.some((line) => line.includes('thrownAt'))).toBe(true);
    expect(rest.every((line) => line.startsWith('\t'))).toBe(true);
  });

  it('redacts credential fields', () => {
    const stream = capturedStream();
    textFileLogObserver(stream)(
      event({
        format: 'login {user}:{passphrase}',
        fields: { user: 'ann', passphrase: 'open sesame' },
      }),
    );
    expect(stream.text()).toContain('login ann:[redacted]');
    expect(stream.text()).not.toContain('open sesame');
  });
});

describe('jsonFileLogObserver', () => {
  it('writes one JSON object per line with time, level, namespace, format, text and fields', () => {
    const stream = capturedStream();
    const observer = jsonFileLogObserver(stream);
    observer(event());
    observer(event({ level: 'warn', format: 'second' }));
    const lines = stream.lines();
    expect(lines).toHaveLength(2);
    expect(JSON.parse(lines[0]!)).toEqual({
      time: '2026-11-21T05:40:00.123Z',
      level: 'info',
      namespace: 'tw.core.tcp',
      format: 'Connection from {peer}',
      text: 'Connection from 127.0.0.1:5000',
      fields: { peer: '127.0.0.1:5000' },
    });
    expect(JSON.parse(lines[1]!)).toMatchObject({ level: 'warn', text: 'second' });
  });

  it('serialises circular objects, BigInts, bytes, errors, Maps and non-finite numbers', () => {
    const stream = capturedStream();
    const loop: Record<string, unknown> = { id: 1 };
    loop['again'] = { loop };
    jsonFileLogObserver(stream)(
      event({
        format: 'x',
        fields: {
          loop,
          big: 2n ** 70n,
          bytes: new Uint8Array([0, 255, 16]),
          error: Object.assign(new Error('nope'), { code: 'E_NOPE' }),
          map: new Map([['k', 1]]),
          nan: Number.NaN,
          shared: [{ a: 1 }, { a: 1 }],
        },
      }),
    );
    const record = JSON.parse(stream.text()) as { fields: Record<string, unknown> };
    expect(record.fields['loop']).toEqual({ id: 1, again: { loop: '[Circular]' } });
    expect(record.fields['big']).toBe('1180591620717411303424');
    expect(record.fields['bytes']).toBe('Uint8Array(3) 00ff10');
    expect(record.fields['error']).toMatchObject({
      name: 'Error',
      message: 'nope',
      code: 'E_NOPE',
    });
    expect(record.fields['map']).toEqual([['k', 1]]);
    expect(record.fields['nan']).toBe('NaN');
    expect(record.fields['shared']).toEqual([{ a: 1 }, { a: 1 }]);
  });

  it('records a failure as {type, message, traceback}', () => {
    const stream = capturedStream();
    const publisher = new LogPublisher();
    publisher.addObserver(jsonFileLogObserver(stream));
    new Logger('tw.test', publisher).failure(
      'Unexpected error',
      new Failure(thrownAt('kaput')),
      {},
      'error',
    );
    const record = JSON.parse(stream.text()) as {
      level: string;
      failure: { type: string; message: string; traceback: string };
    };
    expect(record.level).toBe('error');
    expect(record.failure.type).toBe('TypeError');
    expect(record.failure.message).toBe('kaput');
    expect(record.failure.traceback).toMatch(/^TypeError: kaput\n\s+at thrownAt/);
  });

  it('redacts credential fields at any depth', () => {
    const stream = capturedStream();
    jsonFileLogObserver(stream)(
      event({
        format: 'auth',
        fields: {
          password: 'hunter2',
          request: { headers: { authorization: 'Basic abc' } },
          SECRET: 1,
        },
      }),
    );
    const written = stream.text();
    expect(written).not.toContain('hunter2');
    expect(written).not.toContain('Basic abc');
    expect(JSON.parse(written)).toMatchObject({
      fields: {
        password: '[redacted]',
        request: { headers: { authorization: '[redacted]' } },
        SECRET: '[redacted]',
      },
    });
  });
});
