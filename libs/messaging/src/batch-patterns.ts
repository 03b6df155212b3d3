/**
 * The logical names worker handlers bind with `@EventPattern`: the topic each stands for comes
 * from configuration (TOPIC_EVENTS, …), so the decorators need names that do not change.
 */
export const BATCH_PATTERNS = {
  dossierEvents: 'dossier-events',
  validatedEvents: 'validated-events',
  unitMetrics: 'unit-metrics',
} as const;
