import { describe, expect, it } from 'vitest';

import type { Failure } from '../../src/index.js';
import {
  ChildServicesFailedError,
  Deferred,
  DuplicateServiceNameError,
  MultiService,
  Service,
  ServiceNotFoundError,
  ServiceRenameError,
} from '../../src/index.js';

/** Records start/stop into a shared log; optionally returns Deferreds the test fires. */
class RecordingService extends Service {
  startDeferred: Deferred<void> | null = null;
  stopDeferred: Deferred<void> | null = null;

  constructor(
    private readonly label: string,
    private readonly log: string[],
    private readonly options: { asyncStart?: boolean; asyncStop?: boolean } = {},
  ) {
    super();
  }

  override privilegedStartService(): void {
    this.log.push(`privileged ${this.label}`);
  }

  override startService(): Deferred<void> | void {
    super.startService();
    this.log.push(`start ${this.label}`);
    if (this.options.asyncStart === true) return (this.startDeferred = new Deferred<void>());
    return undefined;
  }

  override stopService(): Deferred<void> | void {
    super.stopService();
    this.log.push(`stop ${this.label}`);
    if (this.options.asyncStop === true) return (this.stopDeferred = new Deferred<void>());
    return undefined;
  }
}

function outcome(d: Deferred<unknown>): { fired: boolean; failure: Failure | null } {
  const state = { fired: false, failure: null as Failure | null };
  d.addCallbacks(
    () => {
      state.fired = true;
    },
    (failure: Failure) => {
      state.fired = true;
      state.failure = failure;
    },
  );
  return state;
}

describe('Service', () => {
  it('tracks running through startService and stopService', () => {
    const service = new Service();
    expect(service.running).toBe(false);
    service.startService();
    expect(service.running).toBe(true);
    service.stopService();
    expect(service.running).toBe(false);
  });

  it('joins a parent with setServiceParent and leaves with disownServiceParent', () => {
    const parent = new MultiService();
    const child = new Service();
    child.setName('web');
    child.setServiceParent(parent);
    expect(child.parent).toBe(parent);
    expect(parent.getServiceNamed('web')).toBe(child);
    void child.disownServiceParent();
    expect(child.parent).toBeNull();
    expect([...parent]).toEqual([]);
    expect(() => parent.getServiceNamed('web')).toThrow(ServiceNotFoundError);
  });

  it('moves to a new parent, leaving the old one', () => {
    const first = new MultiService();
    const second = new MultiService();
    const child = new Service();
    child.setServiceParent(first);
    child.setServiceParent(second);
    expect([...first]).toEqual([]);
    expect([...second]).toEqual([child]);
  });

  it('refuses to be renamed while it has a parent', () => {
    const child = new Service();
    child.setName('a');
    child.setServiceParent(new MultiService());
    expect(() => child.setName('b')).toThrow(ServiceRenameError);
    expect(child.name).toBe('a');
  });
});

