import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { AggregatorSettings } from '../apps/aggregator/src/aggregator.settings';
import { ApiSettings } from '../apps/api/src/api.settings';
import { IngestSettings } from '../apps/ingest/src/ingest.settings';
import { NotifierSettings } from '../apps/notifier/src/notifier.settings';
import { loadSettings } from '@tthc/config';

/**
 * Issue 13: the kustomize overlays under deploy/k8s render with `kubectl kustomize`, every object
 * passes the Kubernetes OpenAPI schemas (kubernetes-models: the schemas of the Kubernetes API as
 * validators; @kubernetes-models/keda for KEDA's CRDs), and the rules this project sets for its
 * manifests hold: probes on the health endpoints, requests and limits, a PodDisruptionBudget per
 * Deployment, settings and credentials kept apart, migrations as one Job, settings the apps accept.
 */
const ROOT = join(__dirname, '..');
const OVERLAYS = ['local', 'production'] as const;

// The rest of an object is rendered YAML of a dozen kinds, read field by field by the checks below;
// its types are what `schemaErrors` verifies against the Kubernetes schemas at run time.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- rendered YAML, checked by the schema test
type K8sObject = { apiVersion: string; kind: string; metadata: { name: string; labels?: Record<string, string> }; [k: string]: any };

function render(overlay: string): K8sObject[] {
  let out: string;
  try {
    out = execFileSync('kubectl', ['kustomize', join(ROOT, 'deploy/k8s/overlays', overlay)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const e = error as { code?: string; stderr?: string };
    if (e.code === 'ENOENT') throw new Error('kubectl is not installed: the manifests cannot be rendered (deploy/README.md, Checks)', { cause: error });
    throw new Error(`kubectl kustomize ${overlay} failed:\n${e.stderr}`, { cause: error });
  }
  return parseAllDocuments(out).map((d) => d.toJS() as K8sObject);
}

/** The model class of an object's kind, whose validate() checks it against the API schema. */
function modelOf(o: { apiVersion: string; kind: string }): { new (data: unknown): { validate(): void } } {
  const [group, version] = o.apiVersion.includes('/') ? o.apiVersion.split('/') : [undefined, o.apiVersion];
  const path = group === 'keda.sh' ? `@kubernetes-models/keda/keda.sh/${version}/${o.kind}` : `kubernetes-models/${group ?? ''}${group ? '/' : ''}${version}/${o.kind}`;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require(path) as Record<string, never>)[o.kind];
}

/**
 * kustomize folds long base64 Secret values over several lines; the API server's decoder (Go's
 * encoding/base64) skips the newlines, the schema's `byte` pattern does not: joined first.
 */
function asServerReads(o: K8sObject): K8sObject {
  if (o.kind !== 'Secret' || !o.data) return o;
  return { ...o, data: Object.fromEntries(Object.entries(o.data as Record<string, string>).map(([k, v]) => [k, v.replace(/[\r\n]/g, '')])) };
}

function schemaErrors(o: K8sObject): string | undefined {
  try {
    new (modelOf(o))(asServerReads(o)).validate();
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/** Settings whose values are credentials: only ever from a Secret. */
const CREDENTIALS = ['DATABASE_URL', 'REDIS_URL', 'API_KEYS', 'ALERT_WEBHOOKS', 'KAFKA_SASL_USERNAME', 'KAFKA_SASL_PASSWORD'];
const SETTINGS: Record<string, new () => object> = { ingest: IngestSettings, aggregator: AggregatorSettings, notifier: NotifierSettings, api: ApiSettings };
/** Stand-ins for the Secret's values, so the apps' own validation can judge the rest. */
const PLACEHOLDER: Record<string, string> = {
  DATABASE_URL: 'postgres://tthc_app:x@db:5432/tthc',
  REDIS_URL: 'rediss://:x@redis:6380',
  API_KEYS: `k8s-admin:admin:${'ab'.repeat(32)}`,
  ALERT_WEBHOOKS: JSON.stringify([{ url: 'https://hooks.example.invalid/tthc', secret: 'a-webhook-secret-of-32-characters-x' }]),
  KAFKA_SASL_USERNAME: 'tthc-app',
  KAFKA_SASL_PASSWORD: 'x',
};

describe.each(OVERLAYS)('deploy/k8s overlay %s', (overlay) => {
  const objects = render(overlay);
  const byKind = (kind: string) => objects.filter((o) => o.kind === kind);
  const deployments = byKind('Deployment');
  const configMaps = byKind('ConfigMap');

  it('renders the four apps, the provisioning Job and their PodDisruptionBudgets', () => {
    expect(deployments.map((d) => d.metadata.name).sort()).toEqual(['tthc-aggregator', 'tthc-api', 'tthc-ingest', 'tthc-notifier']);
    expect(byKind('PodDisruptionBudget')).toHaveLength(4);
    expect(byKind('Job')).toHaveLength(1);
  });

  it.each(objects.map((o) => [`${o.kind}/${o.metadata.name}`, o]))('%s is valid against the Kubernetes schema', (_name, o) => {
    expect(schemaErrors(o)).toBeUndefined();
  });

  it('probes every Deployment on its health endpoints, with requests, limits, a non-root user and a PDB', () => {
    for (const d of deployments) {
      const spec = d.spec.template.spec;
      expect(spec.securityContext.runAsNonRoot).toBe(true);
      for (const c of spec.containers) {
        const ports = (c.ports ?? []).map((p: { name: string }) => p.name);
        expect([c.name, c.readinessProbe?.httpGet?.path]).toEqual([c.name, expect.stringMatching(/^(\/health|\/api\/v1\/health)$/)]);
        expect([c.name, c.livenessProbe?.httpGet?.path]).toEqual([c.name, expect.stringMatching(/^(\/health\/live|\/api\/v1\/health\/live)$/)]);
        expect(ports).toContain(c.readinessProbe.httpGet.port);
        expect(ports).toContain(c.livenessProbe.httpGet.port);
        for (const k of ['requests', 'limits']) expect(Object.keys((c.resources?.[k] ?? {}) as Record<string, string>).sort()).toEqual(['cpu', 'memory']);
        expect(c.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true });
      }
      const labels = d.spec.template.metadata.labels;
      const pdbs = byKind('PodDisruptionBudget').filter((p) => Object.entries(p.spec.selector.matchLabels as Record<string, string>).every(([k, v]) => labels[k] === v));
      expect([d.metadata.name, pdbs.length]).toEqual([d.metadata.name, 1]);
    }
  });

  it('keeps credentials out of ConfigMaps: they come from a Secret only', () => {
    for (const cm of configMaps) expect(Object.keys((cm.data ?? {}) as Record<string, string>).filter((k) => CREDENTIALS.includes(k))).toEqual([]);
    for (const w of [...deployments, ...byKind('Job')]) {
      for (const c of w.spec.template.spec.containers) {
        for (const e of c.env ?? []) {
          if (CREDENTIALS.includes(e.name as string)) expect([e.name, e.valueFrom?.secretKeyRef?.name]).toEqual([e.name, expect.stringMatching(/^tthc-secrets/)]);
        }
      }
    }
  });

  it("applies with the Job, by the guide's selector, everything the Job refers to (and no app)", () => {
    const first = objects.filter((o) => ['shared', 'provision'].includes(o.metadata.labels?.['app.kubernetes.io/component'] ?? ''));
    expect(first.filter((o) => o.kind === 'Deployment')).toEqual([]);
    const spec = byKind('Job')[0].spec.template.spec;
    const names = (kind: string) => first.filter((o) => o.kind === kind).map((o) => o.metadata.name);
    expect(names('ServiceAccount')).toContain(spec.serviceAccountName);
    for (const ref of spec.containers[0].envFrom) expect(names('ConfigMap')).toContain(ref.configMapRef.name);
    // The Secret: generated by the local overlay (so applied with the Job), made out of band in production.
    const secrets = [...new Set((spec.containers[0].env as { valueFrom: { secretKeyRef: { name: string } } }[]).map((e) => e.valueFrom.secretKeyRef.name))];
    if (overlay === 'local') for (const name of secrets) expect(names('Secret')).toContain(name);
    else expect(secrets).toEqual(['tthc-secrets']);
  });

  it('runs migrations in the Job only, never in an app replica', () => {
    const [job] = byKind('Job');
    expect(job.spec.template.spec.containers[0].command).toEqual(['node', 'dist/apps/cli/src/main.js', 'provision']);
    for (const d of deployments) expect(d.spec.template.spec.containers[0].command.join(' ')).not.toMatch(/cli|provision|migrat/);
  });

  it('gives each app settings it accepts (its own start-up validation)', () => {
    for (const d of deployments) {
      const app = d.metadata.name.replace('tthc-', '');
      const c = d.spec.template.spec.containers[0];
      const env: Record<string, string> = {};
      for (const ref of c.envFrom ?? []) Object.assign(env, configMaps.find((cm) => cm.metadata.name === ref.configMapRef.name)!.data);
      for (const e of c.env ?? []) env[e.name] = e.value ?? PLACEHOLDER[e.name] ?? 'x';
      expect(() => loadSettings(SETTINGS[app], env)).not.toThrow();
      expect(c.command).toEqual(['node', `dist/apps/${app}/src/main.js`]);
    }
  });

  if (overlay === 'production') {
    it('leaves the Secret out of the repository and never scales a consumer past the partition count', () => {
      expect(byKind('Secret')).toEqual([]);
      const partitions = Number(configMaps[0].data.TOPIC_PARTITIONS);
      const scaled = byKind('ScaledObject');
      expect(scaled.map((s) => s.spec.scaleTargetRef.name).sort()).toEqual(['tthc-aggregator', 'tthc-ingest']);
      for (const s of scaled) expect(s.spec.maxReplicaCount).toBeLessThanOrEqual(partitions);
      for (const name of ['tthc-ingest', 'tthc-aggregator']) expect(deployments.find((d) => d.metadata.name === name)!.spec.replicas).toBeUndefined();
    });
  }
});

describe('the schema check itself', () => {
  it('rejects a manifest with a wrong type or a missing required field', () => {
    const [deployment] = render('local').filter((o) => o.kind === 'Deployment');
    expect(schemaErrors({ ...deployment, spec: { ...deployment.spec, replicas: 'two' } })).toMatch(/replicas must be integer/);
    const { selector: _selector, ...noSelector } = deployment.spec;
    expect(schemaErrors({ ...deployment, spec: noSelector })).toMatch(/selector/);
  });
});
