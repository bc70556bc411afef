/** `${NAME}` references to the worker's environment in a manifest's values (header values: secrets stay out of the manifest). */
const ENV_REFERENCE = /\$\{([^}]*)\}/g;

/** The names of the `${NAME}` references of a text, in order. */
export function envReferences(text: string): string[] {
  return [...text.matchAll(ENV_REFERENCE)].map((m) => m[1]!);
}

/** The text with each `${NAME}` replaced by `lookup(NAME)`. */
export function fillEnvReferences(text: string, lookup: (name: string) => string): string {
  return text.replace(ENV_REFERENCE, (_whole, name: string) => lookup(name));
}
