import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

import type { TLSCredentials } from '../interfaces/tls.js';
import { EndpointDescriptionError } from './errors.js';
import type { EndpointParseContext } from './registry.js';

/**
 * Reading PEM files named in endpoint descriptions. Files are read when the description is
 * parsed (as Twisted does), so a wrong path fails at start-up with the keyword named, not on
 * the first connection.
 */

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;

/** The PEM blocks of `pem` whose label satisfies `accept` (e.g. "CERTIFICATE"), each ending with a newline. */
export function pemBlocks(pem: string, accept: (label: string) => boolean): string[] {
  const blocks: string[] = [];
  for (const match of pem.matchAll(PEM_BLOCK)) {
    if (accept(match[1]!)) blocks.push(`${match[0]}\n`);
  }
  return blocks;
}

const isCertificate = (label: string): boolean =>
  label === 'CERTIFICATE' || label === 'TRUSTED CERTIFICATE';
const isPrivateKey = (label: string): boolean => label.endsWith('PRIVATE KEY');

function readText(context: EndpointParseContext, keyword: string, path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new EndpointDescriptionError(
      context.description,
      `cannot read the ${keyword} file ${JSON.stringify(path)}: ${error instanceof Error ? error.message : String(error)}. ` +
        `Give ${keyword}= the path of a readable PEM file.`,
      { cause: error },
    );
  }
}

function requireBlocks(
  context: EndpointParseContext,
  keyword: string,
  path: string,
  what: string,
  blocks: string[],
): string {
  if (blocks.length === 0) {
    throw new EndpointDescriptionError(
      context.description,
      `the ${keyword} file ${JSON.stringify(path)} contains no PEM ${what}.`,
    );
  }
  return blocks.join('');
}

/**
 * A key and certificate chain from PEM files: the private key from `keyPath`, the certificates
 * from `certPath` (which may be the same file holding both), then those of `extraChainPath`.
 */
export function readCredentials(
  context: EndpointParseContext,
  files: {
    readonly keyKeyword: string;
    readonly keyPath: string;
    readonly certKeyword: string;
    readonly certPath: string;
    readonly extraChainPath?: string | undefined;
  },
): TLSCredentials {
  const keyPem = readText(context, files.keyKeyword, files.keyPath);
  const certPem =
    files.certPath === files.keyPath
      ? keyPem
      : readText(context, files.certKeyword, files.certPath);
  const key = requireBlocks(
    context,
    files.keyKeyword,
    files.keyPath,
    'PRIVATE KEY',
    pemBlocks(keyPem, isPrivateKey),
  );
  let cert = requireBlocks(
    context,
    files.certKeyword,
    files.certPath,
    'CERTIFICATE',
    pemBlocks(certPem, isCertificate),
  );
  if (files.extraChainPath !== undefined) {
    const chainPem = readText(context, 'extraCertChain', files.extraChainPath);
    cert += requireBlocks(
      context,
      'extraCertChain',
      files.extraChainPath,
      'CERTIFICATE',
      pemBlocks(chainPem, isCertificate),
    );
  }
  return { key, cert };
}

/**
 * CA certificates to trust: a PEM bundle file, or a directory whose `*.pem`, `*.crt` and `*.cer`
 * files are read (Twisted's caCertsDir / trustRoots).
 */
export function readCACertificates(
  context: EndpointParseContext,
  keyword: string,
  path: string,
): string[] {
  let isDirectory = false;
  try {
    isDirectory = statSync(path).isDirectory();
  } catch {
    // readText below reports the missing path with the keyword named.
  }
  const files = isDirectory
    ? readdirSync(path)
        .filter((name) => /\.(pem|crt|cer)$/i.test(name))
        .sort()
        .map((name) => join(path, name))
    : [path];
  const certificates = files.flatMap((file) =>
    pemBlocks(readText(context, keyword, file), isCertificate),
  );
  requireBlocks(context, keyword, path, 'CERTIFICATE', certificates);
  return certificates;
}
