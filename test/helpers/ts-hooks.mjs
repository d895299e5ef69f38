// Module hooks for ts-register.mjs: `./x.js` imports resolve to `./x.ts` when that exists (the
// sources' own convention), and `.ts` files are transpiled one by one (types dropped, no checking:
// `tsc --noEmit` does that). Output is cached under node_modules/.cache by path, size and mtime:
// loading the TypeScript compiler costs a second or more of CPU per process, and the
// multi-process tests start several at once.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const CACHE = fileURLToPath(new URL('../../node_modules/.cache/authkit-stepup-ts/', import.meta.url));
let compiler;

export async function resolve(specifier, context, next) {
  if (specifier.endsWith('.js') && /^(\.|\/|file:)/.test(specifier) && context.parentURL?.startsWith('file:')) {
    const candidate = new URL(`${specifier.slice(0, -3)}.ts`, context.parentURL);
    if (existsSync(fileURLToPath(candidate))) return { url: candidate.href, shortCircuit: true };
  }
  return next(specifier, context);
}

export async function load(url, context, next) {
  if (!url.startsWith('file:') || !url.endsWith('.ts')) return next(url, context);
  const fileName = fileURLToPath(url);
  const { size, mtimeMs } = await stat(fileName);
  const cached = `${CACHE}${createHash('sha256').update(`v1\0${fileName}\0${size}\0${mtimeMs}`).digest('hex')}.js`;
  const hit = await readFile(cached, 'utf8').catch(() => undefined);
  if (hit !== undefined) return { format: 'module', source: hit, shortCircuit: true };
  compiler ??= (await import('typescript')).default;
  const { outputText } = compiler.transpileModule(await readFile(fileName, 'utf8'), {
    fileName,
    compilerOptions: { module: compiler.ModuleKind.ESNext, target: compiler.ScriptTarget.ES2022, verbatimModuleSyntax: true, inlineSourceMap: true },
  });
  await mkdir(CACHE, { recursive: true });
  const temp = `${cached}.${process.pid}.tmp`;
  await writeFile(temp, outputText);
  await rename(temp, cached);
  return { format: 'module', source: outputText, shortCircuit: true };
}
