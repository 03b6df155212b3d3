// The image's HEALTHCHECK (deploy/docker/Dockerfile): one image runs every app, so the probe
// follows the app's settings. A worker (HEALTH_PORT set) answers GET /health; the api answers
// GET /api/v1/health on API_PORT. Readiness, not mere liveness: a container whose PostgreSQL,
// Redis or consumer group is gone shows as unhealthy in `docker ps`. Exit 0 healthy, 1 not.
const port = process.env.HEALTH_PORT || process.env.API_PORT || '3000';
const path = process.env.HEALTH_PORT ? '/health' : '/api/v1/health';
fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(4000) }).then(
  (res) => process.exit(res.ok ? 0 : 1),
  () => process.exit(1),
);
