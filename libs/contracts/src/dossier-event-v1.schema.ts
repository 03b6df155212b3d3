import 'reflect-metadata';
import { getMetadataStorage } from 'class-validator';
import { validationMetadatasToSchemas } from 'class-validator-jsonschema';
import { DossierEventV1Dto } from './dossier-event-v1.dto';
import { IsInstantWithOffsetConstraint } from './validators';

/** The JSON Schema format the instants of the contract carry (ISO-8601 with an offset). */
export const INSTANT_FORMAT = 'instant-with-offset';

/**
 * The v1 event contract as JSON Schema, generated from the DTO's class-validator decorators
 * (class-validator-jsonschema), so the compiled validator on the Kafka hot path and the DTO are
 * one contract. The converter cannot express the DTO's one cross-field rule (`@ValidateIf`: a
 * RECEIVED needs a channel), so that rule is added here; a test runs both validators on the
 * fuzz corpus and requires identical verdicts.
 */
export function dossierEventV1Schema(): Record<string, unknown> {
  void DossierEventV1Dto; // its decorators must have run: the schema is read from their metadata
  const schemas = validationMetadatasToSchemas({
    classValidatorMetadataStorage: getMetadataStorage(),
    additionalConverters: {
      customValidation: (meta) => (meta.constraintCls === IsInstantWithOffsetConstraint ? { format: INSTANT_FORMAT } : {}),
    },
  });
  const schema = schemas[DossierEventV1Dto.name];
  if (!schema) throw new Error('no JSON Schema generated for DossierEventV1Dto');
  return {
    ...schema,
    $id: 'https://tthc-monitor.local/schemas/dossier-event-v1.json',
    title: 'TTHC dossier event, contract v1 (PRODUCT.md)',
    if: { properties: { type: { const: 'RECEIVED' } }, required: ['type'] },
    then: { required: ['channel'] },
  };
}
