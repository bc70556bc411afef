#!/usr/bin/env node
// Installs node modules when they are missing or older than package-lock.json, so that
// `npm test` and `npm run demo` work on a fresh clone. Uses only Node built-ins.
'use strict';
const { existsSync, statSync } = require('node:fs');
const { join } = require('node:path');
const { spawnSync } = require('node:child_process');

const root = join(__dirname, '..');
const lock = join(root, 'package-lock.json');
const marker = join(root, 'node_modules', '.package-lock.json');
const stale = !existsSync(marker) || statSync(marker).mtimeMs < statSync(lock).mtimeMs;
if (stale) {
  console.error('lockstep: installing node modules (npm ci)...');
  const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error('lockstep: npm ci failed; see the output above');
    process.exit(r.status ?? 1);
  }
}
