/**
 * Runs once when a server instance starts. With `REDIS_URL` set, the SDK's shared instance (pages,
 * server actions, route handlers) refreshes through Redis; see lib/refresh-store.ts. Without it,
 * nothing is configured here: the SDK reads its settings from the environment as usual.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs' || !process.env.REDIS_URL?.trim()) return;
  const [{ configureAuthKit }, { connectRefreshStore, refreshStore }] = await Promise.all([import('authkit-stepup/server'), import('./lib/refresh-store')]);
  configureAuthKit({ refreshStore: refreshStore() });
  await connectRefreshStore();
}
