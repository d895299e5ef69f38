import type { ChildProcess, StdioOptions } from 'node:child_process';

export const ROOT: string;
export const APP_DIR: string;
export function newestMtime(path: string): number;
export function run(command: string, args: string[], options?: { cwd?: string; env?: NodeJS.ProcessEnv; quiet?: boolean }): Promise<string>;
export function ensurePackageBuilt(options?: { force?: boolean; log?: (line: string) => void; quiet?: boolean }): Promise<number | undefined>;
export function ensureBuilt(options?: { force?: boolean; log?: (line: string) => void; quiet?: boolean }): Promise<{ packageBuildMs?: number; nextBuildMs?: number }>;
export function freePort(host?: string): Promise<number>;
export function waitForHttp(url: string, options?: { child?: ChildProcess; timeoutMs?: number }): Promise<void>;
export function devIdpEnv(
  idp: { url: string; clientId: string; apiKey: string },
  redirectUri: string,
  cookiePassword: string,
): Record<string, string>;
export interface NextServer {
  child: ChildProcess;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}
export function startNext(options: { port: number; hostname?: string; env?: Record<string, string>; stdio?: StdioOptions; cwd?: string }): NextServer;
