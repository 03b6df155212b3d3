export * from './dossier-event-v1.dto';
export * from './decode-dossier-event';
export * from './validated-event.codec';
export * from './dlq-record';
export * from './unit-snapshot';
export * from './alert-message';
export * from './validators';
