/**
 * Mode strings: `+o-v+b nick1 nick2 *!*@host`. Whether a mode letter consumes an argument
 * depends on its CHANMODES type and on the direction (RFC 2812 §3.2.3, Modern IRC):
 * type A (lists) and B always, C only when set, D never; PREFIX modes (o, v, …) always.
 */
import type { ChanModes } from './isupport.js';

/** One mode change. A type-A mode without an argument is a list query (`MODE #c +b`). */
export interface ModeChange {
  readonly adding: boolean;
  readonly mode: string;
  readonly arg?: string;
}

/** True when `mode` takes an argument in this direction. Unknown modes take none. */
export function modeTakesArg(
  mode: string,
  adding: boolean,
  chanmodes: ChanModes,
  prefixModes: string,
): boolean {
  if (prefixModes.includes(mode) || chanmodes.A.includes(mode) || chanmodes.B.includes(mode)) {
    return true;
  }
  return adding && chanmodes.C.includes(mode);
}

/**
 * Parse a mode string and its arguments into changes, in order. A mode with no sign before it
 * counts as '+'. A mode that needs an argument when none is left gets none (servers send
 * `MODE #c +b` to list bans; it is up to the caller to reject what it must). For user modes,
 * pass empty chanmodes and prefix modes: no letter takes an argument.
 */
export function parseModeString(
  modeString: string,
  args: readonly string[],
  chanmodes: ChanModes,
  prefixModes: string,
): ModeChange[] {
  const changes: ModeChange[] = [];
  let adding = true;
  let next = 0;
  for (const mode of modeString) {
    if (mode === '+' || mode === '-') {
      adding = mode === '+';
      continue;
    }
    if (modeTakesArg(mode, adding, chanmodes, prefixModes) && next < args.length) {
      changes.push({ adding, mode, arg: args[next++]! });
    } else {
      changes.push({ adding, mode });
    }
  }
  return changes;
}

/**
 * Group changes into MODE lines of at most `maxModesPerLine` changes that carry an argument
 * (ISUPPORT MODES), folding repeated signs: `[['+ov-b', 'a', 'b', 'mask'], …]`. Changes
 * without an argument do not count against the limit (Modern IRC defines MODES that way).
 */
export function formatModeChanges(
  changes: readonly ModeChange[],
  maxModesPerLine: number = 3,
): [string, ...string[]][] {
  const perLine = Math.max(1, Number.isFinite(maxModesPerLine) ? maxModesPerLine : changes.length);
  const lines: [string, ...string[]][] = [];
  let modeString = '';
  let args: string[] = [];
  let sign: boolean | null = null;

  const flush = (): void => {
    if (modeString !== '') lines.push([modeString, ...args]);
    modeString = '';
    args = [];
    sign = null;
  };

  for (const change of changes) {
    const hasArg = change.arg !== undefined;
    if (hasArg && args.length >= perLine) flush();
    if (sign !== change.adding) {
      modeString += change.adding ? '+' : '-';
      sign = change.adding;
    }
    modeString += change.mode;
    if (hasArg) args.push(change.arg!);
  }
  flush();
  return lines;
}
