/** The private broker lives in libs/process-kit (shared with the fault runner); kept here for the suites that import it from support/. */
export { PrivateBroker } from '@tthc/process-kit';
