/**
 * A credit provider for tests: the repository's sample subjects, broken-commitment records in a
 * fresh temporary directory.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_CREDIT_SAMPLE_FILE, FileCreditProvider } from '../../adapters/credit';

export function testCreditProvider(): FileCreditProvider {
  return new FileCreditProvider(DEFAULT_CREDIT_SAMPLE_FILE, mkdtempSync(join(tmpdir(), 'yjs-credit-')));
}
