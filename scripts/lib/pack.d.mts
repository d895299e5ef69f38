export interface PackedTarball {
  path: string;
  filename: string;
  sha256: string;
  files: string[];
}
export function packPackage(destDir: string): Promise<PackedTarball>;
