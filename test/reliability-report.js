// jest globalTeardown: writes docs/reliability.md from the figures the tests recorded in this run
// (test/helpers/reliability.ts). Only a run of the whole suite rewrites it; a run of a few files leaves it alone.
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export default function report(globalConfig) {
  const dir = join(process.cwd(), 'test-results', 'reliability');
  if (!existsSync(dir)) return;
  const wholeSuite = (globalConfig.testPathPatterns?.patterns ?? globalConfig.testPathPattern ?? []).length === 0;
  const figures = readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)));
  if (figures.length === 0) return;
  const sections = new Map();
  for (const f of figures) {
    if (!sections.has(f.section)) sections.set(f.section, []);
    sections.get(f.section).push(f);
  }
  const escape = (s) => String(s ?? '').replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const lines = [
    '# Reliability',
    '',
    'Written by the test suite itself (`npm test`, through `test/reliability-report.js`) from what the tests measured',
    'in that run; do not edit by hand. Every row is an assertion that passed: a failing check fails the suite instead.',
    '',
    `Last full run: ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, Node ${process.version}.`,
    '',
  ];
  for (const [section, rows] of [...sections.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    lines.push(`## ${section}`, '', '| check | result | lost |', '| --- | --- | --- |');
    for (const r of rows.sort((a, b) => a.check.localeCompare(b.check))) lines.push(`| ${escape(r.check)} | ${escape(r.result)} | ${escape(r.lost ?? 'nothing')} |`);
    lines.push('');
  }
  const target = wholeSuite ? join(process.cwd(), 'docs', 'reliability.md') : join(dir, 'partial-report.md');
  writeFileSync(target, lines.join('\n'));
}
