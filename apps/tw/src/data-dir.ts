import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { generateSelfSignedCertificate, setPasswordInFile, type TwPlugin } from '@tw/core';
import { TLS_CERT_FILE, TLS_KEY_FILE } from './default-config.js';

/** The account a fresh data directory gets, so that logins can be tried at once. */
export const DEMO_ACCOUNT = { username: 'demo', password: 'demo' } as const;

/** The scrypt password file in the data directory (see `tw passwd`). */
export const PASSWORD_FILE = 'passwd';

/** What prepareDataDir found or wrote. */
export interface DataDirReport {
  readonly dataDir: string;
  /** True when the directory did not exist before. */
  readonly created: boolean;
  /** The password file, when sample data was asked for. */
  readonly passwordFile: string | null;
  /** True when this start wrote the demo account (the password file did not exist). */
  readonly demoAccountWritten: boolean;
  /** The certificate TLS clients should trust, when sample data was asked for. */
  readonly certificate: string | null;
}

/**
 * Make sure `dataDir` exists. With `sampleData`, also give it what the default config needs:
 * a password file holding the demo account, a self-signed certificate for localhost, a README,
 * and each plugin's own sample content (TwPlugin.prepareDataDir). Files that exist are never
 * overwritten, so a user's edits survive every restart.
 */
export async function prepareDataDir(
  dataDir: string,
  options: { sampleData: boolean; plugins: readonly TwPlugin[] },
): Promise<DataDirReport> {
  const created = !existsSync(dataDir);
  await mkdir(dataDir, { recursive: true });
  if (!options.sampleData) {
    return { dataDir, created, passwordFile: null, demoAccountWritten: false, certificate: null };
  }

  const passwordFile = join(dataDir, PASSWORD_FILE);
  const demoAccountWritten = !existsSync(passwordFile);
  if (demoAccountWritten)
    await setPasswordInFile(passwordFile, DEMO_ACCOUNT.username, DEMO_ACCOUNT.password);

  const keyPath = join(dataDir, TLS_KEY_FILE);
  const certPath = join(dataDir, TLS_CERT_FILE);
  if (!existsSync(keyPath) || !existsSync(certPath)) {
    // Key and certificate belong together: when either is missing, write both afresh.
    const { key, cert } = generateSelfSignedCertificate({ commonName: 'localhost' });
    await mkdir(dirname(keyPath), { recursive: true });
    await writeFile(keyPath, key, { mode: 0o600 });
    await writeFile(certPath, cert);
  }

  await writeIfMissing(join(dataDir, 'README.txt'), README);
  for (const plugin of options.plugins) await plugin.prepareDataDir?.(dataDir);
  return { dataDir, created, passwordFile, demoAccountWritten, certificate: certPath };
}

async function writeIfMissing(path: string, content: string): Promise<void> {
  try {
    await writeFile(path, content, { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}

const README = `This is a data directory of the \`tw\` command (@tw/cli).

  passwd      scrypt password file (account demo / password demo); add users with
              \`tw passwd --file passwd <username>\`
  tls/        a self-signed certificate for localhost, used by the TLS ports
  <plugin>/   each plugin's own data (finger/<user>/.plan, ...)

\`tw serve\` writes these on first start and never overwrites a file that exists: edit freely,
or delete a file to get the sample back.
`;
