'use server';
import { checkStepUp, stepUpRequired } from 'authkit-stepup/server';
import { recordAction } from '@/lib/audit';

export type DeleteProjectResult = { ok: true; project: string; deletedAt: number } | { ok: false; error: string };

/** Deleting a project needs a sign-in from the last 5 minutes. */
const REQUIREMENT = { maxAge: 300 };

/**
 * Server actions are public endpoints: check here, not in the page. When the sign-in is older than
 * 5 minutes, answer `stepUpRequired(...)`; the client's `useStepUp` runs the step-up and calls this
 * action once more with the same argument.
 */
export async function deleteProject(project: string) {
  const { auth, result } = await checkStepUp(REQUIREMENT);
  if (!auth) return { ok: false, error: 'You are signed out. Sign in again.' } satisfies DeleteProjectResult;
  if (typeof project !== 'string' || !/^[a-z0-9-]{1,40}$/.test(project)) {
    return { ok: false, error: 'Unknown project.' } satisfies DeleteProjectResult;
  }
  if (!result.satisfied) {
    recordAction('project.delete.step-up-required', auth, `${project}: sign-in ${result.authAge ?? '?'} s old, needs ≤ ${REQUIREMENT.maxAge} s`);
    return stepUpRequired(REQUIREMENT);
  }
  recordAction('project.deleted', auth, project);
  // A demo: nothing is really deleted, so the page can be tried again.
  return { ok: true, project, deletedAt: Math.floor(Date.now() / 1000) } satisfies DeleteProjectResult;
}
