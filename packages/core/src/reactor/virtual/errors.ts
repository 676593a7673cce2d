import { TwError } from '../../errors/tw-error.js';

/** runUntil() gave up: the awaited result did not arrive in the virtual time allowed. */
export class VirtualTimeoutError extends TwError {
  constructor(message: string) {
    super('TW_VIRTUAL_TIMEOUT', message);
  }
}

/** A host name was added twice, or a name/address the network does not know was used. */
export class SimulatedHostError extends TwError {
  constructor(message: string) {
    super('TW_VIRTUAL_HOST', message);
  }
}

/** The virtual reactor was asked for something it does not simulate (child processes, …). */
export class NotSimulatedError extends TwError {
  constructor(feature: string, advice: string) {
    super(
      'TW_VIRTUAL_NOT_SIMULATED',
      `The virtual-time reactor does not simulate ${feature}. ${advice}`,
    );
  }
}
