import type { Metadata } from 'next';
import { withAuth } from 'authkit-stepup/server';
import { ago } from '@/lib/format';
import { BillingForm } from './billing-form';
import { getBilling } from './store';

export const metadata: Metadata = { title: 'Billing' };

export default async function BillingPage() {
  const auth = await withAuth({ ensureSignedIn: true, returnTo: '/settings/billing' });
  const details = getBilling(auth.organizationId ?? auth.user.id);
  return (
    <>
      <div className="page-head">
        <div className="crumbs">Workspace / Settings / Billing</div>
        <h1>Billing</h1>
        <p>Plan, invoices and payment details for Acme Inc.</p>
      </div>
      <div className="grid-2">
        <div className="card">
          <h2>Plan</h2>
          <p className="sub">Business · 25 seats · billed yearly</p>
          <dl className="facts">
            <dt>Next invoice</dt>
            <dd>$4,950.00</dd>
            <dt>Payment method</dt>
            <dd>Visa ending 4242</dd>
          </dl>
        </div>
        <div className="card">
          <h2>Last change</h2>
          <p className="sub">Billing changes are audited.</p>
          <p style={{ margin: 0, fontSize: 14 }} data-testid="billing-current">
            {details.updatedAt ? (
              <>
                {details.billingEmail}, by {details.updatedBy} {ago(details.updatedAt)}
              </>
            ) : (
              <>Never changed. Invoices go to {details.billingEmail}.</>
            )}
          </p>
        </div>
      </div>
      <div className="card">
        <h2>Billing details</h2>
        <p className="sub">
          Saved through <code>useStepUp(saveBilling, {'{ mode: "popup" }'})</code>.
        </p>
        <BillingForm initial={{ billingEmail: details.billingEmail, vatId: details.vatId }} />
      </div>
    </>
  );
}
