/** Injection token of the validated alert rules (alert-rules.config.ts). */
export const ALERT_RULES = Symbol('ALERT_RULES');
