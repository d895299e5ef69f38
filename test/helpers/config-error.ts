import { expect } from 'vitest';
import { ConfigError } from '../../src/core/errors.js';

/** The ConfigError `run` throws; fails the test if it throws anything else, or nothing. */
export function configErrorOf(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError, but nothing was thrown');
}
