import { join } from 'node:path';
import { quoteStringArgument } from '@tw/core';
import type { ServiceConfig, TwConfig } from './config.js';

/** Where `tw serve` keeps its data without --data-dir, TW_DATA_DIR or a config's dataDir. */
export const DEFAULT_DATA_DIR = '.tw-data';

/** The first port of the default config; every service sits at a fixed offset from it. */
export const DEFAULT_PORT_BASE = 7000;

/** The self-signed certificate the data directory holds for the default config's TLS ports. */
export const TLS_KEY_FILE = join('tls', 'localhost.key');
export const TLS_CERT_FILE = join('tls', 'localhost.crt');

/**
 * The embedded default config, run by `tw serve` without --config: every protocol plugin in the
 * repository on loopback, at fixed offsets from `portBase` (7000; TW_PORT_BASE changes it, and 0
 * lets the system pick every port). A protocol package that lands adds its entry here.
 * Entries whose plugin is not installed are skipped with a warning.
 */
export function defaultConfig(dataDir: string, portBase: number = DEFAULT_PORT_BASE): TwConfig {
  const port = (offset: number): number => (portBase === 0 ? 0 : portBase + offset);
  const tcp = (offset: number): string => `tcp:${port(offset)}:interface=127.0.0.1`;
  const tls = (offset: number): string =>
    `tls:${port(offset)}:interface=127.0.0.1` +
    `:privateKey=${quoteStringArgument(join(dataDir, TLS_KEY_FILE))}` +
    `:certKey=${quoteStringArgument(join(dataDir, TLS_CERT_FILE))}`;

  const services: ServiceConfig[] = [
    { plugin: 'echo', options: { listen: [tcp(0), tls(443)] } },
    { plugin: 'chat', options: { listen: [tcp(1)] } },
    { plugin: 'finger', options: { listen: [tcp(79)], allowListing: true } },
    // <data dir>/www, whose sample index.html links to the live list of services at /services.
    { plugin: 'web', options: { listen: [tcp(80)], servicesPage: true } },
    // IRC at base + 667 (7667); the data directory's demo account (demo / demo) may OPER.
    { plugin: 'irc', options: { listen: [tcp(667)], operators: ['demo'] } },
  ];
  return { dataDir, logFormat: 'text', sampleData: true, services };
}
