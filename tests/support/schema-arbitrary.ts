import fc from 'fast-check';

/**
 * Values for fuzzing a route from its JSON schema (as TypeBox produces it): mostly values of
 * the right shape, often at the boundaries, and a share of hostile ones — wrong types, huge
 * strings, deep nesting, prototype-pollution keys, SQL and script fragments.
 */
type Schema = {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  const?: unknown;
  enum?: unknown[];
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  pattern?: string;
  format?: string;
};

export const HOSTILE_STRINGS = [
  "' OR '1'='1",
  "'; DROP TABLE users; --",
  '" OR 1=1 --',
  '<script>alert(1)</script>',
  '{{7*7}}${7*7}',
  '../../../../etc/passwd',
  '\u0000',
  '\ud800', // a lone surrogate: not valid UTF-16, not encodable as UTF-8
  'A'.repeat(70_000),
  'ß'.repeat(5_000),
  '00000000-0000-0000-0000-000000000000',
  'BU-2026-0001',
  '1e309',
  '-0',
];

const hostile: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(...HOSTILE_STRINGS),
  fc.constantFrom(null, true, false, 0, -1, 2 ** 53, Number.MAX_VALUE, [], {}),
  fc.constant(
    JSON.parse(
      '{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}}',
    ),
  ),
  fc.constant(deepNesting(1_000)),
  fc.string(),
);

function deepNesting(depth: number): unknown {
  let value: unknown = 'deep';
  for (let i = 0; i < depth; i += 1) value = { a: value };
  return value;
}

function stringFor(schema: Schema): fc.Arbitrary<string> {
  if (schema.format === 'uuid') return fc.uuid();
  if (schema.format === 'date-time')
    return fc
      .date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true })
      .map((d) => d.toISOString());
  if (schema.format === 'date')
    return fc
      .date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true })
      .map((d) => d.toISOString().slice(0, 10));
  if (schema.pattern)
    return fc.stringMatching(new RegExp(schema.pattern)).filter((s) => s.length <= 200);
  const min = schema.minLength ?? 0;
  const max = Math.min(schema.maxLength ?? 200, 300);
  return fc.oneof(
    fc.string({ minLength: min, maxLength: max, unit: 'grapheme' }),
    fc.constant('x'.repeat(Math.max(min, 0))),
    fc.constant('x'.repeat(max)),
    fc.constant('x'.repeat(max + 1)),
  );
}

/** An arbitrary for a value of `schema`, hostile with probability about 1 in 5. */
export function valueFor(schema: Schema, depth = 0): fc.Arbitrary<unknown> {
  if (depth > 6) return fc.constant(null);
  return fc.oneof(
    { weight: 4, arbitrary: wellShaped(schema, depth) },
    { weight: 1, arbitrary: hostile },
  );
}

function wellShaped(schema: Schema, depth: number): fc.Arbitrary<unknown> {
  if ('const' in schema) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const variants = schema.anyOf ?? schema.oneOf;
  if (variants?.length) return fc.oneof(...variants.map((variant) => valueFor(variant, depth + 1)));
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'string':
      return stringFor(schema);
    case 'integer':
      return fc.oneof(
        fc.integer({ min: schema.minimum ?? -1000, max: schema.maximum ?? 1_000_000 }),
        fc.constantFrom(
          schema.minimum ?? 0,
          schema.maximum ?? 0,
          (schema.minimum ?? 0) - 1,
          (schema.maximum ?? 0) + 1,
        ),
      );
    case 'number':
      return fc.double({ noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      return fc.array(valueFor(schema.items ?? {}, depth + 1), { maxLength: 5 });
    case 'object':
      return objectFor(schema, depth);
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

function objectFor(schema: Schema, depth: number): fc.Arbitrary<Record<string, unknown>> {
  const properties = schema.properties ?? {};
  const required = new Set(schema.required ?? []);
  const entries = Object.entries(properties).map(
    ([name, property]) =>
      [
        name,
        required.has(name)
          ? valueFor(property, depth + 1)
          : fc.option(valueFor(property, depth + 1), { nil: undefined }),
      ] as const,
  );
  return fc
    .tuple(
      fc.record(Object.fromEntries(entries)),
      fc.option(
        fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 2 }),
        { nil: undefined },
      ),
      Object.keys(properties).length
        ? fc.option(fc.constantFrom(...Object.keys(properties)), { nil: undefined })
        : fc.constant(undefined),
    )
    .map(([record, extra, dropped]) => {
      const value: Record<string, unknown> = { ...record, ...(extra ?? {}) };
      for (const key of Object.keys(value)) if (value[key] === undefined) delete value[key];
      if (dropped) delete value[dropped];
      return value;
    });
}
