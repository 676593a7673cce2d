import type { IRCMessage } from '../../wire/message.js';
import type { IRCServerProtocol } from '../connection.js';

/** Which connections may use a command. */
export type CommandAvailability = 'any' | 'registered' | 'unregistered';

/**
 * One row of the command table: when the command is allowed, how many parameters it needs
 * (fewer → 461 ERR_NEEDMOREPARAMS before the handler runs), and the handler.
 */
export interface CommandSpec {
  readonly when: CommandAvailability;
  readonly minParams: number;
  handle(conn: IRCServerProtocol, message: IRCMessage): void;
}

/** A group of commands, by upper-case name. */
export type CommandGroup = Readonly<Record<string, CommandSpec>>;
