import { arbitrarySplits } from '@tw/core/testing/split-feeder';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { LineEditor, type LineEditorEvent } from '../../src/index.js';

function run(input: string | Uint8Array[]): { events: LineEditorEvent[]; output: string } {
  let output = '';
  const editor = new LineEditor((text) => (output += text));
  editor.prompt = '> ';
  editor.showPrompt();
  const events: LineEditorEvent[] = [];
  const chunks = typeof input === 'string' ? [new TextEncoder().encode(input)] : input;
  for (const chunk of chunks) {
    editor.feed(chunk, (event) => {
      events.push(event);
      if (event.type !== 'eof') editor.showPrompt();
    });
  }
  return { events, output };
}

const ESC = '\u001b';

describe('LineEditor', () => {
  it('echoes typing and ends a line on Enter', () => {
    const { events, output } = run('whoami\r');
    expect(events).toEqual([{ type: 'line', text: 'whoami' }]);
    expect(output).toBe('> whoami\r\n> ');
  });

  it('erases with backspace (DEL or ^H)', () => {
    const { events, output } = run('ab\u007fc\bd\r');
    expect(events).toEqual([{ type: 'line', text: 'ad' }]);
    expect(output).toContain('\b \b');
  });

  it('edits in the middle of the line with the arrow keys', () => {
    const { events } = run(`helo${ESC}[Dl${ESC}[C!\r`);
    expect(events).toEqual([{ type: 'line', text: 'hello!' }]);
  });

  it('goes back through history with up and down', () => {
    const { events } = run(`one\rtwo\r${ESC}[A${ESC}[A${ESC}[B\r${ESC}[A\r`);
    expect(events.map((event) => (event.type === 'line' ? event.text : event.type))).toEqual([
      'one',
      'two',
      'two',
      'two',
    ]);
  });

  it('cancels the line on Ctrl-C and kills it on Ctrl-U', () => {
    const { events, output } = run('abc\u0003def\u0015gh\r');
    expect(events).toEqual([{ type: 'interrupt' }, { type: 'line', text: 'gh' }]);
    expect(output).toContain('^C\r\n');
  });

  it('ends input on Ctrl-D only on an empty line', () => {
    expect(run('x\u0004').events).toEqual([]);
    expect(run('\u0004').events).toEqual([{ type: 'eof' }]);
  });

  it('takes CR LF as one line end and decodes UTF-8 split across chunks', () => {
    const bytes = new TextEncoder().encode('héllo\r\n');
    const { events } = run([bytes.slice(0, 2), bytes.slice(2)]);
    expect(events).toEqual([{ type: 'line', text: 'héllo' }]);
  });

  it('keeps lines to maxLineLength, ringing the bell for the rest', () => {
    let output = '';
    const editor = new LineEditor((text) => (output += text), { maxLineLength: 3 });
    const events: LineEditorEvent[] = [];
    editor.feed(new TextEncoder().encode('abcdef\r'), (event) => void events.push(event));
    expect(events).toEqual([{ type: 'line', text: 'abc' }]);
    expect(output).toContain('\u0007');
  });

  it('gives the same lines however the keystrokes are split', () => {
    const input = `ls${ESC}[Dx\r\u007f\u007fwho${ESC}OHa${ESC}[Fmi\r${ESC}[A\r\u0003q\u0015help\r`;
    const whole = run(input);
    fc.assert(
      fc.property(arbitrarySplits(new TextEncoder().encode(input)), (chunks) => {
        expect(run(chunks)).toEqual(whole);
      }),
    );
  });
});
