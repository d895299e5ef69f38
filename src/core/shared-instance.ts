import { createAuthKit, type AuthKit } from './authkit.js';

// Next evaluates middleware/proxy and the app in separate module graphs; keeping the default
// instance on globalThis lets them share one session cache and one single-flight refresh when
// they run in the same process.
const KEY = Symbol.for('authkit-stepup.default-instance');

export function sharedAuthKit(): AuthKit {
  const slot = globalThis as unknown as Record<symbol, AuthKit | undefined>;
  return (slot[KEY] ??= createAuthKit());
}

export function setSharedAuthKit(kit: AuthKit): AuthKit {
  (globalThis as unknown as Record<symbol, AuthKit | undefined>)[KEY] = kit;
  return kit;
}
