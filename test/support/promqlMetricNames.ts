/**
 * The metric names a PromQL expression reads, by a simple tokenizer (not a parser): strings, label
 * matchers `{...}`, ranges `[...]`, label lists after `by`/`without`/`on`/`ignoring`/`group_*` and
 * `offset` durations and numbers are dropped; what is left is identifiers, and an identifier not followed by `(` that is
 * not a keyword is a metric name. Enough for dashboards; Grafana's `$variables` may stand in
 * strings and ranges only.
 */
const KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'and', 'or', 'unless', 'bool', 'offset', 'inf', 'nan', 'atan2']);

export function promqlMetricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, ' ')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\boffset\s+-?[\dsmhdwy]+/gi, ' ')
    .replace(/(?<![\w:])(?:0x[0-9a-f]+|\d*\.?\d+(?:e[+-]?\d+)?)(?![\w:])/gi, ' ');
  const names = new Set<string>();
  for (const match of bare.matchAll(/[a-zA-Z_:][\w:]*/g)) {
    const name = match[0];
    const next = bare.slice(match.index + name.length).trimStart();
    if (next.startsWith('(') || KEYWORDS.has(name.toLowerCase())) continue;
    names.add(name);
  }
  return [...names];
}
