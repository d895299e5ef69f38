// `npm run bench -- --only <sections>`: updates BENCHMARKS.md in place instead of rewriting it.
import { MISS_NOTES, renderMarkdown, verdicts } from './report.mjs';

const SECTION_NUMBERS = { session: 1, refresh: 2, cookie: 3, client: 4, http: 5 };

/** Splits a Markdown document into its preamble and `## ` blocks (each: heading line + body lines). */
function blocks(markdown) {
  const out = [{ heading: '', lines: [] }];
  for (const line of markdown.split('\n')) {
    if (line.startsWith('## ')) out.push({ heading: line, lines: [line] });
    else out[out.length - 1].lines.push(line);
  }
  return out;
}

/**
 * A run of some sections only (`--only`): their `## N.` sections and their target rows replace
 * those in `existing` (BENCHMARKS.md); everything else stays as the last full run wrote it. Each
 * replaced section says which run it comes from, and the header lists those partial updates.
 */
export function mergeMarkdown(existing, env, results) {
  const fresh = blocks(renderMarkdown(env, results));
  const doc = blocks(existing);
  const m = env.machine;
  for (const [name, r] of Object.entries(results)) {
    if (!r || r.error) continue;
    const prefix = `## ${SECTION_NUMBERS[name]}. `;
    const block = fresh.find((b) => b.heading.startsWith(prefix));
    if (!block) continue;
    const note = `> **Re-run alone** by \`${env.command}\` on ${env.startedAt}: ${m.cpu}, ${m.cores} cores, Node ${m.node}; load average ${m.loadavg.join(' / ')} at start, ${env.loadavgEnd.join(' / ')} at end; ${env.sectionSeconds[name]} s. The other sections come from the run described at the top.`;
    const lines = [block.lines[0], '', note, ...block.lines.slice(1)];
    const at = doc.findIndex((b) => b.heading.startsWith(prefix));
    if (at >= 0) doc[at] = { heading: block.heading, lines };
    else doc.splice(Math.max(1, doc.findIndex((b) => b.heading === '## Reproducing')), 0, { heading: block.heading, lines });
  }

  // The reproduction commands are static text: take the current ones.
  const repro = fresh.find((b) => b.heading === '## Reproducing');
  const reproAt = doc.findIndex((b) => b.heading === '## Reproducing');
  if (repro && reproAt >= 0) doc[reproAt] = repro;

  // Target rows of the sections that ran: replaced in place, new ones after the last replaced one.
  const targets = doc.find((b) => b.heading === '## Targets');
  if (targets) {
    const verdictsNow = verdicts(results);
    const rowOf = (t) => `| ${t.target} | ${t.measured} | ${t.pass ? '**pass**' : `**MISSED** — ${t.miss}`} |`;
    let after = -1;
    for (const t of verdictsNow) {
      const i = targets.lines.findIndex((l) => l.startsWith(`| ${t.target} |`));
      if (i >= 0) {
        targets.lines[i] = rowOf(t);
        after = i;
      } else {
        const lastRow = after >= 0 ? after : targets.lines.reduce((last, l, k) => (l.startsWith('| ') ? k : last), -1);
        targets.lines.splice(lastRow + 1, 0, rowOf(t));
        after = lastRow + 1;
      }
    }
    // Missed-target notes: drop those of the targets just measured, add their misses.
    const missed = verdictsNow.filter((t) => !t.pass).map((t) => `- **${t.target}** — ${t.miss}. ${MISS_NOTES[t.id] ?? ''}`);
    const measured = new Set(verdictsNow.map((t) => `- **${t.target}** —`));
    targets.lines = targets.lines.filter((l) => ![...measured].some((p) => l.startsWith(p)));
    let head = targets.lines.indexOf('### Missed targets');
    if (missed.length) {
      if (head < 0) {
        targets.lines.push('### Missed targets', '');
        head = targets.lines.length - 2;
      }
      targets.lines.splice(head + 2, 0, ...missed);
    } else if (head >= 0 && !targets.lines.slice(head + 1).some((l) => l.startsWith('- **'))) {
      targets.lines.splice(head, 2);
    }
  }

  // The header names every section that was re-run alone since the full run.
  const text = doc.map((b) => b.lines.join('\n')).join('\n');
  const partial = [...text.matchAll(/^## (\d+)\. .*\n\n> \*\*Re-run alone\*\* by `([^`]*)` on (\S+):/gm)].map((x) => `section ${x[1]} on ${x[3]} (\`${x[2]}\`)`);
  const pre = doc[0].lines;
  const rowAt = pre.findIndex((l) => l.startsWith('| Partial updates |'));
  const row = `| Partial updates | ${partial.join('; ')} |`;
  if (rowAt >= 0) pre[rowAt] = row;
  else {
    const durationAt = pre.findIndex((l) => l.startsWith('| Duration |'));
    if (durationAt >= 0) pre.splice(durationAt + 1, 0, row);
  }
  return doc.map((b) => b.lines.join('\n')).join('\n');
}
