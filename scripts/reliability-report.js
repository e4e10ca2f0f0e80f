#!/usr/bin/env node
// `npm run report`: runs the whole test suite, with the fuzz at full size, and writes docs/reliability.md from the
// figures the tests recorded in that run (test/helpers/reliability.ts writes them under test-results/reliability/;
// jest's global setup clears them at the start of every run). This is the only writer of docs/reliability.md: a
// plain `npm test` never touches the working tree. If any test fails, the document is left alone.
//
// FUZZ_COUNT (default 2000, the full size) is passed through to the fuzz suite.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const FIGURES = join(ROOT, 'test-results', 'reliability');
const TARGET = join(ROOT, 'docs', 'reliability.md');

const run = spawnSync('npm', ['test'], {
  cwd: ROOT,
  stdio: 'inherit',
  env: { ...process.env, FUZZ_COUNT: process.env.FUZZ_COUNT ?? '2000' },
});
if (run.status !== 0) {
  process.stderr.write(`\nThe suite failed (exit ${run.status ?? run.signal}); docs/reliability.md left as it was.\n`);
  process.exit(1);
}
if (!existsSync(FIGURES)) {
  process.stderr.write('The suite recorded no reliability figures; docs/reliability.md left as it was.\n');
  process.exit(1);
}

const figures = readdirSync(FIGURES)
  .filter((f) => f.endsWith('.jsonl'))
  .flatMap((f) =>
    readFileSync(join(FIGURES, f), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l)),
  );
const sections = new Map();
for (const f of figures) {
  if (!sections.has(f.section)) sections.set(f.section, []);
  sections.get(f.section).push(f);
}
const escape = (s) => String(s ?? '').replace(/\|/g, '\\|').replace(/\n/g, ' ');
const lines = [
  '# Reliability',
  '',
  'Written by `npm run report` (scripts/reliability-report.js) from what the tests measured in one run of the whole',
  'suite, with the fuzz at full size; do not edit by hand. Every row is an assertion that passed: a failing check',
  'fails the suite instead, and then this file is not rewritten.',
  '',
  `Last run: ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, Node ${process.version}.`,
  '',
];
for (const [section, rows] of [...sections.entries()].sort(([a], [b]) => a.localeCompare(b))) {
  lines.push(`## ${section}`, '', '| check | result | lost |', '| --- | --- | --- |');
  for (const r of rows.sort((a, b) => a.check.localeCompare(b.check))) lines.push(`| ${escape(r.check)} | ${escape(r.result)} | ${escape(r.lost ?? 'nothing')} |`);
  lines.push('');
}
writeFileSync(TARGET, lines.join('\n'));
process.stdout.write(`wrote ${TARGET} (${figures.length} figures)\n`);
