#!/usr/bin/env node
// Fails when package-lock.json has an entry a new machine cannot install from: npm 11 aborts
// `npm ci` with "Invalid Version:" on an entry without `version` (seen with the platform-specific
// optional binaries of unrs-resolver; npm/cli#8805), and an entry without `integrity` installs
// unverified. Links (workspaces) carry neither and are fine. Run by `npm test`.
'use strict';
const { readFileSync } = require('node:fs');
const { join } = require('node:path');

const file = join(__dirname, '..', 'package-lock.json');
const lock = JSON.parse(readFileSync(file, 'utf8'));
const problems = [];
if (lock.lockfileVersion < 2) problems.push(`lockfileVersion ${lock.lockfileVersion}: regenerate with npm ≥ 7`);
for (const [path, entry] of Object.entries(lock.packages ?? {})) {
  if (path === '' || entry.link) continue;
  if (!entry.version) problems.push(`${path}: no "version"`);
  // Registry packages carry an integrity hash; git and file dependencies (resolved to git+… or file:) do not.
  const fromRegistry = !entry.resolved || /^https?:/.test(entry.resolved);
  if (fromRegistry && !entry.integrity) problems.push(`${path}: no "integrity"`);
}
if (problems.length) {
  console.error(`package-lock.json has ${problems.length} incomplete entries; \`npm ci\` fails or installs unverified on a new machine:`);
  for (const p of problems.slice(0, 30)) console.error(`  ${p}`);
  console.error('Fix: delete those entries and run `npm install --package-lock-only`.');
  process.exit(1);
}
console.log(`package-lock.json: ${Object.keys(lock.packages ?? {}).length - 1} entries, all with version and integrity`);
