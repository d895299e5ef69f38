import { afterEach, beforeAll, afterAll, describe, expect, it } from 'vitest';
import { unsealSession } from '../../src/core/session-cookie.js';
import { claimTtlMs } from '../../src/core/shared-refresh.js';
import { expiredSession, workerConfig } from '../helpers/expired-session.js';
import { COOKIE_PASSWORD, startHarness, type Harness } from '../helpers/flow.js';
import { startIdpGate, type IdpGate } from '../helpers/idp-gate.js';
import { startInstances, summarize, type Instance, type RequestResult } from '../helpers/instances.js';
import { hasRedis, startRedis, type RedisServer } from '../helpers/redis.js';
import { internal } from '../../src/core/internal.js';

// SECURITY.md §7, the store's faults, with 4 OS processes and a real redis-server: the store
// dying, a claimant dying, the store never there. None of them may sign anybody out, and no
// request may wait longer than providerTimeout + the claim TTL. The provider revokes the whole
// session on a reused refresh token (Auth0), so a second refresh would show.
const PER_INSTANCE = 25;
// Short, so a dead claim expires within seconds (claim TTL: 2 + 2 + 2 s); long enough for a refresh on a busy 2-core box.
const PROVIDER_TIMEOUT = 2_000;

describe.skipIf(!hasRedis)('shared refresh faults across processes', () => {
  let h: Harness;
  let gate: IdpGate;
  let redis: RedisServer | undefined;
  let instances: Instance[] = [];

  beforeAll(async () => {
    h = await startHarness({ idp: { accessTokenTtl: 3, refreshTokenReuse: 'revoke' }, kit: { clockTolerance: 0 } });
    gate = await startIdpGate(h.idp.url);
  });
  afterEach(async () => {
    gate.hold = false;
    await Promise.all(instances.map((i) => i.stop()));
    instances = [];
    await redis?.stop();
    redis = undefined;
  });
  afterAll(async () => {
    await gate?.close();
    await h?.close();
  });

  /** Resolves once every instance has tried to claim the key: one holds it, the others wait. */
  function allClaimed(): Promise<Instance> {
    return new Promise((resolve) => {
      let claimant: Instance | undefined;
      let seen = 0;
      for (const instance of instances) {
        instance.onStore = (call, from) => {
          if (call.op !== 'setIfAbsent') return;
          if (call.outcome === 'true') claimant = from;
          if (++seen === instances.length) resolve(claimant!);
        };
      }
    });
  }

  it('Redis killed while the claimant refreshes: 1 provider call, 0 cookies deleted, the session survives', { timeout: 60_000 }, async () => {
    redis = await startRedis();
    // The processes start while the access token runs out.
    const [started, { cookie, before }] = await Promise.all([startInstances(4, workerConfig(h, { apiUrl: gate.url, store: { socket: redis.socket, connect: true } })), expiredSession(h)]);
    instances = started;
    const stats = h.idp.stats();
    gate.hold = true;
    const claimed = allClaimed();
    const held = gate.nextHeld();
    const runs = instances.map((i) => i.storm(cookie, PER_INSTANCE));
    const [claimant, call] = await Promise.all([claimed, held]);
    await redis.kill(); // mid-storm: the claimant is at the provider, three processes are polling
    call.release();
    const results = (await Promise.all(runs)).flat();
    const summary = summarize(results);
    console.info(`[faults] redis killed mid-storm: ${JSON.stringify(summary)}`);

    expect(h.idp.stats().authenticateRequests - stats.authenticateRequests).toBe(1);
    expect(h.idp.stats().refreshReuses - stats.refreshReuses).toBe(0);
    expect(summary.deleted).toBe(0);
    expect(summary.newSessions).toBe(1);
    // The claimant's requests carry the new session; the others read as signed out for this one
    // request (an outage, cookie kept) rather than refresh a token the claimant is using.
    expect(results.filter((r) => r.pid === claimant.pid).every((r) => r.signedIn)).toBe(true);
    expect(summary.signedIn).toBe(PER_INSTANCE);
    // The browser keeps the new cookie (nothing deleted it) and the provider session lives on.
    expect(h.idp.session(before.sessionId)?.status).toBe('active');
    const next = await unsealSession(results.find((r) => r.seal)!.seal!, COOKIE_PASSWORD);
    await expect(internal(h.newKit()).store.refresh(next!)).resolves.toMatchObject({ auth: { sessionId: before.sessionId } });
    // Bounded by the store failing, not by any timeout (the default providerTimeout + claim TTL is 27 s).
    expect(summary.slowestMs).toBeLessThan(10_000);
  });

  it('the claimant process killed mid-refresh: its claim expires, another instance refreshes once, all 75 others signed in', { timeout: 60_000 }, async () => {
    redis = await startRedis();
    // The processes start while the access token runs out.
    const [started, { cookie, before }] = await Promise.all([startInstances(4, workerConfig(h, { apiUrl: gate.url, providerTimeout: PROVIDER_TIMEOUT, store: { socket: redis.socket, connect: true } })), expiredSession(h)]);
    instances = started;
    const stats = h.idp.stats();
    gate.hold = true;
    const claimed = allClaimed();
    const held = gate.nextHeld();
    const runs = new Map(instances.map((i) => [i, i.storm(cookie, PER_INSTANCE)] as const));
    const [claimant, call] = await Promise.all([claimed, held]);
    claimant.kill(); // dies with the refresh in flight …
    call.drop(); // … before the provider saw it: the refresh token is still unused
    gate.hold = false;
    runs.delete(claimant);
    const results: RequestResult[] = (await Promise.all(runs.values())).flat();
    const summary = summarize(results);
    console.info(`[faults] claimant killed: ${JSON.stringify(summary)}`);

    expect(results).toHaveLength(3 * PER_INSTANCE);
    expect(summary).toMatchObject({ signedIn: 3 * PER_INSTANCE, deleted: 0, newSessions: 1 });
    expect(results.every((r) => r.sessionId === before.sessionId)).toBe(true);
    expect(h.idp.stats().refreshes - stats.refreshes).toBe(1);
    expect(h.idp.stats().authenticateRequests - stats.authenticateRequests).toBe(1);
    expect(h.idp.session(before.sessionId)?.status).toBe('active');
    // They waited for the dead claim to expire, and no longer than providerTimeout + claim TTL.
    const claimTtl = claimTtlMs(PROVIDER_TIMEOUT);
    expect(summary.slowestMs).toBeGreaterThan(claimTtl - 1_000);
    expect(summary.slowestMs).toBeLessThanOrEqual(PROVIDER_TIMEOUT + claimTtl);
  });

  it('Redis unreachable from the start: one refresh per process (in-process single-flight), 0 cookies deleted', { timeout: 60_000 }, async () => {
    // WorkOS's behaviour (reject reuse, keep the successor): what the deployment gets without a
    // store, minus the sign-outs. (With revoke-on-reuse the provider itself ends the session.)
    const workos = await startHarness({ idp: { accessTokenTtl: 3 }, kit: { clockTolerance: 0 } });
    try {
      const [started, { cookie, before }] = await Promise.all([startInstances(4, workerConfig(workos, { store: { socket: '/nonexistent/redis.sock', connect: false } })), expiredSession(workos)]);
      instances = started;
      const stats = workos.idp.stats();
      const results = (await Promise.all(instances.map((i) => i.storm(cookie, PER_INSTANCE)))).flat();
      const summary = summarize(results);
      console.info(`[faults] redis unreachable: ${JSON.stringify(summary)}`);

      expect(workos.idp.stats().authenticateRequests - stats.authenticateRequests).toBe(4);
      expect(workos.idp.stats().refreshes - stats.refreshes).toBe(1);
      // Each refusal may be a race the store would have prevented: the cookie is kept.
      expect(summary).toMatchObject({ signedIn: PER_INSTANCE, deleted: 0, newSessions: 1 });
      const next = await unsealSession(results.find((r) => r.seal)!.seal!, COOKIE_PASSWORD);
      await expect(internal(workos.newKit()).store.refresh(next!)).resolves.toMatchObject({ auth: { sessionId: before.sessionId } });
      // One claim attempt per process, failed at once (disableOfflineQueue): no store timeout waited out.
      for (const instance of instances) expect(instance.storeCalls).toEqual([{ op: 'setIfAbsent', outcome: 'error' }, { op: 'set', outcome: 'error' }].slice(0, instance.storeCalls.length));
    } finally {
      await Promise.all(instances.map((i) => i.stop()));
      instances = [];
      await workos.close();
    }
  });
});
