/**
 * Is this interface loopback? The dev IdP's fixed CLI credentials and its demo
 * passwords are public, so anything reachable from the network gets random
 * credentials and a warning instead.
 */
import { isIP } from 'node:net';

/** An address as `server.address()` reports it: IPv4 127.0.0.0/8, `::1`, or IPv4-mapped 127.x. */
export function isLoopbackAddress(address: string): boolean {
  const bare = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  const lower = bare.toLowerCase();
  if (isIP(lower) === 4) return lower.startsWith('127.');
  if (isIP(lower) === 6) {
    if (lower === '::1' || lower === '0:0:0:0:0:0:0:1') return true;
    const mapped = /^(?:0{0,4}:){0,5}(?:0{0,4}:)?ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
    return mapped !== null && isIP(mapped[1]!) === 4 && mapped[1]!.startsWith('127.');
  }
  return false;
}

/**
 * A `--host` value that can only bind loopback: `localhost` or a loopback address.
 * Any other name is treated as reachable from the network (it may resolve anywhere).
 */
export function isLoopbackHost(host: string): boolean {
  const lower = host.trim().toLowerCase().replace(/\.$/, '');
  return lower === 'localhost' || isLoopbackAddress(lower);
}
