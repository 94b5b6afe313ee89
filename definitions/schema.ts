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

/** A bound of an ordered comparison: a number (number and integer fields) or a date `YYYY-MM-DD` (date fields). */
export type OrderedValue = number | string;

/** A date as conditions compare it: `YYYY-MM-DD`, which orders like the date it names. */
export const ConditionDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD')
  .meta({ description: 'A date YYYY-MM-DD, compared with the values of a date field.' });

const OrderedBound = z.union([z.number(), ConditionDate]).meta({ description: 'A number (number and integer fields) or a date YYYY-MM-DD (date fields).' });

/**
 * A safe, declarative condition on form values. No expressions are evaluated: only these shapes exist,
 * so a definition can never run code. `all` / `any` / `not` are the and / or / not of the language.
 * Edition 2 adds the ordered comparisons `lt`, `lte`, `gt`, `gte` and `between` (both ends included)
 * on number, integer and date fields.
 */
export type Condition =
  | { field: string; equals: string | number | boolean }
  | { field: string; notEquals: string | number | boolean }
  | { field: string; in: Array<string | number | boolean> }
  | { field: string; isSet: boolean }
  | { field: string; lt: OrderedValue }
  | { field: string; lte: OrderedValue }
  | { field: string; gt: OrderedValue }
  | { field: string; gte: OrderedValue }
  | { field: string; between: [OrderedValue, OrderedValue] }
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition };

/** The operators of a condition on one field, in the order of the schema's shapes. */
export const CONDITION_OPERATORS = ['equals', 'notEquals', 'in', 'isSet', 'lt', 'lte', 'gt', 'gte', 'between'] as const;
/** The ordered comparisons (number, integer and date fields only). */
export const ORDERED_OPERATORS = ['lt', 'lte', 'gt', 'gte', 'between'] as const;
/** The combinators of conditions. */
export const CONDITION_COMBINATORS = ['all', 'any', 'not'] as const;

