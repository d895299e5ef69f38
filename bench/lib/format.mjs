// Number formats shared by the reports: ratios, percentages, sizes, milliseconds.
export const x = (n, d = 1) => (Number.isFinite(n) ? `${n.toFixed(d)}×` : 'n/a');
export const pct = (n) => (Number.isFinite(n) ? `${(n * 100).toFixed(0)}%` : 'n/a');
export const kb = (b) => (Number.isFinite(b) ? `${(b / 1024).toFixed(2)} KB` : 'n/a');
export const ms = (n, d = 2) => (Number.isFinite(n) ? `${n.toFixed(d)} ms` : 'n/a');
