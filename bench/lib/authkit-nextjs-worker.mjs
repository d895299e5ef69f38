// One app instance of @workos-inc/authkit-nextjs in its own OS process, for the multi-process
// refresh storm (bench/lib/refresh-instances.mjs): the counterpart of test/helpers/refresh-worker.ts,
// speaking the same IPC messages. Each request runs `authkit(request)` (= `updateSession`, what its
// proxy runs) on a NextRequest carrying the cookie. Started with
// `--import ./bench/lib/register-stubs.mjs` and the WORKOS_* variables pointing at the dev IdP in
// its environment (authkit-nextjs reads them when its modules load).
const { NextRequest } = await import('next/server');
const { authkit } = await import('@workos-inc/authkit-nextjs');
const APP = process.env.BENCH_APP_URL ?? 'http://localhost:3000';
const send = (message) => process.send?.(message);

async function request(cookie) {
  const started = performance.now();
  const res = await authkit(new NextRequest(new URL('/dashboard', APP), { headers: { cookie } }));
  const ms = performance.now() - started;
  const setCookies = res.headers.getSetCookie?.() ?? [];
  const session = setCookies.map((c) => /^wos-session=([^;]*)/.exec(c)?.[1]).find((v) => v !== undefined);
  const result = { pid: process.pid, signedIn: !!res.session?.user, deleted: session === '', ms };
  if (res.session?.user) {
    result.userId = res.session.user.id;
    result.sessionId = res.session.sessionId;
  }
  if (session) result.seal = session;
  return result;
}

process.on('message', (message) => {
  if (message?.type !== 'storm') return;
  void Promise.all(Array.from({ length: message.count }, () => request(message.cookie))).then((results) => send({ type: 'result', id: message.id, results }));
});
process.on('disconnect', () => process.exit(0));
send({ type: 'ready', pid: process.pid });
