#!/usr/bin/env node
// `pnpm rehearse:publish` (after `pnpm build`): a release, rehearsed for real against a local
// registry, leaving the repository untouched.
//  1. copy the workspace to a temp dir and run `changeset version` there (the versions and
//     changelogs a release would get), then `pnpm pack` every public package from the copy;
//  2. start verdaccio on 127.0.0.1:<free port> (scripts/verdaccio.yaml, storage in the temp dir,
//     the npm registry configured here as uplink for third-party dependencies only), register a
//     throwaway user and `npm publish` every tarball to it;
//  3. in a scratch project, `npm install` @tw/core, the protocol package (tw-finger, or
//     $REHEARSAL_PLUGIN_PACKAGE) and the `tw` command from that registry only, import every entry
//     point, run an echo server on @tw/core, run the plugin's server through @tw/core and through
//     `tw <plugin>`, and query each over TCP on 127.0.0.1;
//  4. stop verdaccio by PID and remove the temp dir, also on failure or Ctrl-C.
// Prints PASS/FAIL per step and exits 1 on any failure. REHEARSAL_KEEP_TEMP=1 keeps the temp dir.
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import { createUser, freePort, startVerdaccio } from './lib/verdaccio.mjs';
import {
  killTree,
  listWorkspacePackages,
  liveChildren,
  repoRoot,
  run,
  spawnBounded,
  topologicalOrder,
  workspaceDependencyNames,
} from './lib/workspace.mjs';

const TOTAL_TIMEOUT_MS = Number(process.env.REHEARSAL_TIMEOUT_MS ?? 15 * 60_000);
const MINUTE = 60_000;
const started = Date.now();
const temp = mkdtempSync(join(tmpdir(), 'tw-rehearsal-'));
const steps = [];
let verdaccio = null;

/** npm/pnpm settings inherited from `pnpm run` must not leak into the scratch installs. */
const cleanEnv = Object.fromEntries(
  Object.entries(process.env).filter(([key]) => !/^npm_config_/i.test(key)),
);

async function step(title, body) {
  const at = Date.now();
  console.log(`\n▶ ${title}`);
  try {
    const note = await body();
    steps.push({ title, status: 'PASS', seconds: (Date.now() - at) / 1000, note });
    return note;
  } catch (error) {
    steps.push({ title, status: 'FAIL', seconds: (Date.now() - at) / 1000, note: error.message });
    throw error;
  }
}

function skip(title, why) {
  console.log(`\n▷ ${title}: skipped (${why})`);
  steps.push({ title, status: 'SKIP', seconds: 0, note: why });
}

let cleanedUp = false;
async function cleanUp() {
  if (cleanedUp) return;
  cleanedUp = true;
  await verdaccio?.stop().catch(() => {});
  for (const child of liveChildren) killTree(child, 'SIGKILL');
  if (process.env.REHEARSAL_KEEP_TEMP === '1') console.log(`(kept ${temp})`);
  else rmSync(temp, { recursive: true, force: true });
}

function summary(outcome) {
  console.log('\npublish rehearsal summary:');
  for (const { title, status, seconds, note } of steps) {
    const firstLine = String(note ?? '').split('\n')[0];
    console.log(
      `  ${status.padEnd(4)}  ${title} (${seconds.toFixed(1)}s)${firstLine ? ` — ${firstLine}` : ''}`,
    );
  }
  console.log(`publish rehearsal: ${outcome} in ${((Date.now() - started) / 1000).toFixed(0)}s`);
}

for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
]) {
  process.once(signal, () => {
    console.error(`\npublish rehearsal: ${signal}, cleaning up`);
    summary(`FAIL (${signal})`);
    void cleanUp().finally(() => process.exit(code));
  });
}
const watchdog = setTimeout(() => {
  steps.push({
    title: 'whole rehearsal',
    status: 'FAIL',
    seconds: TOTAL_TIMEOUT_MS / 1000,
    note: 'timed out',
  });
  summary('FAIL');
  void cleanUp().finally(() => process.exit(1));
}, TOTAL_TIMEOUT_MS);

const readManifest = (dir) => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));

