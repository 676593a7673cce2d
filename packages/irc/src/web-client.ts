import { fileURLToPath } from 'node:url';

/**
 * The directory holding the bundled IRC web client (index.html, app.js, app.css), built by
 * `pnpm build` into dist/web/. Serve it with @tw/http's File resource (or `tw web --irc-web`)
 * next to a WebSocketBridgeResource at `ws` to an IRC server.
 *
 * @example
 * root.putChild('irc', new File(webClientDirectory));
 */
// src/ and dist/ are both one level below the package: this resolves from either.
export const webClientDirectory: string = fileURLToPath(new URL('../dist/web/', import.meta.url));
