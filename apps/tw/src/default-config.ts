import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
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

  const bridge = ircBridgeSocket(dataDir, port(667));

  const services: ServiceConfig[] = [
    { plugin: 'echo', options: { listen: [tcp(0), tls(443)] } },
    { plugin: 'chat', options: { listen: [tcp(1)] } },
    { plugin: 'finger', options: { listen: [tcp(79)], allowListing: true } },
    // <data dir>/www, whose sample index.html links to the live list of services at /services.
    // …and, at /irc/, the IRC web client with its WebSocket bridge to the IRC server below.
    { plugin: 'web', options: { listen: [tcp(80)], servicesPage: true, ...ircWeb(bridge) } },
    // IRC at base + 667 (7667); the data directory's demo account (demo / demo) may OPER. The
    // bridge reaches it on a Unix socket only this user can open, with a PROXY header naming
    // each browser, so the IRC server sees (and limits) browsers rather than the bridge.
    {
      plugin: 'irc',
      options: {
        listen: [tcp(667), ...(bridge === null || bridge.listen === null ? [] : [bridge.listen])],
        operators: ['demo'],
      },
    },
    { plugin: 'ssh', options: { listen: [tcp(22)] } },
  ];
  return { dataDir, logFormat: 'text', sampleData: true, services };
}

/** How the web bridge reaches the IRC server: where `tw irc` listens for it, and the target. */
interface IRCBridge {
  /** `haproxy:unix:…:mode=600`, added to the IRC server's endpoints; null: its usual port. */
  readonly listen: string | null;
  /** The bridge's target. */
  readonly target: string;
}

/** Longest Unix socket path we bind (sun_path holds 108 bytes with the terminating NUL). */
const MAX_SOCKET_PATH_BYTES = 100;

/**
 * The IRC bridge socket in the data directory; when its path is too long for a Unix socket, the
 * bridge falls back to the IRC port itself (browsers then all show as the bridge's address), or
 * to nothing when that port is left to the system (TW_PORT_BASE=0).
 */
function ircBridgeSocket(dataDir: string, ircPort: number): IRCBridge | null {
  const path = join(dataDir, 'irc-bridge.sock');
  if (Buffer.byteLength(path) <= MAX_SOCKET_PATH_BYTES) {
    const quoted = quoteStringArgument(path);
    return { listen: `haproxy:unix:${quoted}:mode=600`, target: `unix:path=${quoted}` };
  }
  return ircPort === 0 ? null : { listen: null, target: `tcp:host=127.0.0.1:port=${ircPort}` };
}

/**
 * `tw web` options serving @tw/irc's web client at /irc/ and a bridge at /irc/ws to the IRC
 * server; none when @tw/irc (or its built page) is missing, or there is no way to reach it.
 */
function ircWeb(bridge: IRCBridge | null): {
  mount?: string[];
  bridge?: string[];
  bridgeProxyProtocol?: string;
} {
  if (bridge === null) return {};
  let directory: string;
  try {
    const manifest = createRequire(import.meta.url).resolve('@tw/irc/package.json');
    directory = join(dirname(manifest), 'dist', 'web');
  } catch {
    return {};
  }
  if (!existsSync(join(directory, 'index.html'))) return {};
  return {
    mount: [`/irc=${directory}`],
    bridge: [`/irc/ws=${bridge.target}`],
    ...(bridge.listen === null ? {} : { bridgeProxyProtocol: 'v1' }),
  };
}
