import 'server-only';

export interface BillingDetails {
  billingEmail: string;
  vatId: string;
  updatedAt: number | null;
  updatedBy: string | null;
}

const KEY = Symbol.for('acme-console.billing');

/** Per organization, in memory in this server process (a demo). */
function all(): Map<string, BillingDetails> {
  const g = globalThis as unknown as Record<symbol, Map<string, BillingDetails> | undefined>;
  return (g[KEY] ??= new Map());
}

export function getBilling(org: string): BillingDetails {
  return all().get(org) ?? { billingEmail: 'finance@acme.test', vatId: 'DE123456789', updatedAt: null, updatedBy: null };
}

export function setBilling(org: string, details: BillingDetails): void {
  all().set(org, details);
}
