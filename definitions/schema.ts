/**
 * The bundle definition format (一件事 definition): the single source of truth.
 *
 * Policy designers write bundles as JSON; this zod schema validates them, `z.infer` gives the engine its
 * types, and `scripts/gen-schema.ts` turns it into `definitions/bundle.schema.json` for editors.
 * Structural rules live here, size limits too (`limits.ts`: counts and lengths as `.max()`, so editors
 * and lint report them with their paths); rules that need the whole definition (references, cycles,
 * the total size) live in `lint.ts`, so that every problem is reported at once with its JSON path.
 */
import { z } from 'zod';
import { LIMITS } from './limits';

/** Lower-case identifiers used as keys in URLs, workflow IDs and search attributes. */
export const Slug = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'use lower-case letters, digits and dashes (e.g. "food-permit")')
  .meta({ description: 'Identifier: lower-case letters, digits and dashes, at most 63 characters.' });

/** Field identifiers become JSON property names in the applicant's form, so they are camelCase. */
export const FieldId = z
  .string()
  .regex(/^[a-zA-Z][a-zA-Z0-9]{0,62}$/, 'use camelCase letters and digits (e.g. "applicantName")')
  .meta({ description: 'Form field identifier (camelCase), the property name in the application form.' });

/** A title, name or label in Chinese and English. */
export const LocalizedText = z
  .object({
    zh: z.string().min(1).max(LIMITS.titleChars).meta({ description: `Chinese text (the text of record), at most ${LIMITS.titleChars} characters.` }),
    en: z.string().min(1).max(LIMITS.titleChars).meta({ description: `English text, at most ${LIMITS.titleChars} characters.` }),
  })
  .strict()
  .meta({ id: 'LocalizedText', description: `A title, name or label in Chinese and English, at most ${LIMITS.titleChars} characters each.` });

/** A description or help text in Chinese and English. */
export const LocalizedLongText = z
  .object({
    zh: z.string().min(1).max(LIMITS.textChars).meta({ description: `Chinese text (the text of record), at most ${LIMITS.textChars} characters.` }),
    en: z.string().min(1).max(LIMITS.textChars).meta({ description: `English text, at most ${LIMITS.textChars} characters.` }),
  })
  .strict()
  .meta({ id: 'LocalizedLongText', description: `A description or help text in Chinese and English, at most ${LIMITS.textChars} characters each.` });

export const WorkingDays = z
  .number()
  .int()
  .min(0)
  .max(366)
  .meta({ description: 'A duration in working days (工作日): weekends and statutory holidays do not count.' });

const Scalar = z.union([z.string().max(LIMITS.valueChars), z.number(), z.boolean()]);

/**
 * A safe, declarative condition on form values. No expressions are evaluated: only these shapes exist,
 * so a definition can never run code.
 */
export type Condition =
  | { field: string; equals: string | number | boolean }
  | { field: string; notEquals: string | number | boolean }
  | { field: string; in: Array<string | number | boolean> }
  | { field: string; isSet: boolean }
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition };

export const Condition: z.ZodType<Condition, Condition> = z
  .lazy(() =>
    z.union([
      z.object({ field: FieldId, equals: Scalar }).strict(),
      z.object({ field: FieldId, notEquals: Scalar }).strict(),
      z.object({ field: FieldId, in: z.array(Scalar).min(1).max(LIMITS.conditionValues) }).strict(),
      z.object({ field: FieldId, isSet: z.boolean() }).strict(),
      z.object({ all: z.array(Condition).min(1).max(LIMITS.conditionOperands) }).strict(),
      z.object({ any: z.array(Condition).min(1).max(LIMITS.conditionOperands) }).strict(),
      z.object({ not: Condition }).strict(),
    ]),
  )
  .meta({
    id: 'Condition',
    description:
      `Declarative condition on form values: {field, equals|notEquals|in|isSet}, combined with all / any / not. Compared strings at most ${LIMITS.valueChars} characters, at most ${LIMITS.conditionValues} values in "in", ${LIMITS.conditionOperands} operands in "all" / "any".`,
  });

export const Department = z
  .object({
    id: Slug,
    name: LocalizedText,
  })
  .strict()
  .meta({ id: 'Department', description: 'A department (部门) that decides items or staffs the window.' });

export const Section = z
  .object({
    id: Slug,
    title: LocalizedText,
    help: LocalizedLongText.optional(),
  })
  .strict()
  .meta({ id: 'Section', description: 'A section of the merged application form.' });

