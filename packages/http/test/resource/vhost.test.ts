import { describe, expect, it } from 'vitest';
import type { IResource } from '../../src/interfaces.js';
import { Data } from '../../src/resource/data.js';
import { Resource } from '../../src/resource/resource.js';
import { NameVirtualHost, normalizeHostName } from '../../src/resource/vhost.js';
import { siteHarness } from './site-harness.js';

function vhosts(): NameVirtualHost {
  const vhost = new NameVirtualHost();
  const example = new Resource();
  example.putChild('', new Data('example root', 'text/plain'));
  example.putChild('page', new Data('example page', 'text/plain'));
  vhost.addHost('Example.com', example);
  vhost.addHost('leaf.test', new Data('leaf for everything', 'text/plain'));
  vhost.addHost('[::1]', new Data('ipv6 literal', 'text/plain'));
  return vhost;
}

function get(root: IResource, path: string, host?: string) {
  const harness = siteHarness(root);
  if (host !== undefined) return harness.request('GET', path, { Host: host });
  // HTTP/1.0 may omit Host.
  return harness.exchange(`GET ${path} HTTP/1.0\r\n\r\n`)[0]!;
}

describe('NameVirtualHost', () => {
  it('picks the tree by Host, case-insensitively and without the port', () => {
    expect(get(vhosts(), '/page', 'EXAMPLE.com:8080').body).toBe('example page');
    expect(get(vhosts(), '/', 'example.com.').body).toBe('example root');
    expect(get(vhosts(), '/', '[::1]:8443').body).toBe('ipv6 literal');
  });

  it('lets a leaf host render the whole path', () => {
    expect(get(vhosts(), '/a/b', 'leaf.test').body).toBe('leaf for everything');
  });

  it('answers 404 for unknown hosts and no Host, or serves the default', () => {
    expect(get(vhosts(), '/page', 'other.test').status).toBe(404);
    expect(get(vhosts(), '/page').status).toBe(404);
    const vhost = vhosts();
    vhost.default = new Data('default', 'text/plain');
    expect(get(vhost, '/page', 'other.test').body).toBe('default');
    expect(get(vhost, '/page').body).toBe('default');
  });

  it('forgets removed hosts', () => {
    const vhost = vhosts();
    vhost.removeHost('EXAMPLE.COM');
    expect(get(vhost, '/page', 'example.com').status).toBe(404);
  });

  it('works nested below a path', () => {
    const root = new Resource();
    root.putChild('sites', vhosts());
    expect(get(root, '/sites/page', 'example.com').body).toBe('example page');
  });

  it('normalizes host names', () => {
    expect(normalizeHostName(' Example.COM:80 ')).toBe('example.com');
    expect(normalizeHostName('[2001:DB8::1]:443')).toBe('[2001:db8::1]');
    expect(normalizeHostName('host.')).toBe('host');
  });
});
