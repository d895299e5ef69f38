import type { StepUpRequirement } from '../core/types.js';

/** A call waiting for the browser to come back from a redirect step-up. */
export interface PendingCall {
  args: unknown[];
  requirement: StepUpRequirement;
  /** The page that started it: a record is only resumed where it was made. */
  path: string;
  at: number;
}

const PREFIX = 'authkit-stepup:pending:';
// The server's step-up transaction lives at most 10 minutes; an older record cannot be the
// step-up we are coming back from, and resuming it would replay a stale intent.
const TTL_MS = 10 * 60_000;

const here = (): string => location.pathname + location.search;

/** Stores the call; false when storage is unavailable or an argument does not survive JSON. */
export function savePendingCall(id: string, args: unknown[], requirement: StepUpRequirement): boolean {
  try {
    const record: PendingCall = { args, requirement, path: here(), at: Date.now() };
    sessionStorage.setItem(PREFIX + id, JSON.stringify(record, encodeFormData));
    return true;
  } catch {
    return false;
  }
}

/** Reads and removes the record, so whatever happens next it is resumed at most once. */
export function takePendingCall(id: string): PendingCall | null {
  try {
    const raw = sessionStorage.getItem(PREFIX + id);
    if (raw === null) return null;
    sessionStorage.removeItem(PREFIX + id);
    const record = JSON.parse(raw, decodeFormData) as PendingCall;
    const fresh = Date.now() - record.at <= TTL_MS;
    return fresh && record.path === here() && Array.isArray(record.args) ? record : null;
  } catch {
    return null;
  }
}

// `<form action={run}>` passes FormData: keep its text fields; a file cannot be stored, so throw
// and let the call go without a resume rather than retry with half the form.
function encodeFormData(_key: string, value: unknown): unknown {
  if (!(value instanceof FormData)) return value;
  return {
    $formData: [...value].map(([name, field]) => {
      if (typeof field !== 'string') throw new TypeError('file fields cannot be resumed');
      return [name, field];
    }),
  };
}

function decodeFormData(_key: string, value: unknown): unknown {
  const entries = (value as { $formData?: [string, string][] } | null)?.$formData;
  if (!Array.isArray(entries)) return value;
  const form = new FormData();
  for (const [name, field] of entries) form.append(name, field);
  return form;
}