export const FieldType = z
  .enum(['string', 'text', 'integer', 'number', 'boolean', 'date', 'enum', 'id-number', 'phone', 'email'])
  .meta({ description: 'Value type of a form field.' });

export const Field = z
  .object({
    id: FieldId,
    label: LocalizedText,
    help: LocalizedLongText.optional(),
    type: FieldType,
    section: Slug.optional().meta({ description: 'Section of the merged form this field belongs to.' }),
    options: z
      .array(z.object({ value: z.string().min(1).max(LIMITS.valueChars), label: LocalizedText }).strict())
      .min(1)
      .max(LIMITS.optionsPerField)
      .optional()
      .meta({ description: `Allowed values, for fields of type "enum": at most ${LIMITS.optionsPerField}, each at most ${LIMITS.valueChars} characters.` }),
    pattern: z
      .string()
      .max(LIMITS.patternChars)
      .optional()
      .meta({ description: `A regular expression the value must match (strings), at most ${LIMITS.patternChars} characters.` }),
    minLength: z.number().int().min(0).optional(),
    maxLength: z.number().int().min(1).optional(),
    minimum: z.number().optional(),
    maximum: z.number().optional(),
    condition: Condition.optional().meta({ description: 'The field is asked only when this condition holds.' }),
    prefill: z
      .object({
        licenceType: Slug.meta({ description: "Electronic licence (电子证照) of the applicant's the value is read from." }),
        attribute: z
          .string()
          .regex(/^[a-zA-Z][a-zA-Z0-9]{0,62}$/, 'use a camelCase attribute name (e.g. "idNumber")')
          .meta({ description: 'Attribute of that licence, e.g. "name", "idNumber", "address".' }),
      })
      .strict()
      .optional()
      .meta({ description: 'Pre-fill from an electronic licence the state holds (数据预填充).' }),
  })
  .strict()
  .meta({ id: 'Field', description: 'A field of the one form (一表申请), asked once however many items use it.' });

export const MaterialSource = z
  .discriminatedUnion('kind', [
    z.object({ kind: z.literal('applicant') }).strict(),
    z
      .object({
        kind: z.literal('electronic-licence'),
        licenceType: Slug.meta({ description: 'Type of electronic licence (电子证照) the state already holds.' }),
      })
      .strict(),
  ])
  .meta({ description: 'Where the material comes from: the applicant, or an electronic licence fetched by the state.' });

export const Material = z
  .object({
    id: Slug,
    name: LocalizedText,
    source: MaterialSource,
    required: z.boolean().default(true).meta({ description: 'Whether the application is incomplete without it.' }),
    tolerable: z
      .boolean()
      .default(false)
      .meta({ description: 'Non-core material that may be tolerated missing with a commitment (容缺).' }),
    commitmentDays: WorkingDays.optional().meta({
      description: 'Longest commitment deadline, in working days, for supplying this material when tolerated.',
    }),
    mediaTypes: z
      .array(z.string().max(LIMITS.valueChars).regex(/^[a-z]+\/[a-z0-9.+-]+$/, 'a media type such as "application/pdf"'))
      .min(1)
      .max(LIMITS.mediaTypesPerMaterial)
      .optional()
      .meta({ description: `Media types an upload may have (at most ${LIMITS.mediaTypesPerMaterial}); PDF, JPEG and PNG when absent.` }),
    maxBytes: z
      .number()
      .int()
      .min(1)
      .max(100 * 1024 * 1024)
      .optional()
      .meta({ description: 'Largest upload in bytes; 10 MiB when absent.' }),
    grants: z
      .array(Slug)
      .min(1)
      .max(LIMITS.items)
      .optional()
      .meta({
        description:
          'Items granted on the strength of the commitment when this material is tolerated missing (their results are revoked if it is broken); absent: every item that uses the material.',
      }),
  })
  .strict()
  .meta({ id: 'Material', description: 'A material (申请材料), handed in once however many items use it.' });

/**
 * Whether commitments (告知承诺) may stand in for missing materials. Deliberately without a default: absent
 * means allowed, and a default would change the parsed form, and so the hash, of every published bundle.
 */
export const Commitments = z.enum(['allowed', 'forbidden']).meta({
  description:
    'Whether tolerated missing materials with a commitment (容缺受理 + 告知承诺) are accepted; "forbidden" for public safety, ecology, health and life. Absent: allowed.',
});

