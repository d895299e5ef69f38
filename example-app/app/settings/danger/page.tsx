import type { Metadata } from 'next';
import { stepUp, withAuth } from 'authkit-stepup/server';
import { StepUpButton } from 'authkit-stepup/client';
import { ago } from '@/lib/format';
import { DeleteProject } from './delete-project';

export const metadata: Metadata = { title: 'Danger zone' };

export default async function DangerPage() {
  const auth = await withAuth({ ensureSignedIn: true, returnTo: '/settings/danger' });
  return (
    <>
      <div className="page-head">
        <div className="crumbs">Workspace / Settings / Danger zone</div>
        <h1>Danger zone</h1>
        <p>Irreversible actions. Each one checks, on the server, that you signed in within the last 5 minutes.</p>
      </div>

      <div className="card">
        <h2>Confirm it’s you</h2>
        <p className="sub">
          You last signed in {auth.authTime !== undefined ? ago(auth.authTime) : 'at an unknown time'}. Confirm now and the actions below
          won’t interrupt you for 5 minutes.
        </p>
        <StepUpButton action={stepUp} maxAge={0} returnTo="/settings/danger" className="btn secondary" data-testid="danger-confirm">
          Confirm it’s you
        </StepUpButton>
      </div>

      <div className="card danger">
        <h2>Delete</h2>
        <p className="sub">
          The button calls a server action through <code>useStepUp(action, {'{ mode: "redirect" }'})</code>. If your sign-in is too old, the
          action answers <code>stepUpRequired({'{ maxAge: 300 }'})</code>, you confirm it’s you, and the deletion runs once you are back.
        </p>
        <DeleteProject />
      </div>
    </>
  );
}
