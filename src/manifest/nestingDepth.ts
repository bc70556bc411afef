/**
 * How deeply a parsed document nests. Measured without recursion, so a hostile document (thousands
 * of nested lists) cannot overflow the stack here, nor later in structuredClone or JSON.stringify
 * (which recurse, and would throw a RangeError instead of a manifest error). Pure.
 */

/** The deepest manifest the schema can use is about 8 levels; this leaves room for expectJson bodies. */
export const MAX_NESTING_DEPTH = 64;

/** True when `value` nests more than `limit` levels of objects/arrays. */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  const stack: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  while (stack.length > 0) {
    const { value: current, depth } = stack.pop()!;
    if (current === null || typeof current !== 'object') continue;
    if (depth + 1 > limit) return true;
    for (const child of Object.values(current)) stack.push({ value: child, depth: depth + 1 });
  }
  return false;
}
