/**
 * The dev IdP's HTML: login, one-time code, errors, signed out. Self-contained
 * (inline CSS, no scripts, no external assets); every interpolated value is escaped.
 */
import type { DevUser } from './types.js';

export function escapeHtml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const STYLE = `
*{box-sizing:border-box}
body{margin:0;min-height:100vh;display:flex;flex-direction:column;align-items:center;
 font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f4f5f7;color:#1f2330}
.banner{width:100%;padding:8px 16px;text-align:center;background:#fff4d6;color:#6b4e00;
 border-bottom:1px solid #f0d78c;font-size:13px;font-weight:600}
main{width:100%;max-width:400px;margin:48px 16px}
.card{background:#fff;border:1px solid #e3e5ea;border-radius:12px;padding:28px;box-shadow:0 1px 3px rgba(0,0,0,.05)}
h1{font-size:20px;margin:0 0 4px}
p.sub{margin:0 0 20px;color:#5b6170}
label{display:block;font-weight:600;font-size:13px;margin:14px 0 6px}
input[type=email],input[type=password],input[type=text]{width:100%;padding:10px 12px;font:inherit;
 border:1px solid #c9cdd6;border-radius:8px;background:#fff}
input:focus{outline:2px solid #6366f1;outline-offset:1px;border-color:#6366f1}
input.code{letter-spacing:.4em;font-size:20px;text-align:center;font-variant-numeric:tabular-nums}
button{width:100%;margin-top:20px;padding:11px;font:inherit;font-weight:600;color:#fff;background:#4f46e5;
 border:0;border-radius:8px;cursor:pointer}
button:hover{background:#4338ca}
.error{margin:0 0 12px;padding:10px 12px;border-radius:8px;background:#fdecec;color:#9b1c1c;border:1px solid #f5c2c2}
.hint{margin-top:20px;font-size:13px;color:#5b6170}
.hint table{width:100%;border-collapse:collapse;margin-top:6px}
.hint td{padding:4px 6px;border-top:1px solid #eceef2}
code{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:12.5px;background:#f1f2f5;padding:1px 4px;border-radius:4px}
footer{margin:24px 0;font-size:12px;color:#8a909c}
`;

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)} · authkit-stepup dev IdP</title>
<style>${STYLE}</style>
</head>
<body>
<div class="banner" role="note">Dev identity provider — not for production</div>
<main>
<div class="card">
${body}
</div>
<footer>authkit-stepup · local WorkOS-compatible identity provider</footer>
</main>
</body>
</html>`;
}

function errorBox(error: string | undefined): string {
  return error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : '';
}

function demoUsers(users: readonly DevUser[]): string {
  const rows = users
    .map(
      (u) =>
        `<tr><td><code>${escapeHtml(u.email)}</code></td><td><code>${escapeHtml(u.password)}</code></td>` +
        `<td>${u.mfa ? `MFA code <code>${escapeHtml(u.mfa.code)}</code>` : 'no MFA'}</td></tr>`,
    )
    .join('');
  return `<div class="hint">Demo users<table>${rows}</table></div>`;
}

export interface LoginPageInput {
  pendingId: string;
  email: string | undefined;
  error?: string;
  users: readonly DevUser[];
  /** `screen_hint=sign-up` only changes the wording: the dev IdP has no sign-up. */
  signUp?: boolean;
  /** Shown when the app asked for a fresh login (`max_age`). */
  reauthenticate?: boolean;
}

export function loginPage(input: LoginPageInput): string {
  const title = input.reauthenticate ? 'Confirm it’s you' : input.signUp ? 'Sign up' : 'Sign in';
  const sub = input.reauthenticate
    ? 'This action needs a recent sign-in. Enter your password again.'
    : input.signUp
      ? 'The dev identity provider has no sign-up: use a demo account.'
      : 'Sign in to continue to the app.';
  const email = input.email ?? '';
  return layout(
    title,
    `<h1>${escapeHtml(title)}</h1>
<p class="sub">${escapeHtml(sub)}</p>
${errorBox(input.error)}
<form method="post" action="/dev-idp/login">
<input type="hidden" name="pending" value="${escapeHtml(input.pendingId)}">
<label for="email">Email</label>
<input id="email" name="email" type="email" autocomplete="username" required value="${escapeHtml(email)}"${email ? '' : ' autofocus'}>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required${email ? ' autofocus' : ''}>
<button type="submit">Continue</button>
</form>
${demoUsers(input.users)}`,
  );
}

export interface MfaPageInput {
  pendingId: string;
  email: string;
  error?: string;
  /** The enrolled code, shown as a hint: this is a dev tool. */
  codeHint: string;
}

export function mfaPage(input: MfaPageInput): string {
  return layout(
    'Two-factor authentication',
    `<h1>Two-factor authentication</h1>
<p class="sub">Enter the one-time code from your authenticator app for <strong>${escapeHtml(input.email)}</strong>.</p>
${errorBox(input.error)}
<form method="post" action="/dev-idp/mfa">
<input type="hidden" name="pending" value="${escapeHtml(input.pendingId)}">
<label for="code">One-time code</label>
<input id="code" class="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" required autofocus>
<button type="submit">Verify</button>
</form>
<div class="hint">Dev hint: the code is <code>${escapeHtml(input.codeHint)}</code>.</div>`,
  );
}

/** A request the IdP refuses; it never redirects anywhere from here. */
export function errorPage(title: string, detail: string): string {
  return layout(
    title,
    `<h1>${escapeHtml(title)}</h1>
${errorBox(detail)}
<p class="sub">The dev identity provider did not redirect back to the application, because the request could not be trusted. Fix the sign-in URL the application builds and try again.</p>`,
  );
}

/**
 * The logout ended the session but will not follow `return_to`: its origin is not
 * one of the registered redirect URIs' (an open redirect otherwise).
 */
export function returnToRefusedPage(returnTo: string, allowedOrigins: readonly string[], reason: string): string {
  const allowed = allowedOrigins.length
    ? allowedOrigins.map((o) => `<code>${escapeHtml(o)}</code>`).join(', ')
    : 'none';
  return layout(
    'return_to not allowed',
    `<h1>Signed out, but not redirected</h1>
${errorBox(`return_to "${returnTo}" ${reason}`)}
<p class="sub">Your dev identity provider session has ended. The identity provider only sends the browser back to an origin of a registered redirect URI, so that its logout link cannot be used to send people to another site. Allowed origins: ${allowed}.</p>
<p class="sub">Fix the <code>return_to</code> the application sends, or start the dev identity provider with a redirect URI on that origin.</p>`,
  );
}

export function signedOutPage(): string {
  return layout(
    'Signed out',
    `<h1>Signed out</h1>
<p class="sub">Your dev identity provider session has ended. You can close this tab.</p>`,
  );
}
