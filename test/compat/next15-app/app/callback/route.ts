import { handleAuth } from 'authkit-stepup/server';

/** The redirect URI: completes sign-ins and step-ups; a rejected callback explains itself on /auth-error. */
export const GET = handleAuth({
  onError: ({ error, returnTo }) => {
    const params = new URLSearchParams({ code: error.code, returnTo });
    return new Response(null, { status: 303, headers: { location: `/auth-error?${params}` } });
  },
});
