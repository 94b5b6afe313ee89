/**
 * Errors of the definitions layer. Each class maps to one HTTP status in `api/problems.ts`:
 * DefinitionError → 422, VersionConflictError → 409, DefinitionNotFoundError → 404.
 */

/** One problem found in a bundle definition, at an exact place, with what to do about it. */
export interface LintIssue {
  /** JSON pointer (RFC 6901) into the definition as written, e.g. "/items/2/dependsOn/0"; "" is the whole document. */
  path: string;
  /** Stable machine-readable code, e.g. "dependency-cycle" or "schema/invalid_type". */
  code: string;
  message: string;
  /** What the policy designer should do to fix it. */
  hint?: string;
  /** Errors block publishing; warnings are shown but do not. */
  severity: 'error' | 'warning';
}

/** A definition that cannot be published or compiled; `issues` holds every problem found, not just the first. */
export class DefinitionError extends Error {
  override name = 'DefinitionError';

  constructor(
    readonly issues: LintIssue[],
    message = summarize(issues),
  ) {
    super(message);
  }
}

/** An id+version that is already published with different content: published versions are immutable. */
export class VersionConflictError extends Error {
  override name = 'VersionConflictError';

  constructor(
    readonly bundleId: string,
    readonly version: number,
  ) {
    super(
      `bundle "${bundleId}" version ${version} is already published with different content; publish it as a new version`,
    );
  }
}

/** No published definition with this id (and version, when given). */
export class DefinitionNotFoundError extends Error {
  override name = 'DefinitionNotFoundError';

  constructor(
    readonly bundleId: string,
    readonly version?: number,
  ) {
    super(
      version === undefined
        ? `bundle "${bundleId}" is not published`
        : `bundle "${bundleId}" has no published version ${version}`,
    );
  }
}

function summarize(issues: LintIssue[]): string {
  const errors = issues.filter((issue) => issue.severity === 'error');
  const first = errors[0];
  if (!first) return 'invalid bundle definition';
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
  return `invalid bundle definition: ${first.path || '/'} ${first.code}: ${first.message}${more}`;
}
