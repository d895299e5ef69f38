import 'server-only';
import type { CallbackHooks } from '../core/authkit.js';
import { getAuthKit } from './instance.js';

/**
 * The auth route, mounted at the path of your redirect URI (`app/callback/route.ts`):
 * `export const GET = handleAuth({ onStepUp })`. It completes sign-ins and step-ups (the provider
 * redirects here), and also serves `?authkit=sign-in|step-up|refresh|sign-out` for places that
 * cannot write cookies themselves, such as server components.
 */
export function handleAuth(hooks: CallbackHooks = {}): (request: Request) => Promise<Response> {
  return (request) => getAuthKit().handleAuthRoute(request, hooks);
}
