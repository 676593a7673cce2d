/**
 * Gate an interop test on a third-party peer (curl, Twisted, ngircd, …). In CI (`CI=true`) a
 * missing peer must fail the run, never skip it silently: this throws there. Elsewhere it warns
 * loudly, naming what to install, and returns false so the caller can `describe.skipIf(!ok)`.
 */
export function requirePeer(
  present: boolean,
  what: string,
  install: string,
  file: string,
): boolean {
  if (present) return true;
  if (process.env['CI'] === 'true') {
    throw new Error(`${what} is missing in CI: install ${install} (scripts/install-peers.sh)`);
  }
  console.warn(`\n*** ${what} is not installed: SKIPPING ${file} (${install}) ***\n`);
  return false;
}
