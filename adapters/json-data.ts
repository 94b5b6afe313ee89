/**
 * Reading JSON that people or outside systems wrote (holiday files, sample subjects and licences,
 * answers of provincial platforms) against a zod schema, with every problem named by its JSON path.
 */
import type { z } from 'zod';

/** `['licences', 2, 'validUntil']` → `$.licences[2].validUntil`. */
export function jsonPath(path: readonly PropertyKey[]): string {
  return `$${path.map((key) => (typeof key === 'number' ? `[${key}]` : `.${String(key)}`)).join('')}`;
}

/** Every issue as `path: message`, on one line. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${jsonPath(i.path)}: ${i.message}`).join('; ');
}

export interface JsonIssue {
  path: string;
  message: string;
}

/** The text parsed and validated, or every problem (invalid JSON is one problem at `$`). */
export function parseJsonText<T>(text: string, schema: z.ZodType<T>): { data: T } | { issues: JsonIssue[] } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { issues: [{ path: '$', message: `not valid JSON: ${(err as Error).message}` }] };
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return { data: parsed.data };
  return { issues: parsed.error.issues.map((i) => ({ path: jsonPath(i.path), message: i.message })) };
}
