import { handleAuth } from 'authkit-stepup/server';

/**
 * The redirect URI (/app/callback/ under next.config's basePath and trailingSlash): completes
 * sign-ins and step-ups; a rejected callback explains itself on /app/auth-error/. In a route
 * handler Next neither adds the basePath to a Location nor keeps it in `request.url`
 * (/callback/ here), so the error page's path starts with AUTHKIT_BASE_PATH, the SDK's setting.
 */
export const GET = handleAuth({
  onError: ({ error, returnTo, request }) => {
    const url = new URL(`${process.env.AUTHKIT_BASE_PATH ?? ''}/auth-error/`, request.url);
    url.search = new URLSearchParams({ code: error.code, returnTo }).toString();
    return new Response(null, { status: 303, headers: { location: url.href } });
  },
});
