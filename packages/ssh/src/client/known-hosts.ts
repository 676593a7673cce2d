import { createHmac, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';

import {
  ChangedHostKeyError,
  RevokedHostKeyError,
  UnknownHostKeyError,
  type HostKeyTarget,
} from './errors.js';
import { hostKeyFromBlob, keyTypeOfBlob, sameKeyBlob, type RemoteHostKey } from './host-key.js';

/** One usable line of a known_hosts file. */
export interface KnownHostsEntry {
  /** 1-based line number in the parsed text (added entries continue the count). */
  readonly line: number;
  readonly marker: 'revoked' | 'cert-authority' | null;
  /** The host patterns as written (`host`, `[host]:port`, `*.example.org`, `!bad`, `|1|…`). */
  readonly hosts: string;
  readonly key: RemoteHostKey;
  readonly comment: string;
}

/** A line that could not be used, and why. */
export interface KnownHostsProblem {
  readonly line: number;
  readonly reason: string;
}

/** What known_hosts says about a host key. */
export type KnownHostsCheck = 'match' | 'unknown' | 'changed' | 'revoked';

/** Options of KnownHosts.add. */
export interface KnownHostsAddOptions {
  /** Store the host name hashed (`|1|salt|hash`), as `HashKnownHosts yes` does. Default false. */
  readonly hashed?: boolean;
  readonly comment?: string;
}

/** The name OpenSSH looks up: `host` on port 22, `[host]:port` elsewhere; lowercased. */
export function knownHostsName(host: string, port: number): string {
  const name = host.toLowerCase();
  return port === 22 ? name : `[${name}]:${port}`;
}

/** OpenSSH's match_pattern: `*` any run, `?` one character, everything else literal. */
function wildcardMatch(text: string, pattern: string): boolean {
  let t = 0;
  let p = 0;
  let starP = -1;
  let starT = 0;
  while (t < text.length) {
    if (p < pattern.length && (pattern[p] === '?' || pattern[p] === text[t])) {
      t += 1;
      p += 1;
    } else if (p < pattern.length && pattern[p] === '*') {
      starP = p;
      starT = t;
      p += 1;
    } else if (starP >= 0) {
      p = starP + 1;
      starT += 1;
      t = starT;
    } else {
      return false;
    }
  }
  while (p < pattern.length && pattern[p] === '*') p += 1;
  return p === pattern.length;
}

function hashedMatch(name: string, pattern: string): boolean {
  const parts = pattern.split('|');
  // '|1|salt|hash' splits into ['', '1', salt, hash].
  if (parts.length !== 4 || parts[1] !== '1') return false;
  const salt = Buffer.from(parts[2]!, 'base64');
  const expected = parts[3]!;
  return createHmac('sha1', salt).update(name).digest('base64') === expected;
}

/**
 * Does a comma list of host patterns match `name`? A negated pattern (`!pat`) that matches
 * makes the whole list fail, whatever else matches (OpenSSH's match_hostname).
 */
export function hostPatternsMatch(patterns: string, name: string): boolean {
  let matched = false;
  for (const raw of patterns.split(',')) {
    if (raw === '') continue;
    const negated = raw.startsWith('!');
    const pattern = (negated ? raw.slice(1) : raw).toLowerCase();
    const hit = pattern.startsWith('|') ? hashedMatch(name, raw) : wildcardMatch(name, pattern);
    if (hit && negated) return false;
    if (hit) matched = true;
  }
  return matched;
}

/** `|1|salt|hash` for a host name, with a fresh random salt. */
export function hashKnownHostsName(name: string, salt: Uint8Array = randomBytes(20)): string {
  const hash = createHmac('sha1', salt).update(name).digest('base64');
  return `|1|${Buffer.from(salt).toString('base64')}|${hash}`;
}

/**
 * An OpenSSH known_hosts file: plain and hashed host names, `[host]:port`, comma lists,
 * wildcards, negations, `@revoked` (always refused) and `@cert-authority` (ignored: this client
 * does not verify host certificates; such lines are reported in `notes`).
 *
 * Use `verify` as the client's host-key check: it accepts a known key and throws
 * UnknownHostKeyError, ChangedHostKeyError or RevokedHostKeyError otherwise.
 */
export class KnownHosts {
  private readonly lines: string[];
  private readonly parsed: KnownHostsEntry[] = [];
  private readonly problemList: KnownHostsProblem[] = [];
  private readonly noteList: string[] = [];

  constructor(text = '') {
    this.lines = text === '' ? [] : text.replace(/\r?\n$/, '').split(/\r?\n/);
    this.lines.forEach((line, index) => this.parseLine(line, index + 1));
  }

  /** Parse known_hosts text. */
  static parse(text: string): KnownHosts {
    return new KnownHosts(text);
  }

  /** Read a known_hosts file; a missing file is an empty one (as with OpenSSH). */
  static load(path: string): KnownHosts {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new KnownHosts();
      throw error;
    }
    return new KnownHosts(text);
  }

  /** The usable entries, in file order. */
  get entries(): readonly KnownHostsEntry[] {
    return this.parsed;
  }

  /** Lines that were skipped as malformed. */
  get problems(): readonly KnownHostsProblem[] {
    return this.problemList;
  }

  /** Things a user should know, e.g. that @cert-authority lines are ignored. */
  get notes(): readonly string[] {
    return this.noteList;
  }

  /** The non-revoked, non-CA entries whose host patterns match `host` on `port`. */
  lookup(host: string, port: number): KnownHostsEntry[] {
    const name = knownHostsName(host, port);
    return this.parsed.filter((e) => e.marker === null && hostPatternsMatch(e.hosts, name));
  }

  /**
   * What known_hosts says about `key` for `host`:`port`: `revoked` when the key is on any
   * @revoked line (OpenSSH: "must not ever be accepted"), `match` when a line for the host holds
   * it, `changed` when lines for the host hold only other keys, `unknown` when none name it.
   */
  check(host: string, port: number, key: Pick<RemoteHostKey, 'blob'>): KnownHostsCheck {
    if (this.parsed.some((e) => e.marker === 'revoked' && sameKeyBlob(e.key.blob, key.blob))) {
      return 'revoked';
    }
    const known = this.lookup(host, port);
    if (known.length === 0) return 'unknown';
    return known.some((e) => sameKeyBlob(e.key.blob, key.blob)) ? 'match' : 'changed';
  }

  /**
   * Accept `key` when known_hosts lists it for the target; throw the typed refusal otherwise.
   * Returns true so it can serve directly as a `verifyHostKey` hook.
   */
  verify(key: RemoteHostKey, target: HostKeyTarget): true {
    const result = this.check(target.host, target.port, key);
    switch (result) {
      case 'match':
        return true;
      case 'unknown':
        throw new UnknownHostKeyError(target, key);
      case 'changed':
        throw new ChangedHostKeyError(target, key);
      case 'revoked':
        throw new RevokedHostKeyError(target, key);
    }
  }

  /** Append an entry for `host`:`port` (returns it); `toString()`/`save()` include it. */
  add(
    host: string,
    port: number,
    key: RemoteHostKey | Uint8Array,
    options: KnownHostsAddOptions = {},
  ): KnownHostsEntry {
    const hostKey = key instanceof Uint8Array ? hostKeyFromBlob(key) : key;
    const name = knownHostsName(host, port);
    const hosts = options.hashed === true ? hashKnownHostsName(name) : name;
    const data = Buffer.from(hostKey.blob).toString('base64');
    const comment = options.comment ?? '';
    const line = `${hosts} ${hostKey.algorithm} ${data}${comment === '' ? '' : ' ' + comment}`;
    this.lines.push(line);
    this.parseLine(line, this.lines.length);
    return this.parsed[this.parsed.length - 1]!;
  }

  /** The file's text: the original lines, unchanged, then the added ones. */
  toString(): string {
    return this.lines.length === 0 ? '' : this.lines.join('\n') + '\n';
  }

  /** Write the file (mode 0600 for a new file). */
  save(path: string): void {
    writeFileSync(path, this.toString(), { mode: 0o600 });
  }

  private parseLine(raw: string, line: number): void {
    const text = raw.trim();
    if (text === '' || text.startsWith('#')) return;
    const fields = text.split(/[ \t]+/);
    let marker: KnownHostsEntry['marker'] = null;
    if (fields[0]!.startsWith('@')) {
      const name = fields.shift()!;
      if (name === '@revoked') marker = 'revoked';
      else if (name === '@cert-authority') marker = 'cert-authority';
      else {
        this.problemList.push({ line, reason: `unknown marker ${name}` });
        return;
      }
    }
    const [hosts, type, data, ...rest] = fields;
    if (hosts === undefined || type === undefined || data === undefined) {
      this.problemList.push({ line, reason: 'expected: [marker] hosts keytype base64-key' });
      return;
    }
    if (!/^[A-Za-z0-9+/]+=*$/.test(data)) {
      this.problemList.push({ line, reason: 'the key is not base64' });
      return;
    }
    const blob = new Uint8Array(Buffer.from(data, 'base64'));
    if (keyTypeOfBlob(blob) !== type) {
      this.problemList.push({ line, reason: `the key data is not a ${type.slice(0, 40)} key` });
      return;
    }
    if (marker === 'cert-authority') {
      this.noteList.push(
        `line ${line}: @cert-authority ignored (host certificates are not verified; ` +
          `list the host keys themselves)`,
      );
    }
    this.parsed.push({ line, marker, hosts, key: hostKeyFromBlob(blob), comment: rest.join(' ') });
  }
}
