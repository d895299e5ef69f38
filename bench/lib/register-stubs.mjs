// `node --import ./bench/lib/register-stubs.mjs ...`: see stub-hooks.mjs.
import { register } from 'node:module';

register('./stub-hooks.mjs', import.meta.url);
