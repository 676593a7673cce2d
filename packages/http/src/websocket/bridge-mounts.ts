import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';

import { TwError, clientFromString, type IReactor, type IStreamClientEndpoint } from '@tw/core';

import type { IResource } from '../interfaces.js';
import { Resource } from '../resource/resource.js';
import { File } from '../static/file.js';
import { WebSocketBridgeResource, type WebSocketBridgeOptions } from './bridge.js';

/** `URLPATH=VALUE`, as `tw web --mount` and `--bridge` take it. */
export interface MountSpec {
  /** The URL path, split into segments (`/irc/ws` → ['irc', 'ws']). */
  readonly segments: readonly string[];
  readonly path: string;
  readonly value: string;
}

/** Why a mount or bridge spec cannot be used (the plugin turns it into an option error). */
export class MountSpecError extends TwError {
  constructor(message: string) {
    super('TW_HTTP_MOUNT_SPEC', message);
  }
}

/**
 * Parse `URLPATH=VALUE`: the path starts with '/', has at least one segment, and no empty, '.'
 * or '..' segment (a mount cannot reach above or around the tree).
 */
export function parseMountSpec(spec: string): MountSpec {
  const at = spec.indexOf('=');
  if (at <= 0 || at === spec.length - 1) {
    throw new MountSpecError(`${JSON.stringify(spec)} is not URLPATH=VALUE (e.g. /irc=./web).`);
  }
  const path = spec.slice(0, at);
  const value = spec.slice(at + 1);
  if (!path.startsWith('/')) {
    throw new MountSpecError(`the URL path ${JSON.stringify(path)} must start with "/".`);
  }
  const segments = path.slice(1).replace(/\/$/, '').split('/');
  if (segments.some((s) => s === '' || s === '.' || s === '..' || /[?#%\\]/.test(s))) {
    throw new MountSpecError(
      `the URL path ${JSON.stringify(path)} must be plain segments: no empty, ".", ".." or ` +
        'segments with ?, #, % or \\.',
    );
  }
  return { segments, path, value };
}

/** A directory (or file) to serve at a URL path; throws MountSpecError when there is none. */
export async function staticMount(spec: MountSpec): Promise<IResource> {
  const path = resolve(spec.value);
  try {
    await stat(path);
  } catch {
    throw new MountSpecError(`there is nothing at ${path} to serve at ${spec.path}.`);
  }
  return new File(path);
}

/** A WebSocket bridge at a URL path to the client endpoint the spec names. */
export function bridgeMount(
  spec: MountSpec,
  reactor: IReactor,
  options: Omit<WebSocketBridgeOptions, 'reactor' | 'target'> = {},
): IResource {
  let target: IStreamClientEndpoint;
  try {
    target = clientFromString(reactor, spec.value);
  } catch (error) {
    throw new MountSpecError(
      `the bridge target ${JSON.stringify(spec.value)}: ${(error as Error).message}`,
    );
  }
  return new WebSocketBridgeResource({ ...options, reactor, target });
}

/**
 * Put `resource` at `segments` under `root`, making plain intermediate nodes where nothing is
 * registered. Each node on the way must keep its children in a map (any Resource, File included).
 */
export function mountResource(
  root: IResource,
  segments: readonly string[],
  resource: IResource,
): void {
  let node = root;
  for (const segment of segments.slice(0, -1)) {
    const children = childrenOf(node);
    let next = children?.get(segment);
    if (next === undefined) {
      next = new Resource();
      node.putChild(segment, next);
    }
    node = next;
  }
  node.putChild(segments[segments.length - 1]!, resource);
}

function childrenOf(node: IResource): Map<string, IResource> | undefined {
  const children = (node as { children?: unknown }).children;
  return children instanceof Map ? (children as Map<string, IResource>) : undefined;
}
