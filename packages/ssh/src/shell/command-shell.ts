/**
 * The default shell of `tw ssh`: a handful of safe commands (help, whoami, uptime, services,
 * exit), line-edited on a pty, line by line without one. Nothing the user types is evaluated.
 */
import { Protocol, type IReactor, type RunningServiceListing } from '@tw/core';

import type { ISSHSession, SSHSessionFactory, SSHSessionRequest } from '../server/session.js';
import { LineEditor } from './line-editor.js';
import {
  BUILTIN_SHELL_COMMANDS,
  type ShellCommand,
  type ShellCommandResult,
} from './shell-commands.js';

export interface CommandShellOptions {
  /** The running services, for `services` (PluginContext.services inside `tw`). */
  readonly services?: () => readonly RunningServiceListing[];
  /** More commands, or replacements for the built-in ones. */
  readonly commands?: Readonly<Record<string, ShellCommand>>;
  /** Reactor time the server started at, for `uptime`; default: when the factory was made. */
  readonly startedAt?: number;
  /** Printed when an interactive shell opens. */
  readonly greeting?: string;
  /** Longest input line; default 4096 characters. */
  readonly maxLineLength?: number;
}

interface ShellEnvironment {
  readonly reactor: IReactor;
  readonly username: string;
  readonly startedAt: number;
  readonly options: CommandShellOptions;
  readonly commands: ReadonlyMap<string, ShellCommand>;
}

const encoder = new TextEncoder();

/** Run one command line: the result, or null for an empty line. `exit` is not handled here. */
function runCommandLine(
  line: string,
  env: ShellEnvironment,
): (ShellCommandResult & { stderr?: string }) | null {
  const words = line
    .trim()
    .split(/\s+/)
    .filter((word) => word !== '');
  const name = words[0];
  if (name === undefined) return null;
  const command = env.commands.get(name);
  if (command === undefined) {
    return { output: '', stderr: `tw: ${name}: command not found (try "help")\n`, status: 127 };
  }
  try {
    return command.run({
      username: env.username,
      args: words.slice(1),
      uptimeSeconds: env.reactor.seconds() - env.startedAt,
      services: env.options.services,
      commands: env.commands,
    });
  } catch (error) {
    return { output: '', stderr: `tw: ${name}: ${String(error)}\n`, status: 1 };
  }
}

/** `exit`, `exit 3`: the status to exit with, or null when the line is not an exit. */
function exitStatusOf(line: string): number | null {
  const match = /^\s*(?:exit|logout)(?:\s+(\d{1,3}))?\s*$/.exec(line);
  if (match === null) return null;
  return match[1] === undefined ? 0 : Number(match[1]) & 0xff;
}

interface ExitCapable {
  setExitStatus?(status: number): void;
  writeStderr?(data: Uint8Array): void;
  readonly pty?: unknown;
}

/** The interactive command shell (a shell request). */
export class CommandShellProtocol extends Protocol {
  private editor: LineEditor | null = null;
  private pending = '';
  private closing = false;

  constructor(private readonly env: ShellEnvironment) {
    super();
  }

  private get hasPty(): boolean {
    const pty = (this.transport as unknown as ExitCapable).pty;
    return pty !== null && pty !== undefined;
  }

  override connectionMade(): void {
    const greeting =
      this.env.options.greeting ??
      `Welcome to tw, ${this.env.username}. Type "help" for the commands.\n`;
    if (this.hasPty) {
      this.editor = new LineEditor((text) => this.transport.write(encoder.encode(text)), {
        maxLineLength: this.env.options.maxLineLength ?? 4096,
      });
      this.editor.prompt = `${this.env.username}@tw> `;
      this.print(greeting);
      this.editor.showPrompt();
    } else {
      this.print(greeting);
    }
  }

