/**
 * Department key pairs for electronic seals (SM2, curve sm2p256v1).
 *
 * `FileKeyStore(dir)` keeps one pair per department as `<dir>/<department>.key.pem` (PKCS#8, mode
 * 0600) and `<dir>/<department>.pub.pem` (SPKI). A pair is generated on first use and never again:
 * once a private key file is there it is the department's key, whoever put it there. So a province
 * configures its own keys by placing the files before the first seal: `YJS_SEAL_KEYS_DIR` names the
 * directory, and its files may be keys exported from an HSM or issued with a CA certificate
 * (`<department>.pub.pem` may then be the X.509 certificate in PEM; it must match the private key).
 * A verifier needs only the `.pub.pem` files.
 *
 * Creation is safe against racing processes: each writes a complete temporary file and hard-links
 * it into place, which fails if the name exists; the loser discards its pair and reads the winner's.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { chmod, link, mkdir, open, readFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { keyIdOf, toSm2PrivateKey } from '../domain/seal';

/** The directory of department key files. */
export const SEAL_KEYS_DIR_ENV = 'YJS_SEAL_KEYS_DIR';

export interface DepartmentKeyPair {
  /** OpenSSL type SM2 (see `toSm2PrivateKey`). */
  privateKey: KeyObject;
  publicKey: KeyObject;
  keyId: string;
}

export interface PublicKeyEntry {
  department: string;
  keyId: string;
  /** SPKI PEM. */
  publicKeyPem: string;
}

export interface KeyStore {
  /** The department's key pair, generated on first use. */
  keyPairFor(department: string): Promise<DepartmentKeyPair>;
  /** The public key with this id, if the store has it; never generates. */
  publicKeyById(keyId: string): Promise<KeyObject | undefined>;
  /** Every department's public key, by department. */
  publicKeys(): Promise<PublicKeyEntry[]>;
  /**
   * The department's public key, if the store has one; never generates. Reads that department's
   * key only: what a verifier of a seal naming the department needs. Undefined for a name that is
   * not a department id.
   */
  departmentKey(department: string): Promise<KeyObject | undefined>;
}

/** The store of `YJS_SEAL_KEYS_DIR`, or of `defaultDir` when it is not set. */
export function keyStoreFromEnv(defaultDir: string, env: NodeJS.ProcessEnv = process.env): FileKeyStore {
  return new FileKeyStore(env[SEAL_KEYS_DIR_ENV] || defaultDir);
}

/** Same shape as a definition's department slug; it is also a file name. */
const DEPARTMENT = /^[a-z0-9][a-z0-9-]{0,62}$/;

function checkDepartment(department: string): void {
  if (!DEPARTMENT.test(department)) {
    throw new TypeError(`not a department id (lower-case letters, digits, dashes): ${JSON.stringify(department)}`);
  }
}

function generatePair(): { privateKeyPem: string } {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'SM2' });
  return { privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string };
}

function pairFrom(privateKeyPem: string): DepartmentKeyPair {
  const privateKey = toSm2PrivateKey(createPrivateKey(privateKeyPem));
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKey, keyId: keyIdOf(publicKey) };
}

function spkiPem(publicKey: KeyObject): string {
  return publicKey.export({ type: 'spki', format: 'pem' }) as string;
}

/** Keys in memory, for tests and throw-away runs: gone with the process, and so are the seals' keys. */
export class MemoryKeyStore implements KeyStore {
  private readonly pairs = new Map<string, DepartmentKeyPair>();

  async keyPairFor(department: string): Promise<DepartmentKeyPair> {
    checkDepartment(department);
    let pair = this.pairs.get(department);
    if (!pair) {
      pair = pairFrom(generatePair().privateKeyPem);
      this.pairs.set(department, pair);
    }
    return pair;
  }

  async publicKeyById(keyId: string): Promise<KeyObject | undefined> {
    return [...this.pairs.values()].find((p) => p.keyId === keyId)?.publicKey;
  }

  async departmentKey(department: string): Promise<KeyObject | undefined> {
    return this.pairs.get(department)?.publicKey;
  }

  async publicKeys(): Promise<PublicKeyEntry[]> {
    return [...this.pairs.entries()]
      .map(([department, p]) => ({ department, keyId: p.keyId, publicKeyPem: spkiPem(p.publicKey) }))
      .sort((a, b) => a.department.localeCompare(b.department));
  }
}

const PRIVATE_SUFFIX = '.key.pem';
const PUBLIC_SUFFIX = '.pub.pem';

/** A public key read from a file, with the file's text it was parsed from. */
interface KeyFile {
  pem: string;
  entry: PublicKeyEntry;
  publicKey: KeyObject;
}

