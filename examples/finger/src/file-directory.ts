import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { FingerDirectory } from './directory.js';
import { VALID_USER_NAME, type FingerUser } from './wire.js';

/** Files larger than this are read only up to it; the server truncates plans further. */
const MAX_FILE_BYTES = 256 * 1024;

/**
 * Users as directories, like home directories: `<root>/<login>/` makes the user exist, and it
 * may hold `.plan`, `.project` and `info.json` (`{ "name": "…", "office": "…" }`).
 *
 * ```
 * finger/
 *   demo/
 *     .plan
 *     info.json
 * ```
 */
export class FileFingerDirectory implements FingerDirectory {
  constructor(readonly root: string) {}

  async lookup(login: string): Promise<FingerUser | null> {
    // The server validates names already; checking again keeps this class safe on its own.
    if (!VALID_USER_NAME.test(login)) return null;
    const home = join(this.root, login);
    if (!(await isDirectory(home))) return null;
    const [plan, project, info] = await Promise.all([
      readOptional(join(home, '.plan')),
      readOptional(join(home, '.project')),
      readOptional(join(home, 'info.json')),
    ]);
    return { login, ...parseInfo(info), ...defined({ plan, project }) };
  }

  async list(): Promise<readonly FingerUser[]> {
    let entries: string[];
    try {
      entries = await readdir(this.root);
    } catch {
      return [];
    }
    const users = await Promise.all(
      entries
        .filter((entry) => VALID_USER_NAME.test(entry))
        .sort()
        .map((entry) => this.lookup(entry)),
    );
    return users.filter((user): user is FingerUser => user !== null);
  }
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    const bytes = await readFile(path);
    return bytes.subarray(0, MAX_FILE_BYTES).toString('utf8');
  } catch {
    return undefined;
  }
}

function parseInfo(text: string | undefined): { name?: string; office?: string } {
  if (text === undefined) return {};
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null) return {};
    const { name, office } = parsed as Record<string, unknown>;
    return defined({
      name: typeof name === 'string' ? name : undefined,
      office: typeof office === 'string' ? office : undefined,
    });
  } catch {
    // A broken info.json hides the details, not the user.
    return {};
  }
}

/** Drop undefined fields (exactOptionalPropertyTypes keeps "absent" and "undefined" apart). */
function defined<T extends Record<string, string | undefined>>(
  fields: T,
): { [K in keyof T]?: string } {
  const out: { [K in keyof T]?: string } = {};
  for (const key of Object.keys(fields) as (keyof T)[]) {
    const value = fields[key];
    if (value !== undefined) out[key] = value;
  }
  return out;
}
