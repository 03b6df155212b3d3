import Ajv, { type ErrorObject } from 'ajv';
import { type Rejection, isInstant, rejection } from '@tthc/domain';
import { INSTANT_FORMAT, dossierEventSchema } from './dossier-event-v1.schema';

/** class-validator's IsUUID('all') (validator.js): any version, any case. */
const UUID_ANY = /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/i;

const ajv = new Ajv({ allErrors: true, strict: false });
ajv.addFormat('uuid', UUID_ANY);
ajv.addFormat(INSTANT_FORMAT, { type: 'string', validate: isInstant });
/** Compiled once, at start-up: JavaScript generated from the contract's schema. */
const validate = ajv.compile(dossierEventSchema());

const LENGTH_KEYWORDS = new Set(['maxLength', 'minLength']);

/** The property an error is about: `/dossierId`, or the missing one of `required`. */
const propertyOf = (e: ErrorObject): string => (e.keyword === 'required' ? (e.params as { missingProperty: string }).missingProperty : e.instancePath.slice(1));

/**
 * The shape of a parsed event against the contract (v1 and v2), or the reason it is refused, with the
 * same verdict and reason code as the DTO's class-validator rules (`decode-dossier-event.ts`
 * keeps those as the reference; a test compares both on the fuzz corpus). Precedence as there:
 * any missing field (absent or null) → MISSING_FIELD; a bad schemaVersion → UNSUPPORTED_SCHEMA_VERSION;
 * a field that is only too long → VALUE_TOO_LONG; anything else → INVALID_FIELD. Within one
 * field, a format, pattern, type or enum error is reported before a length error, as
 * class-validator reports its first failing decorator.
 */
export function compiledShapeRejection(plain: Record<string, unknown>): Rejection | undefined {
  // Validated as `unknown`: the guard's false branch would otherwise narrow `plain` itself to never.
  const candidate: unknown = plain;
  if (validate(candidate)) return undefined;
  const byProperty = new Map<string, ErrorObject[]>();
  for (const e of validate.errors ?? []) {
    if (e.keyword === 'if') continue; // the failing `then` is reported on its own
    const p = propertyOf(e);
    byProperty.set(p, [...(byProperty.get(p) ?? []), e]);
  }
  const missing = [...byProperty.keys()].filter((p) => plain[p] === undefined || plain[p] === null);
  if (missing.length > 0) return rejection('MISSING_FIELD', missing.map((p) => `${p} is required`).join('; '));
  if (byProperty.has('schemaVersion')) {
    return rejection('UNSUPPORTED_SCHEMA_VERSION', `schemaVersion ${JSON.stringify(plain.schemaVersion)} is not 1 or 2`);
  }
  const reported = [...byProperty.entries()].map(([, errors]) => errors.find((e) => !LENGTH_KEYWORDS.has(e.keyword)) ?? errors[0]).map((e) => ({ e, p: propertyOf(e) }));
  const detail = reported.map(({ e, p }) => `${p}: ${p} ${e.message}`).join('; ');
  const tooLong = reported.some(({ e, p }) => LENGTH_KEYWORDS.has(e.keyword) && typeof plain[p] === 'string' && plain[p].length > 0);
  return rejection(tooLong ? 'VALUE_TOO_LONG' : 'INVALID_FIELD', detail);
}
