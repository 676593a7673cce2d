/**
 * The sample page a fresh `tw` data directory gets in `www/`, so that the web service of the
 * default config has something to show and links to the live list of services.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The directory under the data directory that `tw web` serves when --path is not given. */
export const WEB_DATA_SUBDIR = 'www';

/** The title of the sample page (tests and the `tw serve` smoke test look for it). */
export const SAMPLE_PAGE_TITLE = 'It works: tw web';

const SAMPLE_INDEX = `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>${SAMPLE_PAGE_TITLE}</title>
</head>
<body>
  <h1>${SAMPLE_PAGE_TITLE}</h1>
  <p>This page is <code>www/index.html</code> in the data directory of <code>tw</code>, served by
  the File resource of <code>@tw/http</code>. Edit it, or put more files beside it: they are
  served as they are, with ranges, conditional requests and gzip.</p>
  <p>The services running now: <a href="/services">/services</a>.</p>
</body>
</html>
`;

/**
 * Write `index.html` into `directory` (created if missing) unless a file of that name exists:
 * a user's own page is never overwritten.
 */
export async function writeSampleSite(directory: string): Promise<void> {
  await mkdir(directory, { recursive: true });
  try {
    await writeFile(join(directory, 'index.html'), SAMPLE_INDEX, { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}
