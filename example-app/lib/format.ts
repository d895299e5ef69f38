/** "just now", "42 s ago", "4 min ago", "3 h ago", "2 d ago". */
export function ago(epochSeconds: number, now: number = Date.now() / 1000): string {
  const s = Math.max(0, Math.round(now - epochSeconds));
  if (s < 5) return 'just now';
  if (s < 60) return `${s} s ago`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ago`;
  return `${Math.floor(h / 24)} d ago`;
}

export function isoTime(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString();
}

/** Human words for RFC 8176 authentication method references. */
const AMR_LABELS: Record<string, string> = {
  pwd: 'password',
  otp: 'one-time code',
  mfa: 'multi-factor',
  sms: 'SMS',
  hwk: 'security key',
  swk: 'software key',
  fpt: 'fingerprint',
  face: 'face',
  pin: 'PIN',
  sso: 'single sign-on',
};

export function amrLabel(method: string): string {
  return AMR_LABELS[method] ?? method;
}
