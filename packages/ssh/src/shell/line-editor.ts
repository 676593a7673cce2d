/**
 * A small line editor for a terminal (what a pty session's keystrokes need): echo, backspace,
 * Ctrl-C, Ctrl-D, Ctrl-U, left/right arrows, Home/End, history with up/down. Pure: bytes in,
 * events out, terminal output through `write`. No timers, no transport.
 */

/** What the editor tells its owner. */
export type LineEditorEvent =
  | { readonly type: 'line'; readonly text: string }
  | { readonly type: 'interrupt' }
  | { readonly type: 'eof' };

export interface LineEditorOptions {
  /** Longest line kept; further typing rings the bell. Default 4096 characters. */
  readonly maxLineLength?: number;
  /** Lines of history kept; default 100. */
  readonly historySize?: number;
}

const ESC = '\u001b';
const BELL = '\u0007';

type EscapeState = 'none' | 'esc' | 'csi' | 'ss3';

export class LineEditor {
  prompt = '';
  private buffer: string[] = [];
  private cursor = 0;
  private readonly history: string[] = [];
  /** Index into history while browsing with up/down; history.length means "the new line". */
  private historyIndex = 0;
  private draft: string[] = [];
  private escape: EscapeState = 'none';
  private escapeParams = '';
  private lastWasCR = false;
  private readonly decoder = new TextDecoder('utf-8');
  private readonly maxLineLength: number;
  private readonly historySize: number;

  constructor(
    private readonly write: (text: string) => void,
    options: LineEditorOptions = {},
  ) {
    this.maxLineLength = options.maxLineLength ?? 4096;
    this.historySize = options.historySize ?? 100;
  }

  /** Show the prompt (and start a fresh line). */
  showPrompt(): void {
    this.buffer = [];
    this.cursor = 0;
    this.historyIndex = this.history.length;
    this.write(this.prompt);
  }

  /** The line being edited. */
  get currentLine(): string {
    return this.buffer.join('');
  }

  /**
   * Feed keystrokes. Each event goes to `handle` as soon as its key is read, so the output of a
   * command comes before the echo of what was typed after it. `handle` returns false to stop
   * reading (the session is ending); the rest of `data` is then dropped.
   */
  feed(data: Uint8Array, handle: (event: LineEditorEvent) => boolean | void): void {
    for (const char of this.decoder.decode(data, { stream: true })) {
      const event = this.key(char);
      if (event !== null && handle(event) === false) return;
    }
  }

  private key(char: string): LineEditorEvent | null {
    if (this.escape !== 'none') {
      this.escapeKey(char);
      return null;
    }
    const wasCR = this.lastWasCR;
    this.lastWasCR = char === '\r';
    switch (char) {
      case '\r':
        return this.enter();
      case '\n':
        // CR LF from a terminal in ICRNL-less mode: the CR already ended the line.
        return wasCR ? null : this.enter();
      case '\u0003': // Ctrl-C
        this.write('^C\r\n');
        this.buffer = [];
        this.cursor = 0;
        return { type: 'interrupt' };
      case '\u0004': // Ctrl-D: end of input on an empty line, delete-forward otherwise
        if (this.buffer.length === 0) return { type: 'eof' };
        if (this.cursor < this.buffer.length) {
          this.buffer.splice(this.cursor, 1);
          this.redraw();
        }
        return null;
      case '\u0015': // Ctrl-U
        this.buffer.splice(0, this.cursor);
        this.cursor = 0;
        this.redraw();
        return null;
      case '\u0001': // Ctrl-A
        this.moveTo(0);
        return null;
      case '\u0005': // Ctrl-E
        this.moveTo(this.buffer.length);
        return null;
      case '\u007f':
      case '\b':
        this.backspace();
        return null;
      case ESC:
        this.escape = 'esc';
        return null;
      default:
        if (char < ' ' || (char >= '\u0080' && char < '\u00a0')) return null; // other controls
        this.insert(char);
        return null;
    }
  }

  private escapeKey(char: string): void {
    if (this.escape === 'esc') {
      if (char === '[') {
        this.escape = 'csi';
        this.escapeParams = '';
      } else if (char === 'O') {
        this.escape = 'ss3';
      } else {
        this.escape = 'none';
      }
      return;
    }
    if (this.escape === 'csi' && /[0-9;]/.test(char)) {
      if (this.escapeParams.length < 16) this.escapeParams += char;
      return;
    }
    this.escape = 'none';
    const params = this.escapeParams;
    this.escapeParams = '';
    switch (char) {
      case 'A':
        this.historyStep(-1);
        break;
      case 'B':
        this.historyStep(1);
        break;
      case 'C':
        this.moveTo(Math.min(this.buffer.length, this.cursor + 1));
        break;
      case 'D':
        this.moveTo(Math.max(0, this.cursor - 1));
        break;
      case 'H':
        this.moveTo(0);
        break;
      case 'F':
        this.moveTo(this.buffer.length);
        break;
      case '~':
        if (params === '1' || params === '7') this.moveTo(0);
        else if (params === '4' || params === '8') this.moveTo(this.buffer.length);
        else if (params === '3' && this.cursor < this.buffer.length) {
          this.buffer.splice(this.cursor, 1);
          this.redraw();
        }
        break;
      default:
        break;
    }
  }

  private enter(): LineEditorEvent {
    const text = this.buffer.join('');
    this.write('\r\n');
    if (text.trim() !== '' && this.history[this.history.length - 1] !== text) {
      this.history.push(text);
      if (this.history.length > this.historySize) this.history.shift();
    }
    this.buffer = [];
    this.cursor = 0;
    this.historyIndex = this.history.length;
    return { type: 'line', text };
  }

  private insert(char: string): void {
    if (this.buffer.length >= this.maxLineLength) {
      this.write(BELL);
      return;
    }
    this.buffer.splice(this.cursor, 0, char);
    this.cursor += 1;
    if (this.cursor === this.buffer.length) this.write(char);
    else this.redraw();
  }

  private backspace(): void {
    if (this.cursor === 0) {
      this.write(BELL);
      return;
    }
    this.buffer.splice(this.cursor - 1, 1);
    this.cursor -= 1;
    if (this.cursor === this.buffer.length) this.write('\b \b');
    else this.redraw();
  }

  private moveTo(position: number): void {
    if (position === this.cursor) return;
    const delta = position - this.cursor;
    this.write(delta > 0 ? `${ESC}[${delta}C` : `${ESC}[${-delta}D`);
    this.cursor = position;
  }

  private historyStep(step: number): void {
    const next = this.historyIndex + step;
    if (next < 0 || next > this.history.length) {
      this.write(BELL);
      return;
    }
    if (this.historyIndex === this.history.length) this.draft = this.buffer;
    this.historyIndex = next;
    const text = next === this.history.length ? this.draft : [...(this.history[next] ?? '')];
    this.buffer = [...text];
    this.cursor = this.buffer.length;
    this.redraw();
  }

  /** Rewrite the prompt and line, clear what is left of the old one, put the cursor back. */
  private redraw(): void {
    const back = this.buffer.length - this.cursor;
    this.write(
      `\r${this.prompt}${this.buffer.join('')}${ESC}[K${back > 0 ? `${ESC}[${back}D` : ''}`,
    );
  }
}
