import { formatAddress, type RunningServiceListing } from '@tw/core';
import type { IRequest, RenderResult } from '../interfaces.js';
import { Resource } from '../resource/resource.js';
import { renderElement } from '../template/render-element.js';
import { tags } from '../template/tags.js';
import type { Flattenable } from '../template/nodes.js';

/**
 * A page listing what `tw` is serving: one row per listening port, as in the table `tw` prints
 * at startup (service, plugin, address, endpoint, a command to try). It asks `services` on every
 * request, so it is always current; every value goes through the template flattener, so a
 * service named `<script>` is shown, not run. Without `services` (the web plugin running outside
 * `tw`) it says there is nothing to list.
 */
export class ServicesPage extends Resource {
  override isLeaf = true;

  constructor(private readonly services: (() => readonly RunningServiceListing[]) | null) {
    super();
  }

  render_GET(request: IRequest): RenderResult {
    request.setHeader('cache-control', 'no-store');
    return renderElement(request, servicesDocument(this.services?.() ?? null));
  }
}

/** The whole page for `listings` (null: not known). */
export function servicesDocument(listings: readonly RunningServiceListing[] | null): Flattenable {
  const { html, head, meta, title, body, h1, p, a, table, thead, tbody, tr, th, td, code } = tags;
  const content: Flattenable =
    listings === null
      ? p('This server was not started by tw, so it knows of no other services.')
      : listings.length === 0
        ? p('No service is listening yet.')
        : table(
            thead(tr(th('service'), th('plugin'), th('listening on'), th('endpoint'), th('try'))),
            tbody(
              listings.map((row) =>
                tr(
                  td(row.service),
                  td(row.plugin),
                  td(formatAddress(row.address)),
                  td(code(row.endpoint)),
                  td(code(row.connect)),
                ),
              ),
            ),
          );
  return html(
    { lang: 'en' },
    head(meta({ charset: 'utf-8' }), title('Services – tw')),
    body(h1('Services'), content, p(a({ href: '/' }, 'Home'))),
  );
}
