import { IRCMap, type CaseMapping } from '../wire/casemapping.js';
import type { PrefixSpec } from '../wire/isupport.js';
import type { ModeChange } from '../wire/modes.js';

/**
 * Who is in one channel we are in, with their prefix symbols (`@`, `+`, several at once with
 * multi-prefix, highest rank first). Kept from NAMES (353/366), JOIN, PART, KICK, QUIT, NICK
 * and MODE; bounded by `maxMembers` so a server cannot grow it without end.
 */
export class ChannelMembers {
  /** nick → prefix symbols ('' for none). */
  readonly byNick: IRCMap<string>;
  /** True between the first 353 of a NAMES reply and its 366: the reply replaces the list. */
  private refreshing = false;

  constructor(
    mapping: CaseMapping,
    private readonly maxMembers: number,
  ) {
    this.byNick = new IRCMap(mapping);
  }

  add(nick: string, prefixes = ''): void {
    if (this.byNick.size >= this.maxMembers && !this.byNick.has(nick)) return;
    this.byNick.set(nick, prefixes);
  }

  remove(nick: string): boolean {
    return this.byNick.delete(nick);
  }

  rename(from: string, to: string): boolean {
    return this.byNick.rename(from, to);
  }

  /** One 353 line's entries; the first of a reply clears what was known. */
  namesReply(entries: readonly { nick: string; prefixes: string }[]): void {
    if (!this.refreshing) {
      this.byNick.clear();
      this.refreshing = true;
    }
    for (const entry of entries) this.add(entry.nick, entry.prefixes);
  }

  /** 366: the NAMES reply is complete. */
  namesEnd(): void {
    this.refreshing = false;
  }

  /** Apply the membership modes (PREFIX letters, e.g. +o nick) of a MODE change. */
  applyModes(changes: readonly ModeChange[], prefix: PrefixSpec): void {
    for (const change of changes) {
      const rank = prefix.modes.indexOf(change.mode);
      if (rank === -1 || change.arg === undefined) continue;
      const current = this.byNick.get(change.arg);
      if (current === undefined) continue;
      const symbol = prefix.prefixes.charAt(rank);
      const others = [...current].filter((s) => s !== symbol);
      if (change.adding) others.push(symbol);
      // Keep the symbols in PREFIX's rank order, highest first, as multi-prefix sends them.
      others.sort((a, b) => prefix.prefixes.indexOf(a) - prefix.prefixes.indexOf(b));
      this.byNick.set(change.arg, others.join(''));
    }
  }
}

/** Split a NAMES entry into prefix symbols and nick (dropping userhost-in-names' !user@host). */
export function splitNamesEntry(item: string, symbols: string): { nick: string; prefixes: string } {
  let split = 0;
  while (split < item.length && symbols.includes(item.charAt(split))) split++;
  const rest = item.slice(split);
  const bang = rest.indexOf('!');
  return { nick: bang === -1 ? rest : rest.slice(0, bang), prefixes: item.slice(0, split) };
}
