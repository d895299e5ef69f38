// @vitest-environment jsdom
import { act, cleanup, renderHook } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useStepUpStatus } from '../../src/client/index.js';
import { makeAuth, now, providerWrapper } from './fixtures.js';

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(new Date('2025-06-01T12:00:00Z'));
});

afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

describe('useStepUpStatus', () => {
  it('turns unsatisfied by itself when maxAge runs out', () => {
    const wrapper = providerWrapper({ initialAuth: makeAuth({ authTime: now() - 100 }) });
    const { result } = renderHook(() => useStepUpStatus({ maxAge: 120 }, { tick: 0 }), { wrapper });
    expect(result.current).toMatchObject({ satisfied: true, authAge: 100, reasons: [] });

    act(() => vi.advanceTimersByTime(19_000));
    expect(result.current.satisfied).toBe(true);

    act(() => vi.advanceTimersByTime(1_001));
    expect(result.current).toMatchObject({ satisfied: false, reasons: ['stale'] });
    expect(result.current.authAge).toBe(120); // floored; freshness itself is exact
  });

  it('ticks authAge for "verified N minutes ago"', () => {
    const wrapper = providerWrapper({ initialAuth: makeAuth({ authTime: now() - 60 }) });
    const { result } = renderHook(() => useStepUpStatus({}), { wrapper });
    expect(result.current.authAge).toBe(60);
    act(() => vi.advanceTimersByTime(30_000));
    expect(result.current.authAge).toBe(90);
    act(() => vi.advanceTimersByTime(30_000));
    expect(result.current.authAge).toBe(120);
  });

  it('reports missing MFA and signed-out sessions', () => {
    const noMfa = renderHook(() => useStepUpStatus({ mfa: true }), { wrapper: providerWrapper({ initialAuth: makeAuth({ amr: ['pwd'] }) }) });
    expect(noMfa.result.current).toMatchObject({ satisfied: false, reasons: ['mfa_missing'] });
    const out = renderHook(() => useStepUpStatus({ maxAge: 60 }), { wrapper: providerWrapper({ initialAuth: null }) });
    expect(out.result.current).toMatchObject({ satisfied: false, reasons: ['signed_out'], authAge: undefined, loading: false });
  });

  it('schedules nothing while idle when the tick is off and freshness already ran out', () => {
    const wrapper = providerWrapper({ initialAuth: makeAuth({ authTime: now() - 500 }) });
    renderHook(() => useStepUpStatus({ maxAge: 120 }, { tick: 0 }), { wrapper });
    expect(vi.getTimerCount()).toBe(0);
  });
});
