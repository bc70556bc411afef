/**
 * The live plan as text: the verdict, the waves with each service's current -> target version,
 * the programs checked with every problem, and every preflight check's verdict. Pure.
 */
import type { LivePlan, LivePlanService } from './livePlan';

export function formatLivePlan(plan: LivePlan): string {
  const lines = [`plan (live) of ${plan.environment}: ${plan.wouldStart ? 'would start' : `would be rejected: ${plan.rejection ?? 'a preflight check failed'}`}`];
  const width = Math.max(0, ...plan.services.map((s) => s.name.length));
  plan.waves.forEach((wave, i) => {
    lines.push(`wave ${i + 1}: ${wave.join(', ')}`);
    for (const s of plan.services.filter((x) => x.wave === i + 1)) lines.push(`  ${s.name.padEnd(width)}  ${versionChange(s)}`);
  });
  lines.push(`programs checked: ${plan.programs.checked}, problems: ${plan.programs.findings.length}`);
  for (const f of plan.programs.findings) lines.push(`  ${f.service}: ${f.what === 'cwd' ? 'working directory' : `${f.what} program`} ${f.path} ${f.problem}`);
  lines.push('preflight checks:');
  for (const c of plan.checks) lines.push(`  ${c.check}: ${c.passed ? 'passed' : 'failed'} (${c.detail})`);
  lines.push(`nothing was touched (${plan.workflowId})`);
  return lines.join('\n');
}

/** `1.0.0 -> 2.0.0`, `2.0.0 unchanged`, `(nothing) -> 1.0.0`, `(unreadable: why) -> 2.0.0`. */
function versionChange(s: LivePlanService): string {
  if (s.change === 'unchanged') return `${s.target} unchanged`;
  if (s.change === 'unknown') return `(unreadable: ${s.readError ?? 'no answer'}) -> ${s.target}`;
  return `${s.current || '(nothing)'} -> ${s.target}`;
}
