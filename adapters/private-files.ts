/**
 * Files that hold personal data (sealed results with names and ID numbers, uploaded scans) are the
 * owner's alone, like the seal keys: folders 0700, files 0600.
 */
import { chmod, mkdir, open } from 'node:fs/promises';

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/**
 * Makes `dir` (and missing parents) with mode 0700. An existing folder is closed too: stores made
 * before this rule, or under a looser setup, stop being readable by others from their next write.
 */
export async function ensurePrivateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  await chmod(dir, PRIVATE_DIR_MODE);
}

/** Creates `path` exclusively (`wx`) with mode 0600 and writes `content`; fails with EEXIST if it is there. */
export async function writePrivateFile(path: string, content: Buffer | string): Promise<void> {
  const file = await open(path, 'wx', PRIVATE_FILE_MODE);
  try {
    await file.chmod(PRIVATE_FILE_MODE); // the umask may have taken bits away; the mode is the mode
    await file.writeFile(content);
  } finally {
    await file.close();
  }
}
