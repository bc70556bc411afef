#!/usr/bin/env node
// Entry point of the `lockstep` CLI. The sources are TypeScript; tsx compiles them on load,
// so a clone needs no build step (`npx lockstep <command>` works right after `npm install`).
'use strict';
require('tsx/cjs');
require('../src/cli/main.ts');
