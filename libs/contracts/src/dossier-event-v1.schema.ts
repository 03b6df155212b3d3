import 'reflect-metadata';
import { getMetadataStorage } from 'class-validator';
import { validationMetadatasToSchemas } from 'class-validator-jsonschema';
import { V1_EVENT_TYPES } from '@tthc/domain';
import { DossierEventDto, V2_CONTRACT_FIELDS, V2_REQUIRED_BY_TYPE } from './dossier-event-v1.dto';
import { IsInstantWithOffsetConstraint } from './validators';

/** The JSON Schema format the instants of the contract carry (ISO-8601 with an offset). */
export const INSTANT_FORMAT = 'instant-with-offset';

/**
 * The event contract (v1 and v2) as JSON Schema, generated from the DTO's class-validator
 * decorators (class-validator-jsonschema), so the compiled validator on the Kafka hot path and
 * the DTO are one contract. The converter cannot express the DTO's cross-field rules
 * (`@ValidateIf`, `IsTypeOfSchemaVersionConstraint`), so those are added here as `if`/`then`:
 *  - a RECEIVED needs a channel;
 *  - a v1 event carries only the v1 types;
 *  - the v2 fields are checked only on a v2 event (a v1 event's extra fields are not read), and
 *    each type's v2 fields are required on it.
 * A test runs both validators on the fuzz corpus and requires identical verdicts.
 */
export function dossierEventSchema(): Record<string, unknown> {
  void DossierEventDto; // its decorators must have run: the schema is read from their metadata
  const schemas = validationMetadatasToSchemas({
    classValidatorMetadataStorage: getMetadataStorage(),
    additionalConverters: {
      customValidation: (meta) => (meta.constraintCls === IsInstantWithOffsetConstraint ? { format: INSTANT_FORMAT } : {}),
    },
  });
  const schema = schemas[DossierEventDto.name] as { properties: Record<string, unknown>; required?: string[] } | undefined;
  if (!schema) throw new Error('no JSON Schema generated for DossierEventDto');
  const properties = { ...schema.properties };
  const v2Properties: Record<string, unknown> = {};
  for (const f of V2_CONTRACT_FIELDS) {
    v2Properties[f] = properties[f];
    delete properties[f];
  }
  const isV2 = { properties: { schemaVersion: { const: 2 } }, required: ['schemaVersion'] };
  return {
    ...schema,
    properties,
    $id: 'https://tthc-monitor.local/schemas/dossier-event.json',
    title: 'TTHC dossier event, contract v1 and v2 (docs/event-contract.md)',
    allOf: [
      { if: { properties: { type: { const: 'RECEIVED' } }, required: ['type'] }, then: { required: ['channel'] } },
      { if: { properties: { schemaVersion: { const: 1 } }, required: ['schemaVersion'] }, then: { properties: { type: { enum: [...V1_EVENT_TYPES] } } } },
      { if: isV2, then: { properties: v2Properties } },
      ...Object.entries(V2_REQUIRED_BY_TYPE).map(([type, required]) => ({
        if: { properties: { schemaVersion: { const: 2 }, type: { const: type } }, required: ['schemaVersion', 'type'] },
        then: { required },
      })),
    ],
  };
}
