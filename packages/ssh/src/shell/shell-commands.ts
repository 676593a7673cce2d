import { formatAddress, type RunningServiceListing } from '@tw/core';

/** What a command of the command shell can see. */
export interface ShellCommandContext {
  readonly username: string;
  /** Arguments after the command name, split on white space. */
  readonly args: readonly string[];
  /** Seconds the server has been up. */
  readonly uptimeSeconds: number;
  /** The running services, when the shell runs inside `tw`. */
  readonly services: (() => readonly RunningServiceListing[]) | undefined;
  /** Every command's name and help line (for help). */
  readonly commands: ReadonlyMap<string, ShellCommand>;
}

/** The text a command prints and its exit status. */
export interface ShellCommandResult {
  readonly output: string;
  readonly status: number;
}

/** One command of the command shell. It computes text; it never evaluates user input. */
export interface ShellCommand {
  readonly help: string;
  run(context: ShellCommandContext): ShellCommandResult;
}

const ok = (output: string): ShellCommandResult => ({ output, status: 0 });

/** The built-in commands: help, whoami, uptime, services. (`exit` is handled by the shell.) */
export const BUILTIN_SHELL_COMMANDS: Readonly<Record<string, ShellCommand>> = {
  help: {
    help: 'list the commands',
    run: ({ commands }) => {
      const names = [...commands.keys(), 'exit'].sort();
      const width = Math.max(...names.map((name) => name.length));
      const lines = names.map(
        (name) =>
          `  ${name.padEnd(width)}  ${name === 'exit' ? 'end the session' : (commands.get(name)?.help ?? '')}`,
      );
      return ok(`Commands:\n${lines.join('\n')}\n`);
    },
  },
  whoami: {
    help: 'print the name you logged in as',
    run: ({ username }) => ok(`${username}\n`),
  },
  uptime: {
    help: 'how long the server has been running',
    run: ({ uptimeSeconds }) => ok(`up ${formatDuration(uptimeSeconds)}\n`),
  },
  services: {
    help: 'the services this server runs',
    run: ({ services }) => {
      const listing = services?.() ?? [];
      if (listing.length === 0) return ok('No service listing available.\n');
      const rows = listing.map((entry) => [
        entry.service,
        formatAddress(entry.address),
        entry.connect,
      ]);
      const widths = [0, 1].map((column) =>
        Math.max(...rows.map((row) => (row[column] ?? '').length), column === 0 ? 7 : 12),
      );
      const format = (row: readonly string[]): string =>
        `${(row[0] ?? '').padEnd(widths[0]!)}  ${(row[1] ?? '').padEnd(widths[1]!)}  ${row[2] ?? ''}`.trimEnd();
      return ok(
        `${[format(['SERVICE', 'LISTENING ON', 'TRY']), ...rows.map(format)].join('\n')}\n`,
      );
    },
  },
};

/** "2 days, 3 hours, 4 minutes" — whole units, at most three, seconds only under a minute. */
export function formatDuration(seconds: number): string {
  const total = Math.max(0, Math.floor(seconds));
  const units: Array<[string, number]> = [
    ['day', 86_400],
    ['hour', 3_600],
    ['minute', 60],
  ];
  const parts: string[] = [];
  let rest = total;
  for (const [name, size] of units) {
    const count = Math.floor(rest / size);
    rest -= count * size;
    if (count > 0) parts.push(`${count} ${name}${count === 1 ? '' : 's'}`);
  }
  if (parts.length === 0) return `${total} second${total === 1 ? '' : 's'}`;
  return parts.join(', ');
}
