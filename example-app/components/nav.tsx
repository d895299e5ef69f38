'use client';
import Link from 'next/link';
import { usePathname } from 'next/navigation';

const item = (active: boolean) => (active ? 'active' : undefined);

export function Nav() {
  const path = usePathname();
  const on = (prefix: string) => item(prefix === '/' ? path === '/' : path === prefix || path.startsWith(`${prefix}/`));
  return (
    <nav className="nav">
      <Link href="/" className={on('/')}>
        Overview
      </Link>
      <div className="nav-label">Workspace</div>
      {/* Prefetched on purpose: the proxy answers a prefetch (or the router's RSC fetch) of a
          section that needs a step-up with 204 and seals nothing; the click then navigates the
          document, which the proxy sends through the step-up. */}
      <Link href="/account" prefetch className={on('/account')} data-testid="nav-account">
        Account <span className="tag">MFA · 60 s</span>
      </Link>
      <Link href="/settings/billing" className={on('/settings/billing')}>
        Billing <span className="tag">popup</span>
      </Link>
      <Link href="/settings/danger" className={on('/settings/danger')}>
        Danger zone <span className="tag">5 min</span>
      </Link>
      <div className="nav-label">Compliance</div>
      <Link href="/audit" className={on('/audit')}>
        Audit log
      </Link>
      <a href="/api/keys">API keys (JSON)</a>
    </nav>
  );
}
