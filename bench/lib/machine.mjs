import { cpus, loadavg, totalmem, platform, release, arch } from 'node:os';

/** What the numbers were measured on. */
export function machine() {
  const list = cpus();
  return {
    cpu: list[0]?.model?.trim() ?? 'unknown',
    cores: list.length,
    speedMHz: list[0]?.speed ?? 0,
    memGB: +(totalmem() / 2 ** 30).toFixed(1),
    os: `${platform()} ${release()} ${arch()}`,
    node: process.version,
    loadavg: loadavg().map((l) => +l.toFixed(2)),
  };
}