async function rehearse() {
  const workspace = await listWorkspacePackages();
  const published = topologicalOrder(workspace.filter((pkg) => !pkg.private));
  if (!published.some((pkg) => pkg.name === '@tw/core'))
    throw new Error('@tw/core is not a public workspace package');

  // 1. Version in a copy, so the repository (and its pending changesets) stay as they are.
  const copy = join(temp, 'workspace');
  const inCopy = (pkg) => join(copy, relative(repoRoot, pkg.dir));
  const versions = new Map();
  await step('changeset version (in a temp copy)', async () => {
    const skipped = new Set(['node_modules', '.git', '.turbo', 'coverage', '.tw-data']);
    cpSync(repoRoot, copy, { recursive: true, filter: (source) => !skipped.has(basename(source)) });
    // The changelog generator is resolved from the copy's node_modules.
    symlinkSync(join(repoRoot, 'node_modules'), join(copy, 'node_modules'), 'dir');
    await run(join(repoRoot, 'node_modules', '.bin', 'changeset'), ['version'], {
      cwd: copy,
      timeoutMs: 2 * MINUTE,
    });
    for (const pkg of published) versions.set(pkg.name, readManifest(inCopy(pkg)).version);
    return published
      .map((pkg) => `${pkg.name} ${pkg.version} → ${versions.get(pkg.name)}`)
      .join(', ');
  });

  const tarballs = join(temp, 'tarballs');
  await step('pnpm pack every public package', async () => {
    // pnpm pack reads each workspace dependency's version from node_modules: link the copies.
    const names = new Set(workspace.map((pkg) => pkg.name));
    for (const pkg of published) {
      for (const dep of workspaceDependencyNames(pkg.manifest, names)) {
        const link = join(inCopy(pkg), 'node_modules', dep);
        mkdirSync(dirname(link), { recursive: true });
        symlinkSync(inCopy(workspace.find((other) => other.name === dep)), link, 'dir');
      }
    }
    for (const pkg of published) {
      await run('pnpm', ['pack', '--pack-destination', tarballs], {
        cwd: inCopy(pkg),
        timeoutMs: 2 * MINUTE,
        quiet: true,
      });
    }
    return readdirSync(tarballs).join(', ');
  });

  // 2. A registry of our own on loopback.
  const upstream = (
    await run('npm', ['config', 'get', 'registry'], { cwd: temp, timeoutMs: MINUTE, quiet: true })
  ).stdout.trim();
  const registryDir = join(temp, 'registry');
  mkdirSync(registryDir);
  await step('start verdaccio 6.8.0 on 127.0.0.1', async () => {
    verdaccio = await startVerdaccio(registryDir, {
      upstream,
      localPackageNames: published.map((pkg) => pkg.name),
    });
    return `${verdaccio.url} (uplink ${upstream}, pid ${verdaccio.child.pid})`;
  });
  const { url } = verdaccio;
  const host = url.replace(/^http:/, '');

  const publisher = join(temp, 'publisher');
  await step('npm publish every tarball', async () => {
    const token = await createUser(url, 'rehearsal', `rehearsal-${process.pid}-${Date.now()}`);
    mkdirSync(publisher);
    writeFileSync(
      join(publisher, 'package.json'),
      '{ "name": "tw-rehearsal-publisher", "private": true }\n',
    );
    writeFileSync(join(publisher, '.npmrc'), `registry=${url}\n${host}:_authToken=${token}\n`);
    for (const pkg of published) {
      const version = versions.get(pkg.name);
      const file = `${pkg.name.replace(/^@/, '').replace('/', '-')}-${version}.tgz`;
      const tag = version.includes('-') ? ['--tag', 'next'] : [];
      await run(
        'npm',
        ['publish', join(tarballs, file), '--registry', url, '--ignore-scripts', ...tag],
        {
          cwd: publisher,
          env: cleanEnv,
          timeoutMs: 2 * MINUTE,
          quiet: true,
        },
      );
    }
    return published.map((pkg) => `${pkg.name}@${versions.get(pkg.name)}`).join(', ');
  });

  // 3. A user's project: installs from our registry only.
  const hasPlugins = (pkg) => (pkg.manifest.tw?.plugins ?? []).length > 0;
  const pluginPackage =
    published.find((pkg) => pkg.name === (process.env.REHEARSAL_PLUGIN_PACKAGE ?? 'tw-finger')) ??
    published.find(hasPlugins);
  const cliPackage = published.find(
    (pkg) => typeof pkg.manifest.bin === 'object' && pkg.manifest.bin?.tw,
  );
  const installed = published.filter(
    (pkg) => pkg.name === '@tw/core' || pkg === pluginPackage || pkg === cliPackage,
  );
  const scratch = join(temp, 'scratch');
  await step(
    `npm install ${installed.map((pkg) => pkg.name).join(' ')} in a scratch project`,
    async () => {
      mkdirSync(scratch);
      writeFileSync(
        join(scratch, 'package.json'),
        '{ "name": "tw-rehearsal-scratch", "private": true, "type": "module" }\n',
      );
      writeFileSync(join(scratch, '.npmrc'), `registry=${url}\n`);
      cpSync(join(repoRoot, 'scripts', 'rehearsal'), scratch, { recursive: true });
      const specs = installed.map((pkg) => `${pkg.name}@${versions.get(pkg.name)}`);
      await run(
        'npm',
        [
          'install',
          ...specs,
          '--registry',
          url,
          '--cache',
          join(temp, 'npm-cache'),
          '--prefer-online',
          '--no-audit',
          '--no-fund',
        ],
        {
          cwd: scratch,
          env: cleanEnv,
          timeoutMs: 6 * MINUTE,
        },
      );
      for (const pkg of installed) {
        const got = readManifest(join(scratch, 'node_modules', pkg.name)).version;
        if (got !== versions.get(pkg.name))
          throw new Error(`installed ${pkg.name}@${got}, expected ${versions.get(pkg.name)}`);
      }
      return specs.join(', ');
    },
  );

  const inScratch = (script, args, timeoutMs = MINUTE) =>
    run('node', [script, ...args], { cwd: scratch, env: cleanEnv, timeoutMs });
  await step('import every entry point', () =>
    inScratch(
      'imports.mjs',
      installed.map((pkg) => pkg.name),
    ).then(() => ''),
  );
  await step('echo server on the installed @tw/core', () =>
    inScratch('core-echo.mjs', []).then(() => ''),
  );

  if (!pluginPackage) {
    skip('protocol package server', 'no public workspace package names "tw" plugins yet');
  } else {
    const port = await freePort();
    await step(`${pluginPackage.name}'s plugin served by @tw/core (no tw)`, () =>
      inScratch('plugin.mjs', ['serve', pluginPackage.name, String(port)]).then(
        () => `127.0.0.1:${port}`,
      ),
    );
  }

  if (!cliPackage) {
    skip('tw command', 'no public workspace package has a "tw" bin yet');
    return;
  }
  const tw = join(scratch, 'node_modules', '.bin', 'tw');
  const twEnv = { ...cleanEnv, TW_DATA_DIR: join(temp, 'tw-data') };
  const plugins = pluginPackage
    ? JSON.parse((await inScratch('plugin.mjs', ['describe', pluginPackage.name])).stdout)
    : [];
  await step('tw --help lists the installed plugins', async () => {
    const { stdout, stderr } = await run(tw, ['--help'], {
      cwd: scratch,
      env: twEnv,
      timeoutMs: MINUTE,
    });
    const missing = plugins.filter(
      (plugin) => !new RegExp(`\\b${plugin.name}\\b`).test(stdout + stderr),
    );
    if (missing.length > 0)
      throw new Error(`tw --help does not list ${missing.map((p) => p.name).join(', ')}`);
    return plugins.map((plugin) => plugin.name).join(', ') || 'no plugin package installed';
  });
  const plugin = plugins.find((p) => p.endpointFlag);
  if (!plugin) {
    skip('tw <plugin> serves', 'no installed plugin has an endpoint option');
    return;
  }
  await step(`tw ${plugin.name} serves on 127.0.0.1`, async () => {
    const port = await freePort();
    const endpoint = `tcp:${port}:interface=127.0.0.1`;
    const server = spawnBounded(tw, [plugin.name, plugin.endpointFlag, endpoint], {
      cwd: scratch,
      env: twEnv,
    });
    let output = '';
    server.stdout.on('data', (chunk) => (output += chunk));
    server.stderr.on('data', (chunk) => (output += chunk));
    const exited = new Promise((resolve) => server.once('exit', resolve));
    try {
      const { stdout } = await run('node', ['probe.mjs', String(port)], {
        cwd: scratch,
        env: cleanEnv,
        timeoutMs: MINUTE,
        quiet: true,
      });
      console.log(stdout.replace(/^(?=.)/gm, '    '));
      return `tw ${plugin.name} ${plugin.endpointFlag} ${endpoint}`;
    } catch (error) {
      throw new Error(`${error.message}\n  tw said:\n${output}`, { cause: error });
    } finally {
      killTree(server);
      const timer = setTimeout(() => killTree(server, 'SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
  });
}

let outcome = 'PASS';
try {
  await rehearse();
} catch (error) {
  outcome = 'FAIL';
  console.error(`\n✖ ${error.message}`);
  if (verdaccio)
    console.error(`verdaccio log:\n${verdaccio.log().trim().split('\n').slice(-20).join('\n')}`);
} finally {
  clearTimeout(watchdog);
  await cleanUp();
}
summary(outcome);
process.exit(outcome === 'PASS' ? 0 : 1);