export const Condition: z.ZodType<Condition, Condition> = z
  .lazy(() =>
    z.union([
      z.object({ field: FieldId, equals: Scalar }).strict(),
      z.object({ field: FieldId, notEquals: Scalar }).strict(),
      z.object({ field: FieldId, in: z.array(Scalar).min(1).max(LIMITS.conditionValues) }).strict(),
      z.object({ field: FieldId, isSet: z.boolean() }).strict(),
      z.object({ field: FieldId, lt: OrderedBound }).strict(),
      z.object({ field: FieldId, lte: OrderedBound }).strict(),
      z.object({ field: FieldId, gt: OrderedBound }).strict(),
      z.object({ field: FieldId, gte: OrderedBound }).strict(),
      z.object({ field: FieldId, between: z.tuple([OrderedBound, OrderedBound]) }).strict(),
      z.object({ all: z.array(Condition).min(1).max(LIMITS.conditionOperands) }).strict(),
      z.object({ any: z.array(Condition).min(1).max(LIMITS.conditionOperands) }).strict(),
      z.object({ not: Condition }).strict(),
    ]),
  )
  .meta({
    id: 'Condition',
    description:
      `Declarative condition on form values: {field, equals|notEquals|in|isSet}, or on a number, integer or date field {field, lt|lte|gt|gte: bound} and {field, between: [low, high]} (both ends included; a date as YYYY-MM-DD); combined with all (and) / any (or) / not. Compared strings at most ${LIMITS.valueChars} characters, at most ${LIMITS.conditionValues} values in "in", ${LIMITS.conditionOperands} operands in "all" / "any".`,
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
    condition: Condition.optional().meta({
      description: 'Edition 2: the material is asked for only when this condition holds (e.g. a proof only some applicants need); absent: whenever an item using it applies.',
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

/**
 * A timed step (e.g. a public notice period 公示期): it starts when the item reaches it and ends by itself
 * after this many days; nobody works it. With `countsTowardLimit: false` the item's clock stops meanwhile.
 */
export const StepDuration = z
  .object({
    days: z.number().int().min(1).max(366).meta({ description: 'Length of the period.' }),
    unit: z.enum(['working-days', 'calendar-days']).meta({
      description: 'Working days (工作日), or calendar days (日; a period whose last day is not a working day ends at the end of the next working day, Civil Code art. 203).',
    }),
  })
  .strict()
  .meta({
    id: 'StepDuration',
    description: 'Edition 2: a fixed duration; the step starts when the item reaches it and ends by itself (e.g. a public notice period 公示期).',
  });

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
    limitDays: z
      .number()
      .int()
      .min(1)
      .max(365)
      .optional()
      .meta({ description: "The step's own limit in working days, with the item's cards (yellow at 50%, red at 90%, overdue); the item's limit still decides." }),
    duration: StepDuration.optional(),
    condition: Condition.optional().meta({
      description: 'Edition 2: the step is taken only when this condition holds on the form (e.g. a file review only for early retirement); absent: always.',
    }),
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

/**
 * An item code (事项编码). Edition 2 checks it against the national catalogue's formats (lint
 * `item-code-format`, `definitions/item-code.ts`): a 基本编码 (12 characters), a 业务办理项编码 (14 digits)
 * or a 实施编码 (the implementing agency's unified social credit code, then the catalogue code).
 */
export const ItemCode = z
  .string()
  .min(1)
  .max(LIMITS.valueChars)
  .meta({
    description: `Item code (事项编码) from the catalogue, at most ${LIMITS.valueChars} characters. Edition 2: a 基本编码 (e.g. "00013112700Y"), 业务办理项编码 (e.g. "00013112700403") or 实施编码 (unified social credit code + catalogue code).`,
  });

export const ResultKind = z.enum(['licence', 'permit', 'certificate', 'registration', 'filing', 'notice']);

export const ItemResult = z
  .object({
    kind: ResultKind,
    title: LocalizedText,
    licenceType: Slug.optional().meta({ description: 'Electronic licence type the result is issued as.' }),
  })
  .strict()
  .meta({ id: 'ItemResult', description: 'The licence, permit or notice the item issues (证照).' });

/**
 * 备案 / 告知性备案: the department registers what the applicant declares and a filing receipt is issued
 * without a decision, at once or after a check period in which the department may object.
 */
export const Filing = z
  .object({
    when: Condition.optional().meta({
      description: 'The item is a filing only when this condition holds, an approval (its steps, limits and result) otherwise; absent: a filing for every applicant.',
    }),
    checkDays: WorkingDays.optional().meta({
      description: 'Check period (审查期) in working days in which the department may object (reject); the receipt is issued when it ends. Absent or 0: the receipt is issued at once.',
    }),
    receipt: ItemResult.optional().meta({
      description: 'The filing receipt (备案回执), of kind "filing". Absent: the item\'s result, which must then be of kind "filing" (an item that is always a filing).',
    }),
  })
  .strict()
  .meta({ id: 'Filing', description: 'Edition 2: how the item is filed (备案) instead of approved.' });

/** A catalogue item absorbed by a merged item (合并办理): counted before the merge in the reductions. */
export const AbsorbedItem = z
  .object({
    code: ItemCode,
    title: LocalizedText,
    department: Slug.meta({ description: 'The department that handled it before the merge (declared in /departments).' }),
    statutoryDays: WorkingDays.meta({ description: 'Its statutory limit (法定时限) in working days, for the before figures.' }),
    steps: z.number().int().min(0).max(LIMITS.stepsPerItem).optional().meta({ description: 'Its steps (办理环节) before the merge; absent: not counted.' }),
    trips: z.number().int().min(0).optional().meta({ description: 'Its trips to a hall (跑动次数) before the merge; absent: not counted.' }),
    materials: z
      .array(Slug)
      .max(LIMITS.materials)
      .optional()
      .meta({ description: 'Materials of this bundle it asked for on its own before the merge; absent: not counted.' }),
  })
  .strict()
  .meta({ id: 'AbsorbedItem', description: 'Edition 2: a catalogue item merged into this one (合并办理); it keeps its code and statutory limit.' });

export const Item = z
  .object({
    id: Slug,
    code: ItemCode,
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
    mode: z.enum(['approval', 'filing']).optional().meta({
      description: 'Edition 2: "filing" (备案) when the department registers the item and issues a receipt without a decision (see filing); absent or "approval": decided.',
    }),
    filing: Filing.optional(),
    absorbs: z
      .array(AbsorbedItem)
      .min(1)
      .max(LIMITS.items)
      .optional()
      .meta({ description: 'Edition 2: catalogue items merged into this one (合并办理), counted before the merge; its result names them.' }),
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

/** The edition of the format this schema describes (`formatVersion`); absent in a definition: edition 1. */
export const FORMAT_EDITION = 2;

/** How a case number (办件编号) is made: see `definitions/case-number.ts`. */
export const CaseNumber = z
  .object({
    pattern: z
      .string()
      .min(1)
      .max(LIMITS.caseNumberPatternChars)
      .meta({
        description:
          'Tokens {code} (the bundle code), {date} (YYYYMMDD of submission, Beijing time), {year}, {seq} or {seq:N} (a sequence of at least N digits, counted per everything before it) and literal upper-case letters, digits and dashes. Default "{code}-{date}-{seq:6}".',
      }),
  })
  .strict()
  .meta({ id: 'CaseNumber', description: 'Edition 2: the pattern of the human-readable case number (办件编号) window officers read out.' });

/** 好差评 settings of the bundle (issue 14). */
export const ReviewSettings = z
  .object({
    amendWithinHours: z.number().min(0).max(168).optional().meta({
      description:
        'Hours after the first rating in which the applicant (only they) may change it; fractions allowed (0.5 is half an hour), 0 makes ratings final at once. Absent: 24. Every version is kept; statistics count the current one.',
    }),
  })
  .strict()
  .meta({ id: 'ReviewSettings', description: '好差评: how ratings of this bundle\'s cases may be amended (GB/T 39734).' });

export const BundleDefinition = z
  .object({
    $schema: z.string().max(LIMITS.schemaRefChars).optional(),
    formatVersion: z.literal(FORMAT_EDITION).optional().meta({
      description: 'Edition of the definition format: 2 for this edition; absent: edition 1, whose definitions still load unchanged (docs/definition-format.md#migration).',
    }),
    id: Slug.meta({ description: 'Bundle identifier, stable across versions.' }),
    code: z
      .string()
      .regex(/^[A-Z][A-Z0-9]{1,15}$/, 'use 2 to 16 upper-case letters and digits, starting with a letter (e.g. "QYZX")')
      .optional()
      .meta({ description: 'Edition 2: the bundle\'s short code, read out in case numbers (e.g. "QYZX"). Absent: the id in upper case.' }),
    caseNumber: CaseNumber.optional(),
    version: z.number().int().min(1).meta({ description: 'Version; a published id+version never changes.' }),
    title: LocalizedText,
    description: LocalizedLongText.optional(),
    promisedDays: WorkingDays.meta({ description: 'Promised limit of the whole bundle, in working days.' }),
    calendar: Slug.default('cn').meta({
      description: 'Working-day calendar (region) the limits count in, e.g. "cn" or a province with local days off.',
    }),
    window: Window,
    steps: z.number().int().min(1).optional().meta({
      description: 'Edition 1 name of applicantSteps (1 when absent); edition 2 refuses it (lint renamed-property).',
    }),
    applicantSteps: z.number().int().min(1).optional().meta({
      description: 'Edition 2: steps the applicant goes through in the bundle (1 when absent); not the items\' steps.',
    }),
    trips: z.number().int().min(0).max(1).default(1).meta({ description: 'Trips to a hall the bundle needs: 1 or 0.' }),
    reviews: ReviewSettings.optional(),
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
  // Edition 1's defaults, kept so every published definition parses (and hashes) as it always has; a
  // zod default would fill `steps` in edition 2 too, where it is `applicantSteps`.
  .overwrite((definition) => {
    if (definition.steps === undefined && definition.applicantSteps === undefined) {
      if (definition.formatVersion === undefined) definition.steps = 1;
      else definition.applicantSteps = 1;
    }
    return definition;
  })
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
export type StepDuration = z.output<typeof StepDuration>;
export type Filing = z.output<typeof Filing>;
export type AbsorbedItem = z.output<typeof AbsorbedItem>;
export type TimeoutPolicy = z.output<typeof TimeoutPolicy>;
export type Commitments = z.output<typeof Commitments>;
export type ReviewSettings = z.output<typeof ReviewSettings>;
export type ItemResult = z.output<typeof ItemResult>;
export type LocalizedText = z.output<typeof LocalizedText>;
