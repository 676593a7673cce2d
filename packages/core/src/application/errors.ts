import type { Failure } from '../defer/failure.js';
import { TwError } from '../errors/tw-error.js';

/** addService() was given a service whose name a sibling already has. */
export class DuplicateServiceNameError extends TwError {
  readonly serviceName: string;

  constructor(serviceName: string) {
    super(
      'TW_APPLICATION_DUPLICATE_SERVICE_NAME',
      `A service named ${JSON.stringify(serviceName)} is already a child of this MultiService; ` +
        'give each sibling a different name, or remove the other one first.',
    );
    this.serviceName = serviceName;
  }
}

/** getServiceNamed() or removeService() asked for a child that is not there. */
export class ServiceNotFoundError extends TwError {
  constructor(what: string) {
    super(
      'TW_APPLICATION_SERVICE_NOT_FOUND',
      `${what} Iterate the MultiService to see its children.`,
    );
  }
}

/** setName() was called on a service that has a parent (its parent indexes it by name). */
export class ServiceRenameError extends TwError {
  constructor(oldName: string | null, newName: string) {
    super(
      'TW_APPLICATION_RENAME_WITH_PARENT',
      `Cannot rename service ${JSON.stringify(oldName)} to ${JSON.stringify(newName)} while it ` +
        'has a parent; call setName() before setServiceParent(), or disownServiceParent() first.',
    );
  }
}

/**
 * More than one child of a MultiService failed to start or stop. (When exactly one fails, the
 * MultiService fails with that child's own error instead.) `failures` are in child order.
 */
export class ChildServicesFailedError extends TwError {
  readonly phase: 'start' | 'stop';
  readonly failures: readonly Failure[];

  constructor(phase: 'start' | 'stop', failures: readonly Failure[]) {
    super(
      'TW_APPLICATION_CHILDREN_FAILED',
      `${failures.length} child services failed to ${phase}: ` +
        failures.map((failure) => failure.getErrorMessage()).join('; ') +
        ' (see .failures for each error and its stack).',
    );
    this.phase = phase;
    this.failures = failures;
  }
}
