import type { Command } from 'commander';
import {
  ConnectionDone,
  NodeReactor,
  Protocol,
  StandardIO,
  clientFromString,
  connectProtocol,
  isHalfCloseableTransport,
  type Failure,
  type ITransport,
} from '@tw/core';
import type { CommandContext } from '../cli.js';
import { ExitCode } from '../exit-codes.js';

/**
 * `tw connect <endpoint>`: netcat built from @tw's own parts. Standard input goes to the
 * connection, what comes back goes to standard output; any client endpoint works
 * (`tcp:host=…:port=…`, `tls:…:caCerts=…`, `unix:path=…`). When standard input ends, the
 * connection is half-closed (or closed, where the transport cannot half-close) and `tw` exits
 * once the peer closes.
 */
export function addConnectCommand(program: Command, context: CommandContext): void {
  program
    .command('connect')
    .description('relay standard input and output over a client endpoint (a netcat)')
    .argument(
      '<endpoint>',
      'e.g. tcp:host=127.0.0.1:port=7000 or tls:host=localhost:port=7443:caCerts=cert.pem',
    )
    .action(async (description: string) => {
      context.setExitCode(await runConnect(description, context.io.err));
    });
}

/** Relays between this process's stdio and one network connection; resolves with the exit code. */
export function runConnect(description: string, err: NodeJS.WritableStream): Promise<number> {
  const reactor = new NodeReactor({ installSignalHandlers: false });
  const endpoint = clientFromString(reactor, description);
  return new Promise((resolve) => {
    const network = new NetworkSide(reactor, resolve);
    connectProtocol(endpoint, network).addErrback((failure: Failure) => {
      err.write(`tw connect: could not connect to ${description}: ${failure.getErrorMessage()}\n`);
      resolve(ExitCode.failure);
    });
  });
}

/** The connection: bytes from the peer go to stdout; its end ends the program. */
class NetworkSide extends Protocol {
  private stdio: StandardIO | null = null;

  constructor(
    private readonly reactor: NodeReactor,
    private readonly done: (code: number) => void,
  ) {
    super();
  }

  override connectionMade(): void {
    this.stdio = new StandardIO(new TerminalSide(this.transport), this.reactor);
  }

  override dataReceived(data: Uint8Array): void {
    this.stdio?.write(data);
  }

  override connectionLost(reason: Failure): void {
    super.connectionLost(reason);
    this.stdio?.loseConnection();
    // Leave time for stdout to drain before the process may exit.
    this.reactor.callLater(0, () =>
      this.done(reason.check(ConnectionDone) ? ExitCode.ok : ExitCode.failure),
    );
  }
}

/** Standard input: forwarded to the connection; its EOF half-closes the connection. */
class TerminalSide extends Protocol {
  constructor(private readonly network: ITransport) {
    super();
  }

  override dataReceived(data: Uint8Array): void {
    this.network.write(data);
  }

  readConnectionLost(): void {
    if (isHalfCloseableTransport(this.network)) this.network.writeEOF();
    else this.network.loseConnection();
  }

  writeConnectionLost(): void {}
}