describe('MultiService', () => {
  it('starts children in order and stops them in reverse order', () => {
    const log: string[] = [];
    const root = new MultiService();
    for (const label of ['db', 'cache', 'web'])
      new RecordingService(label, log).setServiceParent(root);
    root.privilegedStartService();
    const started = outcome(root.startService());
    expect(started).toEqual({ fired: true, failure: null });
    const stopped = outcome(root.stopService());
    expect(stopped).toEqual({ fired: true, failure: null });
    expect(log).toEqual([
      'privileged db',
      'privileged cache',
      'privileged web',
      'start db',
      'start cache',
      'start web',
      'stop web',
      'stop cache',
      'stop db',
    ]);
    expect(root.running).toBe(false);
  });

  it('startService waits for the start Deferreds of its children', () => {
    const log: string[] = [];
    const root = new MultiService();
    const slow = new RecordingService('slow', log, { asyncStart: true });
    const slower = new RecordingService('slower', log, { asyncStart: true });
    slow.setServiceParent(root);
    slower.setServiceParent(root);
    const started = outcome(root.startService());
    expect(log).toEqual(['start slow', 'start slower']);
    slower.startDeferred!.callback(undefined);
    expect(started.fired).toBe(false);
    slow.startDeferred!.callback(undefined);
    expect(started).toEqual({ fired: true, failure: null });
  });

  it('stopService stops every child at once and fires when all have stopped', () => {
    const log: string[] = [];
    const root = new MultiService();
    const a = new RecordingService('a', log, { asyncStop: true });
    const b = new RecordingService('b', log, { asyncStop: true });
    a.setServiceParent(root);
    b.setServiceParent(root);
    root.startService();
    const stopped = outcome(root.stopService());
    expect(log.slice(-2)).toEqual(['stop b', 'stop a']);
    a.stopDeferred!.callback(undefined);
    expect(stopped.fired).toBe(false);
    b.stopDeferred!.callback(undefined);
    expect(stopped.fired).toBe(true);
  });

  it('fails with the error of the one child that failed to start, after starting the rest', () => {
    const log: string[] = [];
    const root = new MultiService();
    const broken = new (class extends Service {
      override startService(): void {
        super.startService();
        throw new RangeError('port out of range');
      }
    })();
    broken.setServiceParent(root);
    new RecordingService('after', log).setServiceParent(root);
    const started = outcome(root.startService());
    expect(log).toEqual(['start after']);
    expect(started.failure?.value).toBeInstanceOf(RangeError);
  });

  it('groups the errors when several children fail to stop', () => {
    const log: string[] = [];
    const root = new MultiService();
    const a = new RecordingService('a', log, { asyncStop: true });
    const b = new RecordingService('b', log, { asyncStop: true });
    a.setServiceParent(root);
    b.setServiceParent(root);
    root.startService();
    const stopped = outcome(root.stopService());
    a.stopDeferred!.errback(new Error('a would not stop'));
    b.stopDeferred!.errback(new Error('b would not stop'));
    const error = stopped.failure?.value;
    expect(error).toBeInstanceOf(ChildServicesFailedError);
    expect((error as ChildServicesFailedError).phase).toBe('stop');
    expect((error as ChildServicesFailedError).failures.map((f) => f.getErrorMessage())).toEqual([
      'b would not stop',
      'a would not stop',
    ]);
  });

  it('rejects a second child with the same name, leaving it without a parent', () => {
    const root = new MultiService();
    const first = new Service();
    first.setName('web');
    first.setServiceParent(root);
    const second = new Service();
    second.setName('web');
    expect(() => second.setServiceParent(root)).toThrow(DuplicateServiceNameError);
    expect(second.parent).toBeNull();
    expect([...root]).toEqual([first]);
  });

  it('starts a child added while running, and stops one removed while running', () => {
    const log: string[] = [];
    const root = new MultiService();
    root.startService();
    const late = new RecordingService('late', log, { asyncStop: true });
    late.setServiceParent(root);
    expect(log).toEqual(['privileged late', 'start late']);
    const removed = late.disownServiceParent();
    expect(log).toEqual(['privileged late', 'start late', 'stop late']);
    expect(removed).toBe(late.stopDeferred);
  });

  it('does not start children added while stopped', () => {
    const log: string[] = [];
    const root = new MultiService();
    new RecordingService('idle', log).setServiceParent(root);
    expect(log).toEqual([]);
  });

  it('names a missing child in the error', () => {
    expect(() => new MultiService().getServiceNamed('nope')).toThrow(/"nope"/);
    expect(() => new MultiService().removeService(new Service())).toThrow(ServiceNotFoundError);
  });

  it('nests: a MultiService child of a MultiService starts and stops its own children', () => {
    const log: string[] = [];
    const root = new MultiService();
    const group = new MultiService();
    group.setServiceParent(root);
    new RecordingService('inner', log).setServiceParent(group);
    new RecordingService('outer', log).setServiceParent(root);
    root.privilegedStartService();
    root.startService();
    root.stopService();
    expect(log).toEqual([
      'privileged inner',
      'privileged outer',
      'start inner',
      'start outer',
      'stop outer',
      'stop inner',
    ]);
  });
});
