'use client';
import { useState } from 'react';
import { useStepUp } from 'authkit-stepup/client';
import { saveBilling } from './actions';

interface Props {
  initial: { billingEmail: string; vatId: string };
}

/**
 * Saving calls the action through `useStepUp(..., { mode: 'popup' })`: when a step-up is needed it
 * happens in a small window, and this form — with what you typed — stays where it is.
 */
export function BillingForm({ initial }: Props) {
  const [billingEmail, setBillingEmail] = useState(initial.billingEmail);
  const [vatId, setVatId] = useState(initial.vatId);
  const { run, pending, error, result } = useStepUp(saveBilling, { mode: 'popup', id: 'billing' });
  const saved = result && 'ok' in result && result.ok ? result.details : undefined;
  const failed = result && 'ok' in result && !result.ok ? result.error : error ? `Not saved: ${error.message}` : undefined;

  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        run({ billingEmail, vatId }).catch(() => {});
      }}
    >
      <div className="field">
        <label htmlFor="billingEmail">Billing email</label>
        <input id="billingEmail" name="billingEmail" type="email" required value={billingEmail} onChange={(e) => setBillingEmail(e.target.value)} />
        <div className="help">Invoices and payment receipts go here.</div>
      </div>
      <div className="field">
        <label htmlFor="vatId">VAT ID</label>
        <input id="vatId" name="vatId" value={vatId} onChange={(e) => setVatId(e.target.value)} />
      </div>
      <div className="actions">
        <button className="btn" type="submit" disabled={pending} data-testid="save-billing">
          {pending ? 'Saving…' : 'Save billing details'}
        </button>
        <span style={{ color: 'var(--muted)', fontSize: 13 }}>Needs a sign-in from the last 5 minutes; you may be asked in a popup.</span>
      </div>
      {saved && !pending ? (
        <div className="notice ok" role="status" data-testid="billing-saved">
          <strong>Billing details saved.</strong>
          Invoices now go to {saved.billingEmail}.
        </div>
      ) : null}
      {failed && !pending ? (
        <div className="notice bad" role="alert" data-testid="billing-error">
          {failed}
        </div>
      ) : null}
    </form>
  );
}
