import { Protocol } from '@tw/core';

const CTRL_C = 0x03;
const LOWER_Q = 0x71;

/**
 * The terminal's keys, one byte at a time (the terminal is in raw mode): `q` or Ctrl-C quits.
 * It reaches the program through StandardIO and `reactor.steppedProtocol()`, so a key press is
 * handled inside a tick like every network event.
 */
export class KeyCommands extends Protocol {
  constructor(private readonly onQuit: () => void) {
    super();
  }

  override dataReceived(data: Uint8Array): void {
    if (data.includes(LOWER_Q) || data.includes(CTRL_C)) this.onQuit();
  }
}
