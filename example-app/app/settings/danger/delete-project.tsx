'use client';
import { useStepUp, useStepUpStatus } from 'authkit-stepup/client';
import { deleteProject } from './actions';

const PROJECT = 'acme-staging';

/** "Delete project" through `useStepUp` in redirect mode: the call resumes after the step-up. */
export function DeleteProject() {
  const status = useStepUpStatus({ maxAge: 300 }, { tick: 1_000 });
  const { run, pending, error, result } = useStepUp(deleteProject, { mode: 'redirect', id: 'delete-project' });
  const done = result && 'ok' in result && result.ok ? result : undefined;
  const failed = result && 'ok' in result && !result.ok ? result.error : error?.message;

  return (
    <div className="danger-row">
      <div>
        <h3>
          Delete project <code>{PROJECT}</code>
        </h3>
        <p>Removes the project, its environments and API keys. Needs a sign-in from the last 5 minutes.</p>
        {!status.loading ? (
          <p style={{ marginTop: 6 }} data-testid="danger-status">
            {status.satisfied ? (
              <span className="badge ok">Confirmed {status.authAge ?? 0} s ago — no prompt needed</span>
            ) : (
              <span className="badge warn">
                Last sign-in {status.authAge !== undefined ? `${Math.floor(status.authAge / 60)} min` : 'unknown time'} ago — you will be asked to confirm
              </span>
            )}
          </p>
        ) : null}
        {done ? (
          <div className="notice ok" role="status" data-testid="delete-result">
            <strong>Project {done.project} deleted.</strong>
            (This is a demo: nothing was really deleted, and the event is in the audit log.)
          </div>
        ) : null}
        {failed ? (
          <div className="notice bad" role="alert">
            {failed}
          </div>
        ) : null}
      </div>
      <button
        className="btn danger"
        type="button"
        data-testid="delete-project"
        disabled={pending}
        onClick={() => {
          run(PROJECT).catch(() => {});
        }}
      >
        {pending ? 'Deleting…' : 'Delete project'}
      </button>
    </div>
  );
}
