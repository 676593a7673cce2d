/**
 * The main job (`tw serve`'s default config) serves the IRC web client at /irc/ on its web
 * service, with a bridge at /irc/ws to its own IRC server.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { defaultConfig } from '@tw/cli';
import { beforeAll, describe, expect, it } from 'vitest';

import { webClientDirectory } from '../../src/web-client.js';

beforeAll(async () => {
  // The config only offers the page once it is built (pnpm build does it): build it if missing.
  if (!existsSync(join(webClientDirectory, 'index.html'))) {
    const script = new URL('../../scripts/build-web.mjs', import.meta.url).href;
    const { buildWebClient } = (await import(script)) as {
      buildWebClient(options: object): Promise<unknown>;
    };
    await buildWebClient({});
  }
});

describe("the main job's web service", () => {
  it('mounts the built page at /irc and bridges /irc/ws to the IRC port', () => {
    const config = defaultConfig('/tmp/tw-data', 7000);
    const web = config.services.find((service) => service.plugin === 'web')!;
    const irc = config.services.find((service) => service.plugin === 'irc')!;
    expect(irc.options).toMatchObject({ listen: ['tcp:7667:interface=127.0.0.1'] });
    expect(web.options).toMatchObject({
      listen: ['tcp:7080:interface=127.0.0.1'],
      mount: [`/irc=${webClientDirectory.replace(/\/$/, '')}`],
      bridge: ['/irc/ws=tcp:host=127.0.0.1:port=7667'],
    });
    const [mount] = web.options!['mount'] as string[];
    const directory = mount!.slice('/irc='.length);
    for (const file of ['index.html', 'app.js', 'app.css']) {
      expect(existsSync(join(directory, file))).toBe(true);
    }
  });

  it('leaves the page out when the IRC port is left to the system', () => {
    const web = defaultConfig('/tmp/tw-data', 0).services.find((s) => s.plugin === 'web')!;
    expect(web.options).not.toHaveProperty('bridge');
    expect(web.options).not.toHaveProperty('mount');
  });
});
