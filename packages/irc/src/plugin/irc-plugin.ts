// The `tw irc` plugin. package.json names this module ("tw": { "plugins": [...] }), so `tw`
// finds it wherever @tw/irc is installed.
import { join } from 'node:path';
import { listeningServices, type TwPlugin } from '@tw/core';
import { defaultIRCServerConfig } from '../server/config.js';
import { IRCServerFactory } from '../server/factory.js';
import { IRC_MOTD_FILE, writeSampleMotd } from './sample-motd.js';
import { serverConfigFromOptions, type IRCPluginOptions } from './server-config-from-options.js';

/** Where `tw irc` listens without --listen (6667, the usual plain-text IRC port, on loopback). */
export const DEFAULT_IRC_LISTEN = 'tcp:6667:interface=127.0.0.1';

const defaults = defaultIRCServerConfig();

/** `tw irc`: an IRC server (RFC 1459/2812 with IRCv3 capabilities) on the given endpoints. */
export const ircPlugin: TwPlugin<IRCPluginOptions> = {
  name: 'irc',
  description: 'IRC server (RFC 1459/2812, IRCv3 CAP, SASL PLAIN and OPER through a password file)',
  options: [
    {
      name: 'listen',
      type: 'endpoint[]',
      help: 'where to listen (tcp:…, tls:…:privateKey=…:certKey=… for IRC over TLS, unix:…)',
      default: [DEFAULT_IRC_LISTEN],
    },
    {
      name: 'serverName',
      type: 'string',
      help: 'the server name clients see as the source of its messages',
      default: defaults.serverName,
    },
    {
      name: 'description',
      type: 'string',
      help: 'one line about the server (shown by WHOIS)',
      default: defaults.description,
    },
    {
      name: 'network',
      type: 'string',
      help: 'the network name (NETWORK= in ISUPPORT and the welcome)',
      default: defaults.network,
    },
    {
      name: 'motd',
      type: 'string',
      help: `a file holding the message of the day, or the text itself (default: <data dir>/${IRC_MOTD_FILE}, none if missing)`,
    },
    {
      name: 'nickLen',
      type: 'number',
      help: 'longest nickname (NICKLEN)',
      default: defaults.nickLen,
    },
    {
      name: 'channelLen',
      type: 'number',
      help: 'longest channel name, prefix included (CHANNELLEN)',
      default: defaults.channelLen,
    },
    {
      name: 'topicLen',
      type: 'number',
      help: 'longest topic kept (TOPICLEN)',
      default: defaults.topicLen,
    },
    {
      name: 'realnameLen',
      type: 'number',
      help: 'longest real name kept (USER, SETNAME; NAMELEN)',
      default: defaults.realnameLen,
    },
    {
      name: 'utf8Only',
      type: 'boolean',
      help: 'refuse lines that are not UTF-8 (FAIL INVALID_UTF8) and advertise UTF8ONLY',
      default: defaults.utf8Only,
    },
    {
      name: 'maxConnectionsPerAddress',
      type: 'number',
      help: 'simultaneous connections from one address (0: no limit)',
      default: defaults.maxConnectionsPerAddress,
    },
    {
      name: 'floodBurst',
      type: 'number',
      help: 'lines a client may send at once before flood control holds it back (0: off)',
      default: defaults.flood.burst,
    },
    {
      name: 'floodPerSecond',
      type: 'number',
      help: 'lines per second a client may send after its burst (0: off)',
      default: defaults.flood.perSecond,
    },
    {
      name: 'operators',
      type: 'string[]',
      help: 'accounts of the password file that may become IRC operators with OPER',
      default: [],
    },
    {
      name: 'certificateAccounts',
      type: 'string[]',
      help: 'ACCOUNT=SHA256-FINGERPRINT of a TLS client certificate that logs in with SASL EXTERNAL (repeatable; EXTERNAL is offered only with some)',
      default: [],
    },
    {
      name: 'passwordFile',
      type: 'path',
      help: 'scrypt password file (see `tw passwd`) checked for OPER and SASL PLAIN (default: <data dir>/passwd, if present)',
    },
  ],

  async makeService(options, { reactor, log, dataDir }) {
    const config = await serverConfigFromOptions(options, { reactor, log, dataDir });
    const factory = new IRCServerFactory(reactor, config);
    return listeningServices(reactor, options.listen, factory, log);
  },

  // No connectHint: `tw connect <endpoint>` (the generic hint) is a working raw IRC client,
  // where irssi or weechat may not be installed.

  prepareDataDir(dataDir: string): Promise<void> {
    return writeSampleMotd(join(dataDir, IRC_MOTD_FILE));
  },
};

export default ircPlugin;