  override dataReceived(data: Uint8Array): void {
    if (this.closing) return;
    const editor = this.editor;
    if (editor !== null) {
      editor.feed(data, (event) => {
        if (event.type === 'line') this.line(event.text);
        else if (event.type === 'eof') this.exit(0);
        if (this.closing) return false;
        editor.showPrompt();
        return true;
      });
      return;
    }
    this.pending += new TextDecoder().decode(data);
    let newline = this.pending.indexOf('\n');
    while (newline !== -1 && !this.closing) {
      const line = this.pending.slice(0, newline).replace(/\r$/, '');
      this.pending = this.pending.slice(newline + 1);
      this.line(line);
      newline = this.pending.indexOf('\n');
    }
    const max = this.env.options.maxLineLength ?? 4096;
    if (!this.closing && this.pending.length > max) {
      this.printError(`tw: line longer than ${max} characters (maxLineLength)\n`);
      this.exit(1);
    }
  }

  /** No pty: the end of input ends the session, as with `sh`. */
  readConnectionLost(): void {
    if (this.closing) return;
    if (this.pending.trim() !== '') this.line(this.pending);
    if (!this.closing) this.exit(0);
  }

  terminalSizeChanged(): void {
    // The editor redraws with \r and relative moves only, so a new width needs no action.
  }

  private line(text: string): void {
    const exitStatus = exitStatusOf(text);
    if (exitStatus !== null) {
      this.exit(exitStatus);
      return;
    }
    const result = runCommandLine(text, this.env);
    if (result === null) return;
    this.print(result.output);
    if (result.stderr !== undefined) this.printError(result.stderr);
  }

  private exit(status: number): void {
    if (this.closing) return;
    this.closing = true;
    if (this.editor !== null) this.print('logout\n');
    (this.transport as unknown as ExitCapable).setExitStatus?.(status);
    this.transport.loseConnection();
  }

  private print(text: string): void {
    if (text === '') return;
    this.transport.write(encoder.encode(this.hasPty ? text.replace(/\r?\n/g, '\r\n') : text));
  }

  private printError(text: string): void {
    const transport = this.transport as unknown as ExitCapable;
    const bytes = encoder.encode(this.hasPty ? text.replace(/\r?\n/g, '\r\n') : text);
    // On a pty stdout and stderr share the terminal: keep them in order on one stream.
    if (!this.hasPty && transport.writeStderr !== undefined) transport.writeStderr(bytes);
    else this.transport.write(bytes);
  }
}

/** One command run non-interactively (`ssh host whoami`): exit status 0, or 127 when unknown. */
export class CommandExecProtocol extends Protocol {
  constructor(
    private readonly command: string,
    private readonly env: ShellEnvironment,
  ) {
    super();
  }

  override connectionMade(): void {
    const transport = this.transport as unknown as ExitCapable;
    const hasPty = transport.pty !== null && transport.pty !== undefined;
    const adapt = (text: string): Uint8Array =>
      encoder.encode(hasPty ? text.replace(/\r?\n/g, '\r\n') : text);
    const exitStatus = exitStatusOf(this.command);
    let status: number;
    if (exitStatus !== null) {
      status = exitStatus;
    } else {
      const result = runCommandLine(this.command, this.env) ?? { output: '', status: 0 };
      if (result.output !== '') this.transport.write(adapt(result.output));
      if (result.stderr !== undefined) {
        if (transport.writeStderr !== undefined) transport.writeStderr(adapt(result.stderr));
        else this.transport.write(adapt(result.stderr));
      }
      status = result.status;
    }
    transport.setExitStatus?.(status);
    this.transport.loseConnection();
  }

  /** Input is not read; the command has already run. */
  readConnectionLost(): void {}
}

/**
 * The session factory of the command shell: shell requests get CommandShellProtocol, exec
 * requests run one command. Pass it as SSHServerOptions.sessionFactory.
 */
export function commandShellSessionFactory(
  reactor: IReactor,
  options: CommandShellOptions = {},
): SSHSessionFactory {
  const startedAt = options.startedAt ?? reactor.seconds();
  const commands = new Map<string, ShellCommand>(
    Object.entries({ ...BUILTIN_SHELL_COMMANDS, ...options.commands }),
  );
  return (request: SSHSessionRequest): ISSHSession => {
    const env: ShellEnvironment = {
      reactor,
      username: request.username,
      startedAt,
      options,
      commands,
    };
    return {
      openShell: () => new CommandShellProtocol(env),
      execCommand: (command) => new CommandExecProtocol(command, env),
    };
  };
}
