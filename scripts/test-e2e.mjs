#!/usr/bin/env node
// `npm run test:e2e`: the end-to-end suite needs a Chromium binary. Without one it says so and
// passes, so `npm test` still works on a laptop without a browser; `.ci/run` installs Chromium.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './lib/app.mjs';

const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!existsSync(chromium)) {
  console.log(`e2e: skipped: no chromium at ${chromium} (install it, e.g. \`apt-get install chromium\`, or set CHROMIUM_PATH)`);
  process.exit(0);
}

const vitest = join(ROOT, 'node_modules', 'vitest', 'vitest.mjs');
// `--config vitest.e2e-next15.config.ts` runs the Next 15 suite instead (npm run test:e2e:next15).
const args = process.argv.slice(2);
const config = args.some((a) => a === '--config' || a.startsWith('--config=')) ? [] : ['--config', 'vitest.e2e.config.ts'];
const child = spawn(process.execPath, [vitest, 'run', ...config, ...args], {
  cwd: ROOT,
  stdio: 'inherit',
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
