import { Deferred, LimitedHistoryLogObserver, LogPublisher, Logger } from '@tw/core';
import { describe, expect, it } from 'vitest';
import { NOT_DONE_YET } from '../../src/interfaces.js';
import { FakeRequest } from './fake-request.js';
import {
  Element,
  TagLoader,
  renderElement,
  renderer,
  tags,
  type Flattenable,
} from './template-test-kit.js';

function quietLogger(): { logger: Logger; messages: () => string[] } {
  const publisher = new LogPublisher();
  const history = new LimitedHistoryLogObserver(10);
  publisher.addObserver(history.observer);
  return {
    logger: new Logger('test', publisher),
    messages: () => history.events().map((e) => e.format),
  };
}

class Page extends Element {
  constructor(private readonly body: Flattenable) {
    super(new TagLoader(tags.html(tags.body({ render: 'content' }))));
  }
  content = renderer((_request, tag) => tag.add(this.body));
}

describe('renderElement', () => {
  it('writes the doctype and the page, sets text/html and finishes', () => {
    const request = new FakeRequest();
    expect(renderElement(request.asRequest(), new Page('hi'))).toBe(NOT_DONE_YET);
    expect(request.body()).toBe('<!DOCTYPE html>\n<html><body>hi</body></html>');
    expect(request.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(request.code).toBe(200);
    expect(request.finishCount).toBe(1);
  });

  it('keeps a content type the resource set, and takes another doctype or none', () => {
    const request = new FakeRequest();
    request.setHeader('Content-Type', 'application/xhtml+xml');
    renderElement(request.asRequest(), tags.p('x'), { doctype: null });
    expect(request.body()).toBe('<p>x</p>');
    expect(request.headers.get('content-type')).toBe('application/xhtml+xml');
    const other = new FakeRequest();
    renderElement(other.asRequest(), tags.p(), { doctype: '<!DOCTYPE html PUBLIC "x">' });
    expect(other.body()).toBe('<!DOCTYPE html PUBLIC "x">\n<p></p>');
    const empty = new FakeRequest();
    renderElement(empty.asRequest(), null);
    expect(empty.body()).toBe('<!DOCTYPE html>\n');
  });

  it('streams: the head goes out before a slow part, finish comes after it', () => {
    const slow = new Deferred<Flattenable>();
    const request = new FakeRequest();
    renderElement(request.asRequest(), new Page(['before ', slow, ' after']));
    expect(request.body()).toBe('<!DOCTYPE html>\n<html><body>before ');
    expect(request.finished).toBe(false);
    slow.callback(tags.b('middle'));
    expect(request.body()).toBe(
      '<!DOCTYPE html>\n<html><body>before <b>middle</b> after</body></html>',
    );
    expect(request.finishCount).toBe(1);
  });

  it('answers 500 with a generic page when rendering fails before any output, and logs it', () => {
    const { logger, messages } = quietLogger();
    const request = new FakeRequest();
    const failing = new Deferred<Flattenable>();
    renderElement(request.asRequest(), failing, { logger });
    failing.errback(new Error('secret database password in message'));
    expect(request.code).toBe(500);
    expect(request.body()).toContain(
      '<!DOCTYPE html>\n<html><head><title>500 Internal Server Error',
    );
    expect(request.body()).not.toContain('secret');
    expect(request.finishCount).toBe(1);
    expect(messages()).toEqual(['An error occurred while rendering the response.']);
  });

  it('appends a notice and finishes when rendering fails after output began', () => {
    const { logger } = quietLogger();
    const request = new FakeRequest();
    const failing = new Deferred<Flattenable>();
    renderElement(request.asRequest(), new Page(['partial', failing]), { logger });
    failing.errback(new Error('late'));
    expect(request.code).toBe(200);
    expect(request.body()).toMatch(
      /^<!DOCTYPE html>\n<html><body>partial<div style="[^"]*">An error occurred while rendering the response.<\/div>$/,
    );
    expect(request.finishCount).toBe(1);
  });

  it('stops flattening when the connection is lost, writing nothing more', () => {
    let cancelled = false;
    const slow = new Deferred<Flattenable>(() => {
      cancelled = true;
    });
    const request = new FakeRequest();
    renderElement(request.asRequest(), new Page(['a', slow]));
    request.loseConnection();
    expect(cancelled).toBe(true);
    expect(request.body()).toBe('<!DOCTYPE html>\n<html><body>a');
    expect(request.finishCount).toBe(0);
  });
});
