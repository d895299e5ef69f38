#!/usr/bin/env node
// `npm run check:package`: the package as npm would publish it. Builds if src/ changed, packs the
// tarball (`npm pack`), and lints the tarball — not the working tree — with
//   publint --strict            (exports/files/bin/type consistency; warnings fail too)
//   attw --profile esm-only     (every entry resolves, with types, for `node16` from ESM and for
//                                `bundler`; CommonJS `require` and node10 are not supported: the
//                                package is ESM-only)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, ensurePackageBuilt, run } from './lib/app.mjs';
import { packPackage } from './lib/pack.mjs';

const bin = (name) => join(ROOT, 'node_modules', '.bin', name);
const dir = mkdtempSync(join(tmpdir(), 'authkit-stepup-pack-'));
let failed = false;
try {
  await ensurePackageBuilt({ quiet: true });
  const tarball = await packPackage(dir);
  console.log(`› ${tarball.filename}: ${tarball.files.length} files, sha256 ${tarball.sha256.slice(0, 16)}…`);
  for (const [label, command, args] of [
    ['publint', bin('publint'), ['run', tarball.path, '--strict']],
    ['attw', bin('attw'), [tarball.path, '--profile', 'esm-only', '--format', 'ascii']],
  ]) {
    console.log(`\n› ${label} ${args.join(' ').replace(tarball.path, tarball.filename)}`);
    try {
      await run(command, args);
    } catch {
      failed = true;
      console.error(`✗ ${label} found problems in ${tarball.filename}`);
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
if (failed) process.exit(1);
console.log('\n✓ package checks passed');
