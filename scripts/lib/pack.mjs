// `npm pack` of the repository, as `npm publish` would upload it. Used by `npm run check:package`
// (publint and attw on the tarball) and by the Next 15 e2e setup (the app installs the tarball).
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './app.mjs';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/**
 * Packs the package (its current dist/; build first) into `destDir`, replacing any older tarball
 * there. Returns the tarball's path, its sha256 and the files it holds.
 */
export async function packPackage(destDir) {
  mkdirSync(destDir, { recursive: true });
  for (const name of readdirSync(destDir)) if (name.endsWith('.tgz')) rmSync(join(destDir, name));
  const stdout = await new Promise((resolve, reject) => {
    execFile(npm, ['pack', '--json', '--pack-destination', destDir], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 }, (error, out, err) => {
      if (error) reject(new Error(`npm pack failed: ${err || error.message}`));
      else resolve(out);
    });
  });
  const [info] = JSON.parse(stdout);
  const path = join(destDir, info.filename);
  const sha256 = createHash('sha256').update(readFileSync(path)).digest('hex');
  return { path, filename: info.filename, sha256, files: info.files.map((f) => f.path) };
}
