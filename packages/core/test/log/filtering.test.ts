import { describe, expect, it } from 'vitest';

import { LogPublisher, Logger, filteringObserver, type LogEvent } from '../../src/index.js';

function filtered(options: Parameters<typeof filteringObserver>[1]): {
  publisher: LogPublisher;
  seen: string[];
} {
  const publisher = new LogPublisher();
  const seen: string[] = [];
  publisher.addObserver(
    filteringObserver((e: LogEvent) => seen.push(`${e.namespace}#${e.level}`), options),
  );
  return { publisher, seen };
}

describe('filteringObserver', () => {
  it('passes info and above by default', () => {
    const { publisher, seen } = filtered({});
    const log = new Logger('app', publisher);
    log.debug('x');
    log.info('x');
    log.critical('x');
    expect(seen).toEqual(['app#info', 'app#critical']);
  });

  it('applies the level of the longest namespace prefix, matching only at dots', () => {
    const { publisher, seen } = filtered({
      defaultLevel: 'error',
      namespaces: { 'tw.core': 'debug', 'tw.core.tls': 'warn' },
    });
    for (const namespace of [
      'tw.core',
      'tw.core.tcp',
      'tw.core.tls',
      'tw.core.tls.session',
      'tw.corex',
      'tw.imap',
    ]) {
      const log = new Logger(namespace, publisher);
      log.debug('x');
      log.warn('x');
      log.error('x');
    }
    expect(seen).toEqual([
      'tw.core#debug',
      'tw.core#warn',
      'tw.core#error',
      'tw.core.tcp#debug',
      'tw.core.tcp#warn',
      'tw.core.tcp#error',
      'tw.core.tls#warn',
      'tw.core.tls#error',
      'tw.core.tls.session#warn',
      'tw.core.tls.session#error',
      'tw.corex#error',
      'tw.imap#error',
    ]);
  });
});
