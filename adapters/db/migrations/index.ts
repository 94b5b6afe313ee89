/**
 * Every migration, by name, in order. A static list rather than a folder read at run time, so the
 * migrations are whatever the code was built with (bundled or not). A new migration is a new numbered
 * file here and a line below; a migration that has run anywhere is never edited.
 */
import type { Migration } from 'kysely/migration';
import * as stores from './0001-stores';
import * as nextIssues from './0002-people-reviews-webhooks-read-model';
import * as readModel from './0003-read-model';
import * as reviews from './0004-reviews';
import * as webhooks from './0005-webhooks';
import * as caseNumbers from './0006-case-numbers';
import * as openItems from './0007-open-items';
import * as stepRole from './0008-step-role';
import * as itemUrges from './0009-item-urges';
import * as reviewAmendments from './0010-review-amendments';

export const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '0001-stores': stores,
  '0002-people-reviews-webhooks-read-model': nextIssues,
  '0003-read-model': readModel,
  '0004-reviews': reviews,
  '0005-webhooks': webhooks,
  '0006-case-numbers': caseNumbers,
  '0007-open-items': openItems,
  '0008-step-role': stepRole,
  '0009-item-urges': itemUrges,
  '0010-review-amendments': reviewAmendments,
};
