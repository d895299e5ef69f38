// `node --import ./test/helpers/next-stubs-register.mjs …` (the bench: bench/lib/register-stubs.mjs),
// or imported first by a test: Next's modules stubbed as next-stubs-hooks.mjs says. ts-register comes first
// because `next/headers` resolves to a TypeScript file; importing it again elsewhere is a no-op.
import { register } from 'node:module';
import './ts-register.mjs';

register('./next-stubs-hooks.mjs', import.meta.url);