export const StepKind = z
  .enum(['accept', 'review', 'decide', 'hearing', 'inspection', 'testing', 'appraisal', 'expert-review', 'public-notice'])
  .meta({ description: 'Kind of step; hearing, inspection, testing, appraisal and expert review may pause the clock.' });

export const DepartmentRoleSchema = z
  .enum(['handler', 'reviewer', 'head'])
  .meta({ id: 'DepartmentRole', description: '承办人 handler, 审核人 reviewer, 负责人 head.' });

export const Countersign = z
  .object({
    roles: z.array(DepartmentRoleSchema).max(3).optional().meta({ description: "Roles of the item's department that each sign." }),
    departments: z.array(Slug).max(20).optional().meta({ description: 'Other departments that each sign (any of their officers).' }),
    mode: z.enum(['all', 'any', 'ratio']).meta({ description: 'The step completes when all parties, any party, or `ratio` of them agree.' }),
    ratio: z.number().gt(0).lte(1).optional().meta({ description: 'For mode "ratio": the share of parties that must agree.' }),
  })
  .strict()
  .refine((c) => (c.roles?.length ?? 0) + (c.departments?.length ?? 0) >= 2, { message: 'A 会签 needs at least two parties (roles or departments).' })
  .refine((c) => (c.mode === 'ratio') === (c.ratio !== undefined), { message: 'Give "ratio" exactly when the mode is "ratio".', path: ['ratio'] })
  .meta({ id: 'Countersign', description: '会签: the step is signed separately by several roles or departments.' });

export const Step = z
  .object({
    id: Slug,
    title: LocalizedText,
    kind: StepKind.default('review'),
    countsTowardLimit: z
      .boolean()
      .default(true)
      .meta({ description: 'False for special steps whose time is not counted (Administrative Licensing Law art. 45).' }),
    role: DepartmentRoleSchema.optional().meta({
      description: 'The department role that acts on this step. Absent: accept → handler, review → reviewer, decide → head, other kinds → handler.',
    }),
    countersign: Countersign.optional(),
  })
  .strict()
  .meta({ id: 'Step', description: 'A step (办理环节) of an item.' });

export const TimeoutPolicy = z
  .discriminatedUnion('policy', [
    z
      .object({ policy: z.literal('default-approve') })
      .strict()
      .meta({ description: '超时默认: at the deadline the item is approved by default and the result sealed.' }),
    z
      .object({
        policy: z.literal('escalate'),
        to: Slug.meta({ description: 'Supervising department that takes the item over.' }),
        days: WorkingDays.meta({ description: 'New limit for the supervising department, in working days.' }),
      })
      .strict(),
    z.object({ policy: z.literal('none') }).strict().meta({ description: 'Keep waiting; the item is overdue.' }),
  ])
  .meta({ id: 'TimeoutPolicy', description: 'What happens when the department lets the promised limit pass.' });

export const ResultKind = z.enum(['licence', 'permit', 'certificate', 'registration', 'filing', 'notice']);

export const ItemResult = z
  .object({
    kind: ResultKind,
    title: LocalizedText,
    licenceType: Slug.optional().meta({ description: 'Electronic licence type the result is issued as.' }),
  })
  .strict()
  .meta({ id: 'ItemResult', description: 'The licence, permit or notice the item issues (证照).' });

export const Item = z
  .object({
    id: Slug,
    code: z
      .string()
      .min(1)
      .max(LIMITS.valueChars)
      .meta({ description: `Item code (事项编码) from the provincial catalogue, at most ${LIMITS.valueChars} characters.` }),
    title: LocalizedText,
    department: Slug.meta({ description: 'Responsible department (实施机关).' }),
    kind: z.enum(['instant', 'promised']).meta({ description: '即办件 (decided at once) or 承诺件 (within a limit).' }),
    statutoryDays: WorkingDays.meta({ description: 'Statutory limit (法定时限) in working days.' }),
    promisedDays: WorkingDays.meta({ description: 'Promised limit (承诺时限) in working days; at most the statutory one.' }),
    steps: z
      .array(Step)
      .min(1)
      .max(LIMITS.stepsPerItem)
      .meta({ description: `Steps (办理环节) of the item, in order; at most ${LIMITS.stepsPerItem}.` }),
    trips: z
      .number()
      .int()
      .min(0)
      .default(1)
      .meta({ description: 'Trips to a hall (跑动次数) the item needed on its own, before bundling.' }),
    fields: z.array(FieldId).max(LIMITS.fields).default([]).meta({ description: 'Form fields this item requires.' }),
    optionalFields: z.array(FieldId).max(LIMITS.fields).default([]).meta({ description: 'Form fields this item uses if given.' }),
    materials: z.array(Slug).max(LIMITS.materials).default([]).meta({ description: 'Materials this item uses.' }),
    dependsOn: z.array(Slug).max(LIMITS.items).default([]).meta({ description: 'Items that must be approved before this one starts.' }),
    condition: Condition.optional().meta({ description: 'The item applies only when this condition holds.' }),
    result: ItemResult,
    defaultable: z
      .boolean()
      .meta({ description: 'Whether the item may be deemed approved on timeout (false for security or secrets).' }),
    timeout: TimeoutPolicy,
    commitments: Commitments.optional().meta({
      description:
        'Whether the item may be granted on a commitment to supply tolerated missing materials; "forbidden" for public safety, ecology, health and life. Absent: allowed (unless the bundle forbids).',
    }),
  })
  .strict()
  .meta({ id: 'Item', description: 'An item (事项): one permit from one department.' });

