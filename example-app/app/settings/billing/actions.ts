'use server';
import { checkStepUp, stepUpRequired } from 'authkit-stepup/server';
import { recordAction } from '@/lib/audit';
import { setBilling, type BillingDetails } from './store';

export type SaveBillingResult = { ok: true; details: BillingDetails } | { ok: false; error: string };

const REQUIREMENT = { maxAge: 300 };

/** Changing where invoices go needs a sign-in from the last 5 minutes (PCI-DSS 8.4-style). */
export async function saveBilling(input: { billingEmail: string; vatId: string }) {
  const { auth, result } = await checkStepUp(REQUIREMENT);
  if (!auth) return { ok: false, error: 'You are signed out. Sign in again.' } satisfies SaveBillingResult;
  const billingEmail = typeof input?.billingEmail === 'string' ? input.billingEmail.trim() : '';
  const vatId = typeof input?.vatId === 'string' ? input.vatId.trim() : '';
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(billingEmail) || billingEmail.length > 200) {
    return { ok: false, error: 'Enter a valid billing email address.' } satisfies SaveBillingResult;
  }
  if (vatId.length > 40) return { ok: false, error: 'The VAT ID is too long.' } satisfies SaveBillingResult;
  if (!result.satisfied) return stepUpRequired(REQUIREMENT);

  const details: BillingDetails = { billingEmail, vatId, updatedAt: Math.floor(Date.now() / 1000), updatedBy: auth.user.email };
  setBilling(auth.organizationId ?? auth.user.id, details);
  recordAction('billing.updated', auth, `invoices to ${billingEmail}`);
  return { ok: true, details } satisfies SaveBillingResult;
}
