// The `tw finger` plugin. A third-party package names this module in its package.json
// ("tw": { "plugins": ["./dist/plugin.js"] }) and `tw` finds it once the package is installed.
import { join, resolve } from 'node:path';
import { listeningServices, type PluginListening, type TwPlugin } from '@tw/core';
import { FileFingerDirectory } from './file-directory.js';
import { FINGER_DATA_SUBDIR, writeSampleFingerUsers } from './sample-data.js';
import { FINGER_DEFAULTS, FingerFactory } from './server.js';

/** The options `tw finger` takes (`--listen`, `--users`, `--allow-listing`, …). */
export interface FingerPluginOptions extends Record<string, unknown> {
  listen: string[];
  users?: string;
  allowListing: boolean;
  maxQueryLength: number;
  maxPlanBytes: number;
  queryTimeout: number;
}

const fingerPlugin: TwPlugin<FingerPluginOptions> = {
  name: 'finger',
  description: 'Finger (RFC 1288): user info and .plan files from a directory',
  options: [
    {
      name: 'listen',
      type: 'endpoint[]',
      help: 'where to listen (finger is port 79; binding it needs privileges)',
      default: ['tcp:7079:interface=127.0.0.1'],
    },
    {
      name: 'users',
      type: 'path',
      help: `directory of users, one sub-directory each with .plan, .project, info.json (default: <data dir>/${FINGER_DATA_SUBDIR})`,
    },
    {
      name: 'allowListing',
      type: 'boolean',
      help: 'answer the empty query with the list of users',
      default: FINGER_DEFAULTS.allowListing,
    },
    {
      name: 'maxQueryLength',
      type: 'number',
      help: 'longest query line accepted, in bytes',
      default: FINGER_DEFAULTS.maxQueryLength,
    },
    {
      name: 'maxPlanBytes',
      type: 'number',
      help: 'plans are cut after this many bytes',
      default: FINGER_DEFAULTS.maxPlanBytes,
    },
    {
      name: 'queryTimeout',
      type: 'number',
      help: 'seconds a client has to send its query',
      default: FINGER_DEFAULTS.queryTimeout,
    },
  ],

  makeService(options, { reactor, dataDir, log }) {
    const users = resolve(options.users ?? join(dataDir, FINGER_DATA_SUBDIR));
    const factory = new FingerFactory(new FileFingerDirectory(users), reactor, {
      allowListing: options.allowListing,
      maxQueryLength: options.maxQueryLength,
      maxPlanBytes: options.maxPlanBytes,
      queryTimeout: options.queryTimeout,
    });
    log.info('Finger users from {users}', { users });
    return listeningServices(reactor, options.listen, factory, log);
  },

  connectHint({ address, clientEndpoint, twCommand }: PluginListening): string {
    // Debian's finger client only speaks to port 79; elsewhere any TCP client will do.
    if (address.family === 'IPv4' && address.port === 79) return `finger demo@${address.host}`;
    return `printf 'demo\\r\\n' | ${twCommand} connect ${clientEndpoint ?? '<endpoint>'}`;
  },

  prepareDataDir(dataDir: string): Promise<void> {
    return writeSampleFingerUsers(join(dataDir, FINGER_DATA_SUBDIR));
  },
};

export default fingerPlugin;