/** Key files in a directory; see the module comment. */
export class FileKeyStore implements KeyStore {
  /** One load per department at a time in this process; a failed load is retried on the next call. */
  private readonly loading = new Map<string, Promise<DepartmentKeyPair>>();
  /**
   * The keys read so far, by file path. Every public verification reads its key: the file is read
   * each time, but parsed only when its text changed (parsing and exporting cost ~0.25 ms a key),
   * and the same key object is handed out again (its exports are cached by `seal.ts`).
   */
  private readonly read = new Map<string, KeyFile>();

  constructor(readonly dir: string) {}

  keyPairFor(department: string): Promise<DepartmentKeyPair> {
    try {
      checkDepartment(department);
    } catch (err) {
      return Promise.reject(err);
    }
    let pending = this.loading.get(department);
    if (!pending) {
      pending = this.loadOrCreate(department);
      this.loading.set(department, pending);
      pending.catch(() => this.loading.delete(department));
    }
    return pending;
  }

  async publicKeyById(keyId: string): Promise<KeyObject | undefined> {
    return (await this.scan()).find((key) => key.entry.keyId === keyId)?.publicKey;
  }

  async publicKeys(): Promise<PublicKeyEntry[]> {
    return (await this.scan()).map((key) => key.entry);
  }

  async departmentKey(department: string): Promise<KeyObject | undefined> {
    if (!DEPARTMENT.test(department)) return undefined;
    const key =
      (await this.readKey(department, join(this.dir, department + PUBLIC_SUFFIX))) ??
      (await this.readKey(department, join(this.dir, department + PRIVATE_SUFFIX)));
    return key?.publicKey;
  }

  private async loadOrCreate(department: string): Promise<DepartmentKeyPair> {
    const privatePath = join(this.dir, department + PRIVATE_SUFFIX);
    let privateKeyPem = await readIfExists(privatePath);
    if (privateKeyPem === undefined) {
      await mkdir(this.dir, { recursive: true, mode: 0o700 });
      await this.placeOnce(privatePath, generatePair().privateKeyPem, 0o600);
      privateKeyPem = await readFile(privatePath, 'utf8'); // ours, or the pair of a process that won
    }
    const pair = pairFrom(privateKeyPem);
    const publicPath = join(this.dir, department + PUBLIC_SUFFIX);
    let publicKeyPem = await readIfExists(publicPath);
    if (publicKeyPem === undefined) {
      await this.placeOnce(publicPath, spkiPem(pair.publicKey), 0o644);
      publicKeyPem = await readFile(publicPath, 'utf8');
    }
    if (keyIdOf(createPublicKey(publicKeyPem)) !== pair.keyId) {
      throw new Error(`${publicPath} is not the public key of ${privatePath}`);
    }
    return pair;
  }

  /** Writes `content` at `path` unless a file is there already; either way a whole file is there after. */
  private async placeOnce(path: string, content: string, mode: number): Promise<void> {
    const temp = join(this.dir, `.tmp-${randomUUID()}`);
    try {
      const file = await open(temp, 'wx', mode);
      try {
        await file.writeFile(content);
        await file.sync();
      } finally {
        await file.close();
      }
      await chmod(temp, mode); // the umask may have taken bits away; the mode is the mode
      await link(temp, path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    } finally {
      await rm(temp, { force: true });
    }
  }

  /** Every department with a key file, public preferred (a verifier has only those), by department. */
  private async scan(): Promise<KeyFile[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const present = new Set(names);
    const files = new Map<string, string>(); // department → its public file, else its private one
    for (const name of [...names].sort()) {
      for (const suffix of [PRIVATE_SUFFIX, PUBLIC_SUFFIX]) {
        const department = name.slice(0, -suffix.length);
        if (!name.endsWith(suffix) || !DEPARTMENT.test(department)) continue;
        const publicName = department + PUBLIC_SUFFIX;
        files.set(department, join(this.dir, present.has(publicName) ? publicName : department + PRIVATE_SUFFIX));
      }
    }
    const keys = await Promise.all([...files].map(([department, path]) => this.readKey(department, path)));
    const paths = new Set(files.values());
    for (const path of this.read.keys()) if (!paths.has(path)) this.read.delete(path);
    return keys.filter((key): key is KeyFile => key !== undefined);
  }

  /** The key in `path`, parsed again only if the file's text changed; undefined if it has gone meanwhile. */
  private async readKey(department: string, path: string): Promise<KeyFile | undefined> {
    const pem = await readIfExists(path);
    if (pem === undefined) return undefined;
    const known = this.read.get(path);
    if (known?.pem === pem) return known;
    const publicKey = path.endsWith(PUBLIC_SUFFIX) ? createPublicKey(pem) : createPublicKey(createPrivateKey(pem));
    const key: KeyFile = { pem, publicKey, entry: { department, keyId: keyIdOf(publicKey), publicKeyPem: spkiPem(publicKey) } };
    this.read.set(path, key);
    return key;
  }
}

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
