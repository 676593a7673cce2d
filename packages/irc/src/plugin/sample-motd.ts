import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** The directory under a `tw` data directory where `tw irc` keeps its files. */
export const IRC_DATA_SUBDIR = 'irc';

/** The message-of-the-day file `tw irc` reads when --motd is not given. */
export const IRC_MOTD_FILE = join(IRC_DATA_SUBDIR, 'motd.txt');

/** The sample message of the day written into a new data directory. */
export const SAMPLE_MOTD = [
  'Welcome to the @tw IRC server.',
  '',
  'Try: /join #tw   /topic #tw hello   /whois <nick>',
  'Operators: /oper demo demo (the demo account of the data directory).',
  `Edit ${IRC_MOTD_FILE} in the data directory to change this message.`,
  '',
].join('\n');

/** Write the sample MOTD to `path` unless a file is there already (the user's edits win). */
export async function writeSampleMotd(path: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  try {
    // 'wx' fails when the file exists, so a concurrent first start cannot clobber it either.
    await writeFile(path, SAMPLE_MOTD, { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}
