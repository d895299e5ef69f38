import { handleAuth } from 'authkit-stepup/server';
import { recordStepUp, recordStepUpRejected } from '@/lib/audit';

/**
 * The redirect URI (WORKOS_REDIRECT_URI=http://localhost:3000/callback). Completes sign-ins and
 * step-ups, and serves `?authkit=sign-in|step-up|refresh|sign-out` for server components.
 */
export const GET = handleAuth({
  onStepUp: recordStepUp,
  onStepUpRejected: recordStepUpRejected,
  // A rejected callback leaves the session as it was; explain why on our own page.
  onError: ({ error, returnTo }) => {
    const params = new URLSearchParams({ code: error.code, returnTo });
    return new Response(null, { status: 303, headers: { location: `/auth-error?${params}` } });
  },
});
