/**
 * Where an app runs. `local` exists only for `npm run up` and the tests (which set it explicitly);
 * every other value means a real deployment, where nothing published in the README works.
 */
export const DEPLOYMENT_MODES = ['local', 'production'] as const;
export type DeploymentMode = (typeof DEPLOYMENT_MODES)[number];
