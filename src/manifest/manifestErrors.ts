/** Turns zod issues into one line each: `<field path>: <problem>`. Pure. */
import type { z } from 'zod';

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out || '(manifest)';
}

export function formatManifestErrors(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    let message = issue.message;
    // zod's own wording ("Unrecognized key"), unless an error map (the CLI's loader) said better
    if (issue.code === 'unrecognized_keys' && message.startsWith('Unrecognized key')) {
      message = `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    }
    return `${formatPath(issue.path)}: ${message}`;
  });
}
