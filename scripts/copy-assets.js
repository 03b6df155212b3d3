// Non-TypeScript files the compiled apps read at run time, copied next to their compiled code.
const { cpSync } = require('node:fs');
const assets = [
  ['libs/catalogue/data', 'dist/libs/catalogue/data'],
  ['apps/api/src/dashboard/dashboard.html', 'dist/apps/api/src/dashboard/dashboard.html'],
  ['apps/api/src/dashboard/auditor.html', 'dist/apps/api/src/dashboard/auditor.html'],
  ['apps/api/src/dashboard/page-session.js', 'dist/apps/api/src/dashboard/page-session.js'],
];
for (const [from, to] of assets) cpSync(from, to, { recursive: true });
