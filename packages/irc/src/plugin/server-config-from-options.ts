import { readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  InvalidPluginOptionValueError,
  PasswordFileChecker,
  Portal,
  SimpleRealm,
  UnauthorizedLogin,
  optionFlagName,
  type ILogger,
  type IReactorTime,
} from '@tw/core';
import {
  CertificateFingerprintChecker,
  normalizeFingerprint,
} from '../server/certificate-credentials.js';
import {
  IRC_ACCOUNT_INTERFACE,
  IRC_OPERATOR_INTERFACE,
  defaultIRCServerConfig,
  type IRCServerConfig,
} from '../server/config.js';
import { IRC_MOTD_FILE } from './sample-motd.js';

/** The options `tw irc` takes (`--listen`, `--server-name`, `--motd`, `--operators`, …). */
export interface IRCPluginOptions extends Record<string, unknown> {
  listen: string[];
  serverName: string;
  description: string;
  network: string;
  /** A path to a MOTD file, or the text itself; default <data dir>/irc/motd.txt. */
  motd?: string;
  nickLen: number;
  channelLen: number;
  topicLen: number;
  realnameLen: number;
  /** Refuse lines that are not UTF-8 instead of decoding them as latin-1. */
  utf8Only: boolean;
  maxConnectionsPerAddress: number;
  floodBurst: number;
  floodPerSecond: number;
  /** Accounts of the password file that may become IRC operators (OPER name password). */
  operators: string[];
  /** `ACCOUNT=FINGERPRINT`: TLS client certificates (SHA-256) that log in with SASL EXTERNAL. */
  certificateAccounts: string[];
  /** The scrypt password file for OPER and SASL PLAIN; default <data dir>/passwd. */
  passwordFile?: string;
}

/** What building the server config needs from `tw`. */
export interface IRCConfigContext {
  readonly reactor: IReactorTime;
  readonly log: ILogger;
  readonly dataDir: string;
}

/** The name of the default password file in a `tw` data directory (written by `tw serve`). */
export const IRC_DEFAULT_PASSWORD_FILE = 'passwd';

/**
 * Turn `tw irc`'s options into an IRCServerConfig: limits copied over, the MOTD read from its
 * file, and OPER / SASL PLAIN checked against the password file through cred portals.
 */
export async function serverConfigFromOptions(
  options: IRCPluginOptions,
  context: IRCConfigContext,
): Promise<IRCServerConfig> {
  for (const name of [
    'nickLen',
    'channelLen',
    'topicLen',
    'realnameLen',
    'maxConnectionsPerAddress',
    'floodBurst',
    'floodPerSecond',
  ] as const) {
    const value = options[name];
    if (!Number.isFinite(value) || value < 0) {
      throw optionError(name, `expected a number ≥ 0, got ${String(value)}.`);
    }
  }
  for (const name of ['nickLen', 'channelLen', 'topicLen', 'realnameLen'] as const) {
    if (!Number.isInteger(options[name]) || options[name] < 1) {
      throw optionError(name, `expected a whole number ≥ 1, got ${String(options[name])}.`);
    }
  }
  const portals = await portalsFor(options, context);
  return defaultIRCServerConfig({
    serverName: options.serverName,
    description: options.description,
    network: options.network,
    motd: await motdText(options.motd, context),
    nickLen: options.nickLen,
    channelLen: options.channelLen,
    topicLen: options.topicLen,
    realnameLen: options.realnameLen,
    utf8Only: options.utf8Only,
    maxConnectionsPerAddress: options.maxConnectionsPerAddress,
    // Either one at 0 turns flood control off (IRCFloodConfig).
    flood: { burst: options.floodBurst, perSecond: options.floodPerSecond },
    operatorPortal: portals.operator,
    accountPortal: portals.account,
  });
}

/**
 * The MOTD: the text of the named file, or the option's text itself. A value that looks like a
 * path (one word with a slash) but names no file is an error, so a typo is not shown as the MOTD.
 */
async function motdText(motd: string | undefined, context: IRCConfigContext): Promise<string> {
  if (motd === undefined) {
    const path = join(context.dataDir, IRC_MOTD_FILE);
    // No file (a data directory made without samples): no MOTD (422 ERR_NOMOTD).
    return (await isFile(path)) ? readFile(path, 'utf8') : '';
  }
  const path = resolve(motd);
  if (await isFile(path)) return readFile(path, 'utf8');
  if (/^\S*[/\\]\S*$/.test(motd)) throw optionError('motd', `there is no file at ${path}.`);
  return motd;
}

async function portalsFor(
  options: IRCPluginOptions,
  { reactor, log, dataDir }: IRCConfigContext,
): Promise<{ operator: Portal | null; account: Portal | null }> {
  const certificates = certificateChecker(options.certificateAccounts);
  const accountRealm = new SimpleRealm({ [IRC_ACCOUNT_INTERFACE]: (avatarId) => avatarId });
  const explicit = options.passwordFile !== undefined;
  const path = resolve(options.passwordFile ?? join(dataDir, IRC_DEFAULT_PASSWORD_FILE));
  if (!(await isFile(path))) {
    if (explicit) throw optionError('passwordFile', `there is no file at ${path}.`);
    if (options.operators.length > 0) {
      log.warn('No password file at {path}: nobody can OPER or log in with SASL PLAIN', { path });
    }
    const account =
      certificates === null
        ? null
        : new Portal(accountRealm, [certificates], { reactor, logger: log });
    return { operator: null, account };
  }
  const checker = new PasswordFileChecker(path, { logger: log });
  const operators = new Set(options.operators);
  // Any account of the file may log in with SASL; only the listed ones may OPER.
  const operatorRealm = new SimpleRealm({
    [IRC_OPERATOR_INTERFACE]: (avatarId) => {
      if (typeof avatarId !== 'string' || !operators.has(avatarId)) throw new UnauthorizedLogin();
      return avatarId;
    },
  });
  log.info('IRC accounts from {path}; operators: {operators}', {
    path,
    operators: [...operators].join(', ') || '(none)',
  });
  return {
    operator:
      operators.size > 0 ? new Portal(operatorRealm, [checker], { reactor, logger: log }) : null,
    account: new Portal(accountRealm, certificates === null ? [checker] : [checker, certificates], {
      reactor,
      logger: log,
    }),
  };
}

/** The SASL EXTERNAL checker for `--certificate-accounts ACCOUNT=FINGERPRINT`, or null for none. */
function certificateChecker(entries: readonly string[]): CertificateFingerprintChecker | null {
  if (entries.length === 0) return null;
  const fingerprints = new Map<string, string>();
  for (const entry of entries) {
    const at = entry.indexOf('=');
    const account = entry.slice(0, at).trim();
    const fingerprint = entry.slice(at + 1).trim();
    if (at <= 0 || !/^[0-9a-f]{64}$/.test(normalizeFingerprint(fingerprint))) {
      throw optionError(
        'certificateAccounts',
        `expected ACCOUNT=FINGERPRINT with a SHA-256 fingerprint (64 hex digits, colons allowed), got ${JSON.stringify(entry)}.`,
      );
    }
    fingerprints.set(fingerprint, account);
  }
  return new CertificateFingerprintChecker(fingerprints);
}

function optionError(option: keyof IRCPluginOptions & string, problem: string): Error {
  return new InvalidPluginOptionValueError('irc', option, optionFlagName(option), problem);
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
