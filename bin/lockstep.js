#!/usr/bin/env node
// Entry point of the `lockstep` CLI. The sources are TypeScript; tsx compiles them on load,
// so neither a clone nor an installed package needs a build step (`npx lockstep <command>` in a
// clone, `lockstep <command>` after `npm install -g lockstep-<version>.tgz`).
'use strict';
const { join } = require('node:path');

// tsx reads the tsconfig of the current directory by default: a team's own repository may have
// one meant for other code. Lockstep's sources compile with Lockstep's tsconfig, wherever it runs;
// the variable is put back at once so the programs Lockstep runs (deploy scripts) do not inherit it.
const ownTsconfig = process.env.TSX_TSCONFIG_PATH;
process.env.TSX_TSCONFIG_PATH = join(__dirname, '..', 'tsconfig.json');
require('tsx/cjs');
if (ownTsconfig === undefined) delete process.env.TSX_TSCONFIG_PATH;
else process.env.TSX_TSCONFIG_PATH = ownTsconfig;
require('../src/cli/main.ts');
