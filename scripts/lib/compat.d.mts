import type { PackedTarball } from './pack.mjs';

export const COMPAT_SRC: string;
export function compatWorkDir(): string;
export interface MiddlewareBuild {
  runtime: 'edge';
  name: string;
  matchers: string[];
}
export interface CompatApp {
  appDir: string;
  tarball: PackedTarball;
  nextVersion: string;
  reactVersion: string;
  middleware: MiddlewareBuild;
  timings: Partial<Record<'packageBuildMs' | 'packMs' | 'npmCiMs' | 'installTarballMs' | 'nextBuildMs', number>>;
}
export function prepareCompatApp(options?: { nextVersion?: string; log?: (line: string) => void; logFile?: string }): Promise<CompatApp>;
export function middlewareBuild(appDir: string): MiddlewareBuild;
