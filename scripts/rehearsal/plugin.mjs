// Runs inside the rehearsal's scratch project, against an installed protocol package that
// names `tw` plugins in its package.json ("tw": { "plugins": [...] }).
//   node plugin.mjs describe <package>      → JSON: each plugin's name and its endpoint flag
//   node plugin.mjs serve <package> <port>  → runs the first plugin's service on 127.0.0.1:<port>
//                                             with @tw/core directly (no `tw`), queries it, stops
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as core from '@tw/core';
import { probe } from './probe.mjs';

const [mode, packageName, portText] = process.argv.slice(2);
const packageDir = resolve('node_modules', packageName);
const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
const pluginPaths = manifest.tw?.plugins ?? [];
if (pluginPaths.length === 0)
  throw new Error(`${packageName} names no plugins in package.json "tw.plugins"`);
const plugins = await Promise.all(
  pluginPaths.map(
    async (path) => (await import(pathToFileURL(join(packageDir, path)).href)).default,
  ),
);

const kebab = (name) => name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
const endpointOption = (plugin) =>
  plugin.options.find((option) => option.type.startsWith('endpoint'));

if (mode === 'describe') {
  const described = plugins.map((plugin) => {
    const option = endpointOption(plugin);
    return { name: plugin.name, endpointFlag: option ? `--${kebab(option.name)}` : null };
  });
  console.log(JSON.stringify(described));
} else if (mode === 'serve') {
  setTimeout(() => {
    console.error('plugin: no answer within 60s');
    process.exit(1);
  }, 60_000).unref();
  const plugin = plugins[0];
  const port = Number(portText);
  const option = endpointOption(plugin);
  if (!option) throw new Error(`plugin ${plugin.name} has no endpoint option to listen with`);
  const endpoint = `tcp:${port}:interface=127.0.0.1`;
  const options = Object.fromEntries(
    plugin.options.filter((o) => o.default !== undefined).map((o) => [o.name, o.default]),
  );
  options[option.name] = option.type === 'endpoint[]' ? [endpoint] : endpoint;
  const dataDir = resolve('plugin-data');
  mkdirSync(dataDir, { recursive: true });
  await plugin.prepareDataDir?.(dataDir);
  const log =
    typeof core.Logger === 'function'
      ? new core.Logger(`rehearsal.${plugin.name}`)
      : consoleLogger();
  const reactor = new core.NodeReactor();
  process.exitCode = 1;
  reactor.callWhenRunning(async () => {
    try {
      const service = await plugin.makeService(options, { reactor, log, dataDir });
      await service.startService();
      const answer = await probe(port, '\r\n');
      console.log(
        `${plugin.name} (from ${packageName}, run by @tw/core) on ${endpoint} answered:\n${answer}`,
      );
      if (answer.length > 0) process.exitCode = 0;
      else console.error(`plugin: ${plugin.name} accepted the connection but answered nothing`);
      await service.stopService();
    } catch (error) {
      console.error(`plugin: ${error?.stack ?? error}`);
    } finally {
      reactor.stop();
    }
  });
  reactor.run();
} else {
  throw new Error(`usage: node plugin.mjs describe|serve <package> [port]`);
}

/** Used only when the installed @tw/core predates Logger. */
function consoleLogger() {
  const write = (level) => (format, fields) => console.log(`[${level}] ${format}`, fields ?? '');
  return {
    namespace: 'rehearsal',
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    critical: write('critical'),
    failure: (format, failure) => console.log(`[critical] ${format}`, failure),
  };
}
