/**
 * Every program a release may run for a service, checked before anything is touched: it exists,
 * is a file and is executable, and its working directory exists. The programs are those of the
 * command target (deploy, rollback, current), the process target (start) and a command probe,
 * resolved as they will be spawned (src/targets/runCommand.ts): a path with '/' against the
 * working directory, a bare name on PATH. A problem is a finding, never an exception.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import type { Health, Target } from '../manifest/schema';
import { resolveProgram } from './runCommand';

export type ProgramRole = 'deploy' | 'rollback' | 'current' | 'start' | 'probe' | 'check';

/** What of a service is checked: a program in one role, or a working directory. */
export type ProgramCheckSubject = ProgramRole | 'cwd';

export interface ServicePrograms {
  service: string;
  /** The service's version: a process target's `{{version}}` in its program is replaced by it. */
  version: string;
  target: Target;
  health?: Health;
}

export interface CheckedProgram {
  service: string;
  what: ProgramCheckSubject;
  /** The resolved path (for a bare name found on PATH, where it was found). */
  path: string;
}

export interface ProgramFinding extends CheckedProgram {
  /** "does not exist", "is not executable", "is a directory", "is not a directory", "not found on PATH (...)". */
  problem: string;
}

export interface ProgramCheckResult {
  /** Everything checked, found fine or not, in the order checked. */
  checked: CheckedProgram[];
  findings: ProgramFinding[];
}

/** `path`: the PATH bare names are looked up on, when the program's own environment does not set one. */
export function checkServicePrograms(services: readonly ServicePrograms[], baseDir: string, path = process.env.PATH ?? ''): ProgramCheckResult {
  const result: ProgramCheckResult = { checked: [], findings: [] };
  for (const s of services) {
    const record = recorder(result, s.service);
    const { target } = s;
    if (target.kind === 'command' || target.kind === 'process') {
      const programs = new Map<ProgramRole, string>();
      if (target.kind === 'command') {
        programs.set('deploy', target.deploy[0]!);
        if (target.rollback) programs.set('rollback', target.rollback[0]!);
        programs.set('current', target.current[0]!);
      } else {
        programs.set('start', target.start[0]!.split('{{version}}').join(s.version));
      }
      checkProgramsIn(record, resolve(baseDir, target.cwd ?? '.'), programs, target.env?.PATH ?? path);
    }
    if (s.health?.command) record('probe', ...programProblem(s.health.command[0]!, resolve(baseDir), path));
  }
  return result;
}

/** A `command` check's program, as the release will run it. */
export interface CheckProgram {
  check: string;
  run: string[];
  cwd?: string;
  env?: Record<string, string>;
}

/** The programs of `command` checks (named `check <name>` in the findings), with their working directories. */
export function checkCheckPrograms(checks: readonly CheckProgram[], baseDir: string, path = process.env.PATH ?? ''): ProgramCheckResult {
  const result: ProgramCheckResult = { checked: [], findings: [] };
  for (const c of checks) {
    checkProgramsIn(recorder(result, `check ${c.check}`), resolve(baseDir, c.cwd ?? '.'), new Map([['check', c.run[0]!]]), c.env?.PATH ?? path);
  }
  return result;
}

type RecordFinding = (what: ProgramCheckSubject, resolved: string, problem: string | undefined) => void;

/** Records into `result` what was checked for one service (or `check <name>`), and what is wrong. */
function recorder(result: ProgramCheckResult, service: string): RecordFinding {
  return (what, resolved, problem) => {
    result.checked.push({ service, what, path: resolved });
    if (problem) result.findings.push({ service, what, path: resolved, problem });
  };
}

/** A working directory and the programs run from it, each recorded with what is wrong with it. */
function checkProgramsIn(record: RecordFinding, cwd: string, programs: ReadonlyMap<ProgramRole, string>, searchPath: string): void {
  const cwdProblem = directoryProblem(cwd);
  record('cwd', cwd, cwdProblem);
  for (const [role, program] of programs) {
    // relative to a missing directory, every program would be missing too: the cwd finding says it
    if (cwdProblem && !isAbsolute(program) && program.includes('/')) continue;
    record(role, ...programProblem(program, cwd, searchPath));
  }
}

function directoryProblem(dir: string): string | undefined {
  try {
    return statSync(dir).isDirectory() ? undefined : 'is not a directory';
  } catch {
    return 'does not exist';
  }
}

/** The program as it will be spawned from `cwd`, and what is wrong with it. */
function programProblem(program: string, cwd: string, searchPath: string): [string, string | undefined] {
  if (program.includes('/')) {
    const file = resolveProgram(program, cwd);
    return [file, fileProblem(file)];
  }
  let notExecutable: string | undefined;
  for (const dir of searchPath.split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, program);
    const problem = fileProblem(candidate);
    if (problem === undefined) return [candidate, undefined];
    // as execvp does: a file that cannot be run is passed over, but remembered as the reason
    if (problem === 'is not executable') notExecutable ??= candidate;
  }
  if (notExecutable) return [notExecutable, 'is not executable'];
  return [program, `not found on PATH (${searchPath || 'empty'})`];
}

function fileProblem(file: string): string | undefined {
  let isDirectory: boolean;
  try {
    isDirectory = statSync(file).isDirectory();
  } catch {
    return 'does not exist';
  }
  if (isDirectory) return 'is a directory';
  try {
    accessSync(file, constants.X_OK);
    return undefined;
  } catch {
    return 'is not executable';
  }
}
