/**
 * The people who sign in at the embedded OIDC provider (`runtime/oidc-provider.ts`): a directory read
 * from a JSON file. The sample (`data/people.json`) has an officer of every department in each
 * department role, window officers, a supervisor, a designer, an admin and two applicants (a person
 * and a company of the sample licence library and credit data); they share one development password,
 * kept as an scrypt hash. A province's own identity platform replaces all of this by configuration.
 */
import { scrypt, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { z } from 'zod';
import { ROLES } from './api-keys';
import { parseJsonText } from './json-data';

export const DEFAULT_PEOPLE_FILE = fileURLToPath(new URL('./data/people.json', import.meta.url));

const Bilingual = z.object({ zh: z.string(), en: z.string() });
/** `scrypt$<salt>$<hash>`, both base64url. */
const PasswordHash = z.string().regex(/^scrypt\$[A-Za-z0-9_-]+\$[A-Za-z0-9_-]+$/, 'an scrypt hash: scrypt$<salt>$<hash> (base64url)');

export const PersonSchema = z.object({
  /** The login name, and the token's `sub`. */
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/),
  name: z.string().min(1),
  roles: z.array(z.enum(ROLES)),
  department: z.string().optional(),
  departmentRole: z.enum(['handler', 'reviewer', 'head']).optional(),
  /** An applicant's ID number or unified social credit code. */
  subjectId: z.string().optional(),
  /** Who this is, for the sign-in page and the README. */
  title: Bilingual.optional(),
  /** This person's own password, else the file's. */
  password: PasswordHash.optional(),
});
export type Person = z.infer<typeof PersonSchema>;

const PeopleFile = z.object({
  note: z.string().optional(),
  password: PasswordHash,
  people: z.array(PersonSchema),
});

const scryptAsync = promisify(scrypt) as (password: string, salt: Buffer, keylen: number) => Promise<Buffer>;

/** The people of one file, read once. */
export class PeopleDirectory {
  private constructor(
    private readonly byId: Map<string, Person>,
    private readonly password: string,
  ) {}

  /** @throws Error naming every problem of the file by its JSON path */
  static async fromFile(file: string = DEFAULT_PEOPLE_FILE): Promise<PeopleDirectory> {
    const parsed = parseJsonText(await readFile(file, 'utf8'), PeopleFile);
    if ('issues' in parsed) throw new Error(`${file}: ${parsed.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
    const byId = new Map<string, Person>();
    for (const person of parsed.data.people) {
      if (byId.has(person.id)) throw new Error(`${file}: the id "${person.id}" is there twice`);
      byId.set(person.id, person);
    }
    return new PeopleDirectory(byId, parsed.data.password);
  }

  list(): Person[] {
    return [...this.byId.values()];
  }

  find(id: string): Person | undefined {
    return this.byId.get(id);
  }

  /** The person, when the password is theirs; the hash is computed for unknown ids too, so timing tells nothing. */
  async verify(id: string, password: string): Promise<Person | undefined> {
    const person = this.byId.get(id);
    const [, salt, hash] = (person?.password ?? this.password).split('$') as [string, string, string];
    const expected = Buffer.from(hash, 'base64url');
    const actual = await scryptAsync(password, Buffer.from(salt, 'base64url'), expected.length);
    return person && timingSafeEqual(actual, expected) ? person : undefined;
  }
}
