// Runs inside the rehearsal's scratch project: `node imports.mjs <package>…` imports every
// entry point each installed package exports, as plain Node does (no "@tw/source" condition),
// so a missing dist file or an import of a file that was not published fails here.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

let failed = 0;
for (const name of process.argv.slice(2)) {
  const manifest = JSON.parse(readFileSync(join('node_modules', name, 'package.json'), 'utf8'));
  const exports =
    typeof manifest.exports === 'object' && manifest.exports !== null
      ? manifest.exports
      : { '.': '' };
  const optionalPeers = Object.entries(manifest.peerDependenciesMeta ?? {})
    .filter(([, meta]) => meta.optional)
    .map(([peer]) => peer);
  for (const subpath of Object.keys(exports)) {
    if (!subpath.startsWith('.') || subpath.includes('*') || subpath.endsWith('.json')) continue;
    const specifier = name + subpath.slice(1);
    try {
      const module = await import(specifier);
      console.log(`ok    ${specifier} (${Object.keys(module).length} exports)`);
    } catch (error) {
      const peer = optionalPeers.find(
        (p) => error.code === 'ERR_MODULE_NOT_FOUND' && error.message.includes(`'${p}'`),
      );
      if (peer) {
        console.log(
          `ok    ${specifier} needs the optional peer ${peer}, which a user installs to use it`,
        );
        continue;
      }
      failed++;
      console.error(`FAIL  ${specifier}: ${error.message}`);
    }
  }
}
process.exit(failed > 0 ? 1 : 0);