export const Window = z
  .object({
    department: Slug.meta({ description: 'Department that staffs the comprehensive window (综合窗口).' }),
    title: LocalizedText.optional(),
  })
  .strict()
  .meta({ id: 'Window', description: 'The one window (一窗受理) that accepts the application.' });

export const BundleDefinition = z
  .object({
    $schema: z.string().max(LIMITS.schemaRefChars).optional(),
    id: Slug.meta({ description: 'Bundle identifier, stable across versions.' }),
    version: z.number().int().min(1).meta({ description: 'Version; a published id+version never changes.' }),
    title: LocalizedText,
    description: LocalizedLongText.optional(),
    promisedDays: WorkingDays.meta({ description: 'Promised limit of the whole bundle, in working days.' }),
    calendar: Slug.default('cn').meta({
      description: 'Working-day calendar (region) the limits count in, e.g. "cn" or a province with local days off.',
    }),
    window: Window,
    steps: z.number().int().min(1).default(1).meta({ description: 'Steps the applicant goes through in the bundle.' }),
    trips: z.number().int().min(0).max(1).default(1).meta({ description: 'Trips to a hall the bundle needs: 1 or 0.' }),
    commitments: Commitments.optional().meta({
      description: 'Whether any item of the bundle may be granted on a commitment; "forbidden" forbids it for every item. Absent: allowed.',
    }),
    departments: z
      .array(Department)
      .min(1)
      .max(LIMITS.departments)
      .meta({
        description: `Every department the bundle names: deciding items, staffing the window, taking escalations; at most ${LIMITS.departments}.`,
      }),
    sections: z
      .array(Section)
      .max(LIMITS.sections)
      .default([])
      .meta({ description: `Sections of the merged form, in display order; at most ${LIMITS.sections}.` }),
    fields: z
      .array(Field)
      .max(LIMITS.fields)
      .default([])
      .meta({ description: `The one form (一表申请): each field once, referenced by id from the items; at most ${LIMITS.fields}.` }),
    materials: z
      .array(Material)
      .max(LIMITS.materials)
      .default([])
      .meta({
        description: `The one set of materials (一套材料): each material once, referenced by id from the items; at most ${LIMITS.materials}.`,
      }),
    items: z
      .array(Item)
      .min(1)
      .max(LIMITS.items)
      .meta({ description: `The items (事项) of the bundle; order breaks ties in the plan. At most ${LIMITS.items}.` }),
  })
  .strict()
  .meta({
    id: 'BundleDefinition',
    title: 'yijianshi bundle definition',
    description: `A bundle (一件事): items from several departments handled as one application. Its JSON without insignificant whitespace is at most ${LIMITS.definitionBytes} bytes (1 MiB) of UTF-8: the plan is part of every case.`,
  });

/** A definition as written (defaults not yet applied). */
export type BundleDefinitionInput = z.input<typeof BundleDefinition>;
/** A parsed definition with defaults applied: what lint and compile work on. */
export type BundleDefinition = z.output<typeof BundleDefinition>;
export type Item = z.output<typeof Item>;
export type Field = z.output<typeof Field>;
export type Material = z.output<typeof Material>;
export type Department = z.output<typeof Department>;
export type Step = z.output<typeof Step>;
export type TimeoutPolicy = z.output<typeof TimeoutPolicy>;
export type Commitments = z.output<typeof Commitments>;
export type ItemResult = z.output<typeof ItemResult>;
export type LocalizedText = z.output<typeof LocalizedText>;
