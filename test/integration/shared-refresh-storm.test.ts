import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { unsealSession } from '../../src/core/session-cookie.js';
import { COOKIE_PASSWORD, startHarness, type Harness } from '../helpers/flow.js';
import { expiredSession, workerConfig } from '../helpers/expired-session.js';
import { startInstances, storm, summarize, type Instance } from '../helpers/instances.js';
import { hasRedis, startRedis, type RedisServer } from '../helpers/redis.js';
import { internal } from '../../src/core/internal.js';

// SECURITY.md §7 across processes: 100 concurrent requests with one expired cookie, spread over 4
// OS processes (each its own SDK instance), against a provider that revokes the whole session when
// a used refresh token comes back (Auth0's reuse detection; the dev IdP's `refreshTokenReuse:
// 'revoke'`). With a shared Redis store: one refresh and nobody signed out. Without: the loss,
// measured.
const INSTANCES = 4;
const REQUESTS = 100;

describe.skipIf(!hasRedis)(`a refresh storm over ${INSTANCES} processes against a revoke-on-reuse provider`, () => {
  let redis: RedisServer;
  let h: Harness;
  let instances: Instance[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    h = await startHarness({ idp: { accessTokenTtl: 3, refreshTokenReuse: 'revoke' }, kit: { clockTolerance: 0 } });
  });
  afterEach(async () => {
    await Promise.all(instances.map((i) => i.stop()));
    instances = [];
  });
  afterAll(async () => {
    await h?.close();
    await redis?.stop();
  });

  it('with the Redis store: exactly 1 provider refresh, 100 signed in, 0 cookies deleted, one new session', { timeout: 60_000 }, async () => {
    // The processes start while the access token runs out.
    const [started, { cookie, before }] = await Promise.all([startInstances(INSTANCES, workerConfig(h, { store: { socket: redis.socket, connect: true } })), expiredSession(h)]);
    instances = started;
    const stats = h.idp.stats();

    const results = await storm(instances, cookie, REQUESTS);
    const after = h.idp.stats();
    const summary = summarize(results);
    console.info(`[storm] with store: ${JSON.stringify({ ...summary, providerCalls: after.authenticateRequests - stats.authenticateRequests })}`);

    expect(after.authenticateRequests - stats.authenticateRequests).toBe(1);
    expect(after.refreshes - stats.refreshes).toBe(1);
    expect(after.refreshReuses - stats.refreshReuses).toBe(0);
    expect(summary).toMatchObject({ requests: REQUESTS, signedIn: REQUESTS, deleted: 0, newSessions: 1 });
    expect(results.every((r) => r.userId === before.user.id && r.sessionId === before.sessionId)).toBe(true);
    expect(h.idp.session(before.sessionId)?.status).toBe('active');
    // One store round per process: the in-process single-flight stands in front of the store.
    for (const instance of instances) expect(instance.storeCalls.filter((c) => c.op === 'setIfAbsent')).toHaveLength(1);
    expect(instances.flatMap((i) => i.storeCalls).filter((c) => c.outcome === 'true')).toHaveLength(1);

    // The session lives on: its new refresh token still works at the provider.
    const next = await unsealSession(results[0]!.seal!, COOKIE_PASSWORD);
    await expect(internal(h.newKit()).store.refresh(next!)).resolves.toMatchObject({ auth: { sessionId: before.sessionId } });
  });

  it('without a store: one refresh per process, 1 wins, 75 cookies deleted, and the reuse revokes the winner too', { timeout: 60_000 }, async () => {
    // The processes start while the access token runs out.
    const [started, { cookie, before }] = await Promise.all([startInstances(INSTANCES, workerConfig(h)), expiredSession(h)]);
    instances = started;
    const stats = h.idp.stats();

    const results = await storm(instances, cookie, REQUESTS);
    const after = h.idp.stats();
    const summary = summarize(results);
    console.info(`[storm] without store: ${JSON.stringify({ ...summary, providerCalls: after.authenticateRequests - stats.authenticateRequests })}`);

    // The in-process single-flight holds: one provider call per process, not per request.
    expect(after.authenticateRequests - stats.authenticateRequests).toBe(INSTANCES);
    expect(after.refreshes - stats.refreshes).toBe(1);
    expect(after.refreshFailures - stats.refreshFailures).toBe(INSTANCES - 1);
    expect(after.refreshReuses - stats.refreshReuses).toBe(INSTANCES - 1);
    // The winning process's requests are signed in; every other process deletes the cookie.
    expect(summary).toMatchObject({ requests: REQUESTS, signedIn: REQUESTS / INSTANCES, deleted: REQUESTS - REQUESTS / INSTANCES, newSessions: 1 });
    // And the provider revoked the whole session on the reuse: the winner's new refresh token is dead too.
    expect(h.idp.session(before.sessionId)?.status).toBe('reuse_detected');
    const winner = await unsealSession(results.find((r) => r.seal)!.seal!, COOKIE_PASSWORD);
    await expect(internal(h.newKit()).store.refresh(winner!)).rejects.toMatchObject({ code: 'refresh_failed', providerCode: 'invalid_grant' });
  });
});
