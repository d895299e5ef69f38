import type { Metadata } from 'next';
import { withAuth } from 'authkit-stepup/server';
import { auditEntries, type AuditEntry } from '@/lib/audit';
import { ago, amrLabel, isoTime } from '@/lib/format';

export const metadata: Metadata = { title: 'Audit log' };

function requirementText(requirement: { maxAge?: number; mfa?: boolean }): string {
  const parts: string[] = [];
  if (requirement.maxAge !== undefined) parts.push(requirement.maxAge === 0 ? 'sign in now' : `within ${requirement.maxAge} s`);
  if (requirement.mfa) parts.push('MFA');
  return parts.join(' + ') || '—';
}

function Row({ entry }: { entry: AuditEntry }) {
  const when = (
    <td className="mono" title={isoTime(entry.at)}>
      {ago(entry.at)}
    </td>
  );
  switch (entry.kind) {
    case 'step-up':
      return (
        <tr data-testid="audit-row" data-kind="step-up">
          {when}
          <td>
            <span className="badge ok">step-up confirmed</span>
          </td>
          <td>{entry.event.user.email}</td>
          <td>
            {requirementText(entry.event.requirement)} · via {(entry.event.amr ?? []).map(amrLabel).join(', ') || 'unknown'}
            <div className="mono" style={{ color: 'var(--faint)' }}>
              auth_time {entry.event.previousAuthTime ?? '?'} → {entry.event.authTime} · {entry.event.returnTo}
            </div>
          </td>
          <td className="mono">{entry.event.sessionId}</td>
        </tr>
      );
    case 'step-up-rejected':
      return (
        <tr data-testid="audit-row" data-kind="step-up-rejected">
          {when}
          <td>
            <span className="badge bad">step-up rejected</span>
          </td>
          <td>{entry.event.userId ?? '—'}</td>
          <td>
            <code data-testid="audit-code">{entry.event.code}</code> · {requirementText(entry.event.requirement)}
            <div style={{ color: 'var(--faint)', fontSize: 13 }}>{entry.event.message}</div>
          </td>
          <td className="mono">{entry.event.sessionId ?? '—'}</td>
        </tr>
      );
    case 'action':
      return (
        <tr data-testid="audit-row" data-kind="action" data-action={entry.action}>
          {when}
          <td>
            <span className="badge info">{entry.action}</span>
          </td>
          <td>{entry.userEmail}</td>
          <td>{entry.detail ?? ''}</td>
          <td className="mono">{entry.sessionId}</td>
        </tr>
      );
  }
}

export default async function AuditPage() {
  await withAuth({ ensureSignedIn: true, returnTo: '/audit' });
  const entries = auditEntries();
  return (
    <>
      <div className="page-head">
        <div className="crumbs">Compliance / Audit log</div>
        <h1>Audit log</h1>
        <p>
          Step-up evidence from <code>handleAuth({'{ onStepUp, onStepUpRejected }'})</code>, plus the app’s own sensitive actions.
        </p>
      </div>
      <div className="notice info">
        <strong>Kept in memory in this server process.</strong>
        This demo stores events in a JavaScript array on the Next.js server: they vanish when the server restarts and are not shared
        between instances. A real app writes them to its audit log store.
      </div>
      <div className="card">
        <table className="list">
          <thead>
            <tr>
              <th>When</th>
              <th>Event</th>
              <th>User</th>
              <th>Details</th>
              <th>Session</th>
            </tr>
          </thead>
          <tbody>
            {entries.length === 0 ? (
              <tr>
                <td colSpan={5} className="empty">
                  No events yet. Press “Confirm it’s you” on the overview to create one.
                </td>
              </tr>
            ) : (
              entries.map((entry) => <Row key={entry.id} entry={entry} />)
            )}
          </tbody>
        </table>
      </div>
    </>
  );
}
