import type { Deferred } from '@tw/core';
import type { IHeaders } from '../interfaces.js';
import { Headers } from '../wire/headers.js';
import type { IAgent } from './agent.js';
import type { IBodyProducer } from './body-producer.js';
import { CookieJar } from './cookie-jar.js';
import type { Response } from './response.js';

/**
 * Sends and stores cookies (twisted.web.client.CookieAgent): opt-in, by wrapping another agent.
 * Before each request the jar's matching cookies are added as a Cookie header (merged with one
 * the caller set); each response's Set-Cookie fields are stored in the jar.
 *
 * Put it *inside* a RedirectAgent — `new RedirectAgent(new CookieAgent(agent, jar))` — so every
 * hop of a redirect gets the cookies of its own URL.
 */
export class CookieAgent implements IAgent {
  constructor(
    private readonly agent: IAgent,
    readonly jar: CookieJar = new CookieJar(),
  ) {}

  request(
    method: string,
    uri: string,
    headers: IHeaders | null = null,
    bodyProducer: IBodyProducer | null = null,
  ): Deferred<Response> {
    const sent = new Headers();
    if (headers !== null) for (const [name, value] of headers) sent.addRawHeader(name, value);
    let cookieHeader: string | null = null;
    try {
      cookieHeader = this.jar.getCookieHeader(uri);
    } catch {
      // An unparseable URL: let the wrapped agent report it.
    }
    if (cookieHeader !== null) {
      const own = sent.getRawHeaders('cookie');
      sent.setRawHeaders('Cookie', [[...own, cookieHeader].join('; ')]);
    }
    return this.agent.request(method, uri, sent, bodyProducer).addCallback((response) => {
      const setCookies = response.headers.getRawHeaders('set-cookie');
      if (setCookies.length > 0) this.jar.setCookiesFromResponse(uri, setCookies);
      return response;
    });
  }
}
