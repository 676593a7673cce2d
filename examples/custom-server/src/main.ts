// A custom server: the echo and finger plugins composed into one MultiService on one reactor.
// `pnpm --filter @tw/example-custom-server start [portBase]`: echo on portBase, finger on +79
// (0: free ports).
import * as tw from '@tw/core';
import echoPlugin from '@tw/example-echo/plugin';
import fingerPlugin from 'tw-finger/plugin';

const base = Number(process.argv[2] ?? 7100);
const listen = (offset: number): string => `tcp:${base && base + offset}:interface=127.0.0.1`;
const dataDir = process.env['TW_DATA_DIR'] ?? '.tw-data';
tw.globalLogPublisher.addObserver(tw.textFileLogObserver(process.stdout));
const reactor = new tw.NodeReactor();
const root = new tw.MultiService();

async function add<O extends Record<string, unknown>>(plugin: tw.TwPlugin<O>, raw: object) {
  await plugin.prepareDataDir?.(dataDir); // the finger plugin writes a sample `demo` user
  const options = tw.parsePluginOptions(plugin, { ...raw });
  const log = new tw.Logger(plugin.name);
  (await plugin.makeService(options, { reactor, dataDir, log })).setServiceParent(root);
}

await add(echoPlugin, { listen: listen(0) });
await add(fingerPlugin, { listen: listen(79), allowListing: true });
tw.runService(reactor, root).addErrback(() => {
  process.exitCode = 1; // the reason is logged already
  reactor.stop();
});
await reactor.run();
