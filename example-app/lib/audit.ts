import 'server-only';
import type { StepUpEvent, StepUpRejection } from 'authkit-stepup/server';

/**
 * The audit trail of this demo: step-up evidence from `handleAuth({ onStepUp, onStepUpRejected })`
 * and the app's own sensitive actions. It lives in memory in this server process only — a real app
 * writes it to its audit log store (SOC 2 CC6.1 / ISO 27001 A.8.5 evidence).
 */
export type AuditEntry =
  | { id: number; at: number; kind: 'step-up'; event: StepUpEvent }
  | { id: number; at: number; kind: 'step-up-rejected'; event: StepUpRejection }
  | { id: number; at: number; kind: 'action'; action: string; userEmail: string; sessionId: string; detail?: string };

type Entry = AuditEntry extends infer T ? (T extends AuditEntry ? Omit<T, 'id' | 'at'> : never) : never;

interface Store {
  next: number;
  entries: AuditEntry[];
}

// Route handlers and pages may be bundled separately; one process-wide store on globalThis.
const KEY = Symbol.for('acme-console.audit-log');
const MAX_ENTRIES = 500;

function store(): Store {
  const g = globalThis as unknown as Record<symbol, Store | undefined>;
  return (g[KEY] ??= { next: 1, entries: [] });
}

function append(entry: Entry): void {
  const s = store();
  s.entries.unshift({ ...entry, id: s.next++, at: Math.floor(Date.now() / 1000) } as AuditEntry);
  if (s.entries.length > MAX_ENTRIES) s.entries.length = MAX_ENTRIES;
}

export function recordStepUp(event: StepUpEvent): void {
  append({ kind: 'step-up', event });
}

export function recordStepUpRejected(event: StepUpRejection): void {
  append({ kind: 'step-up-rejected', event });
}

export function recordAction(action: string, who: { user: { email: string }; sessionId: string }, detail?: string): void {
  append({ kind: 'action', action, userEmail: who.user.email, sessionId: who.sessionId, ...(detail ? { detail } : {}) });
}

/** Newest first. */
export function auditEntries(): readonly AuditEntry[] {
  return store().entries;
}
