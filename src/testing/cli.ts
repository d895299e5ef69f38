#!/usr/bin/env node
/**
 * Bin entry `authkit-stepup-dev-idp`. The logic lives in `cli-run.ts`.
 */
import { USAGE, runDevIdpCli } from './cli-run.js';

runDevIdpCli(process.argv.slice(2), { handleSignals: true }).catch((err: unknown) => {
  const message = err instanceof Error ? err.message : String(err);
  console.error(`authkit-stepup-dev-idp: ${message}`);
  // Flag errors (parseArgs and ours are TypeErrors) deserve the usage text.
  if (err instanceof TypeError) console.error(`\n${USAGE}`);
  process.exit(1);
});
