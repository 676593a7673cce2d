import { capCommands } from './cap.js';
import { channelCommands } from './channel.js';
import type { CommandSpec } from './command.js';
import { helpCommands } from './help.js';
import { messagingCommands } from './messaging.js';
import { modeCommands } from './mode.js';
import { monitorCommands } from './monitor.js';
import { operatorCommands } from './operator.js';
import { queryCommands } from './query.js';
import { registrationCommands } from './registration.js';
import { listCommands } from './list.js';
import { saslCommands } from './sasl.js';
import { serverInfoCommands } from './server-info.js';
import { setnameCommands } from './setname.js';
import { userQueryCommands } from './user-query.js';

/** The server's command table: command name → when it is allowed, parameters, handler. */
export const COMMANDS: ReadonlyMap<string, CommandSpec> = new Map(
  Object.entries({
    ...registrationCommands,
    ...capCommands,
    ...saslCommands,
    ...messagingCommands,
    ...channelCommands,
    ...modeCommands,
    ...queryCommands,
    ...userQueryCommands,
    ...operatorCommands,
    ...setnameCommands,
    ...listCommands,
    ...monitorCommands,
    ...serverInfoCommands,
    ...helpCommands,
  }),
);
