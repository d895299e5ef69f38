// `node --import ./test/helpers/ts-register.mjs worker.ts`: lets a child process run the SDK's
// TypeScript sources as they are (what vitest does for the test process), so the multi-process
// tests exercise src/, not a possibly stale dist/.
import { register } from 'node:module';

register('./ts-hooks.mjs', import.meta.url);
