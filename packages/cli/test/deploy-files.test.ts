// The deploy files an operator takes as they are (deploy/k8s, deploy/nats, deploy/grafana, deploy/prometheus): each
// parses, names only metrics and settings that exist, uses the ports the roles listen on, and the NATS users can do
// what their roles do and nothing they should not. Every checker is also shown to fail on a file made wrong.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { StoreOps, Subjects } from '@mmo/bus';
import { DEFAULTS, loadConfig } from '@mmo/core';
import { connect, type KV, type NatsConnection } from 'nats';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { parseAllDocuments } from 'yaml';
import { parseVerb, type VerbSpec } from '../src/args.js';
import { serveVerb } from '../src/verbs/admin-serve.js';
import { gatewayVerb } from '../src/verbs/gateway.js';
import { storeVerb } from '../src/verbs/store.js';
import { drainVerb, workerVerb } from '../src/verbs/worker.js';

const ROOT = new URL('../../../', import.meta.url).pathname;
const DEPLOY = join(ROOT, 'deploy');
const FOLDERS = ['k8s', 'nats', 'grafana', 'prometheus'];
const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8');
const scratch = mkdtempSync(join(tmpdir(), 'mmo-deploy-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

// ---------------------------------------------------------------------------------------------------------------
// What the code has: metric names, labels, settings, verbs.

/** Every source file of the packages. */
function sources(): { path: string; text: string }[] {
  const out: { path: string; text: string }[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts')) out.push({ path, text: read(path) });
    }
  };
  for (const pkg of readdirSync(join(ROOT, 'packages'))) {
    try {
      walk(`packages/${pkg}/src`);
    } catch {
      // a package without src
    }
  }
  return out;
}

interface KnownMetrics {
  names: Set<string>;
  labels: Set<string>;
}

/**
 * The series names the processes export: every `mmo_...` name of a file that registers Prometheus metrics
 * (histograms as their _bucket, _sum and _count series), and prom-client's default process metrics where
 * collectDefaultMetrics is called. Labels: the registries' default labels, labelNames, and Prometheus' own.
 */
async function knownMetrics(): Promise<KnownMetrics> {
  const names = new Set<string>(['up']);
  const labels = new Set<string>(['le', 'instance', 'job', 'pod', 'component', 'quantile']);
  let defaults = false;
  for (const { text } of sources()) {
    if (!/from 'prom-client'|counterFrom\(/.test(text)) continue;
    if (text.includes('collectDefaultMetrics(')) defaults = true;
    const histograms = new Set([...text.matchAll(/new Histogram\(\{\s*name:\s*'(mmo_[a-z0-9_]+)'/g)].map((m) => m[1]));
    for (const m of text.matchAll(/'(mmo_[a-z0-9_]+)'/g)) {
      const name = m[1] as string;
      if (histograms.has(name)) for (const suffix of ['_bucket', '_sum', '_count']) names.add(name + suffix);
      else names.add(name);
    }
    for (const m of text.matchAll(/setDefaultLabels\(\{([^}]*)\}/g)) {
      for (const key of (m[1] as string).matchAll(/(\w+):/g)) labels.add(key[1] as string);
    }
    for (const m of text.matchAll(/labelNames:\s*\[([^\]]*)\]/g)) {
      for (const key of (m[1] as string).matchAll(/'(\w+)'/g)) labels.add(key[1] as string);
    }
  }
  if (defaults) {
    const registry = new Registry();
    collectDefaultMetrics({ register: registry });
    for (const metric of await registry.getMetricsAsJSON()) {
      const type = String(metric.type);
      if (type === 'histogram') for (const s of ['_bucket', '_sum', '_count']) names.add(metric.name + s);
      else if (type === 'summary') for (const s of ['', '_sum', '_count']) names.add(metric.name + s);
      else names.add(metric.name);
      for (const value of (metric as { values?: { labels?: Record<string, unknown> }[] }).values ?? []) {
        for (const key of Object.keys(value.labels ?? {})) labels.add(key);
      }
    }
    registry.clear();
  }
  return { names, labels };
}

/** PromQL's words that are not metric names (functions and aggregations are told apart by their parenthesis). */
const PROMQL_WORDS = new Set(['and', 'or', 'unless', 'offset', 'bool', 'inf', 'nan']);

/** The metric names and grouping labels a PromQL expression uses. */
function promqlNames(expr: string): { metrics: string[]; labels: string[] } {
  let s = expr.replace(/"(?:[^"\\]|\\.)*"/g, '""').replace(/'(?:[^'\\]|\\.)*'/g, "''");
  const labels: string[] = [];
  for (const m of s.matchAll(/\{([^}]*)\}/g)) {
    for (const l of (m[1] as string).matchAll(/([a-zA-Z_]\w*)\s*(?:=~|!~|!=|=)/g)) labels.push(l[1] as string);
  }
  s = s.replace(/\{[^}]*\}/g, ' ').replace(/\[[^\]]*\]/g, ' ');
  for (const m of s.matchAll(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)/g)) {
    labels.push(
      ...(m[1] as string)
        .split(',')
        .map((l) => l.trim())
        .filter((l) => l !== ''),
    );
  }
  s = s.replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ').replace(/\$\{?\w+\}?/g, ' ');
  const metrics: string[] = [];
  for (const m of s.matchAll(/(?<![\w.])[a-zA-Z_:][\w:]*/g)) {
    const word = m[0];
    const after = s.slice((m.index ?? 0) + word.length).trimStart();
    if (after.startsWith('(') || PROMQL_WORDS.has(word)) continue;
    metrics.push(word);
  }
  return { metrics, labels };
}

/** Problems with the metrics and labels of some PromQL expressions. */
function metricProblems(where: string, exprs: string[], known: KnownMetrics): string[] {
  const problems: string[] = [];
  for (const expr of exprs) {
    const { metrics, labels } = promqlNames(expr);
    if (metrics.length === 0) problems.push(`${where}: no metric in ${expr}`);
    for (const m of metrics) if (!known.names.has(m)) problems.push(`${where}: no metric ${m} in the code (${expr})`);
    for (const l of labels) if (!known.labels.has(l)) problems.push(`${where}: no label ${l} on our metrics (${expr})`);
  }
  return problems;
}

/** The verbs of `mmo` (the keys of VERBS in main.ts). */
function mmoVerbs(): Set<string> {
  const main = read('packages/cli/src/main.ts');
  const block = main.slice(main.indexOf('const VERBS'), main.indexOf('\n};', main.indexOf('const VERBS')));
  return new Set([...block.matchAll(/^ {2}(?:'([a-z ]+)'|([a-z]+)): \{/gm)].map((m) => (m[1] ?? m[2]) as string));
}

const SPECS: VerbSpec[] = [gatewayVerb, storeVerb, workerVerb, drainVerb, serveVerb];

// ---------------------------------------------------------------------------------------------------------------
// NATS configuration: a parser for the subset of the nats-server format the files use, and subject matching.

/** A `$NAME` reference: a variable of the file, or else of nats-server's environment. */
class ConfVar {
  constructor(readonly name: string) {}
  toString(): string {
    return `$${this.name}`;
  }
}
type ConfValue = string | number | boolean | ConfVar | ConfValue[] | ConfMap;
interface ConfMap {
  [key: string]: ConfValue;
}

/** Parses nats-server configuration text; `include` is read through `load`. Throws on a syntax error. */
function parseNatsConf(text: string, load: (path: string) => string = () => ''): ConfMap {
  const tokens: { t: string; v: string }[] = [];
  for (let i = 0; i < text.length; ) {
    const c = text[i] as string;
    if (c === '#' || (c === '/' && text[i + 1] === '/')) {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '\n') {
      tokens.push({ t: 'nl', v: c });
      i++;
    } else if (/\s/.test(c)) i++;
    else if ('{}[],:=;'.includes(c)) {
      tokens.push({ t: c, v: c });
      i++;
    } else if (c === '"' || c === "'") {
      const end = text.indexOf(c, i + 1);
      if (end < 0 || text.slice(i, end).includes('\n')) throw new Error(`unterminated string at ${i}`);
      tokens.push({ t: 'str', v: text.slice(i + 1, end) });
      i = end + 1;
    } else {
      let j = i;
      while (j < text.length && !/[\s{}[\],:=;#]/.test(text[j] as string)) j++;
      tokens.push({ t: 'word', v: text.slice(i, j) });
      i = j;
    }
  }
  let at = 0;
  const peek = () => tokens[at];
  const skip = (...kinds: string[]) => {
    while (peek() && kinds.includes((peek() as { t: string }).t)) at++;
  };
  const value = (): ConfValue => {
    skip('nl');
    const tok = tokens[at++];
    if (!tok) throw new Error('a value is missing at the end');
    if (tok.t === '{') return map('}');
    if (tok.t === '[') {
      const list: ConfValue[] = [];
      for (;;) {
        skip('nl', ',');
        if (peek()?.t === ']') {
          at++;
          return list;
        }
        if (!peek()) throw new Error('unclosed [');
        list.push(value());
      }
    }
    if (tok.t === 'str') return tok.v;
    if (tok.t !== 'word') throw new Error(`unexpected "${tok.v}"`);
    if (tok.v.startsWith('$')) return new ConfVar(tok.v.slice(1));
    if (/^-?\d+$/.test(tok.v)) return Number(tok.v);
    if (tok.v === 'true' || tok.v === 'false') return tok.v === 'true';
    return tok.v;
  };
  const map = (close: string | null): ConfMap => {
    const out: ConfMap = {};
    for (;;) {
      skip('nl', ',', ';');
      const tok = tokens[at];
      if (!tok) {
        if (close) throw new Error(`unclosed {`);
        return out;
      }
      at++;
      if (tok.t === close) return out;
      if (tok.t !== 'word' && tok.t !== 'str') throw new Error(`unexpected "${tok.v}" where a key belongs`);
      if (tok.v === 'include') {
        const path = tokens[at++];
        if (!path || (path.t !== 'word' && path.t !== 'str')) throw new Error('include without a file');
        Object.assign(out, parseNatsConf(load(path.v), load));
        continue;
      }
      if (peek()?.t === ':' || peek()?.t === '=') at++;
      out[tok.v] = value();
    }
  };
  return map(null);
}

const isMap = (v: ConfValue | undefined): v is ConfMap =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof ConfVar);
const strings = (v: ConfValue | undefined): string[] =>
  v === undefined ? [] : Array.isArray(v) ? v.map(String) : [String(v)];

/** Whether a NATS subject pattern (with * and >) covers a subject. */
function subjectMatches(pattern: string, subject: string): boolean {
  const p = pattern.split('.');
  const s = subject.split('.');
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '>') return s.length > i;
    if (i >= s.length || (p[i] !== '*' && p[i] !== s[i])) return false;
  }
  return p.length === s.length;
}

interface UserRules {
  publish: string[];
  publishDeny: string[];
  subscribe: string[];
  subscribeDeny: string[];
  allowResponses: boolean;
  password: ConfValue | undefined;
}

/** The users of the MMO account of accounts.conf, by name. */
function usersOf(conf: ConfMap): Map<string, UserRules> {
  const accounts = conf.accounts;
  const mmo = isMap(accounts) ? accounts.MMO : undefined;
  const users = new Map<string, UserRules>();
  if (!isMap(mmo) || !Array.isArray(mmo.users)) return users;
  for (const u of mmo.users) {
    if (!isMap(u)) continue;
    const perms = isMap(u.permissions) ? u.permissions : {};
    const side = (name: string, key: 'allow' | 'deny') => {
      const p = perms[name];
      return isMap(p) ? strings(p[key]) : key === 'allow' ? strings(p) : [];
    };
    users.set(String(u.user), {
      publish: side('publish', 'allow'),
      publishDeny: side('publish', 'deny'),
      subscribe: side('subscribe', 'allow'),
      subscribeDeny: side('subscribe', 'deny'),
      allowResponses: perms.allow_responses === true,
      password: u.password,
    });
  }
  return users;
}

const mayPublish = (u: UserRules, s: string) =>
  u.publish.some((p) => subjectMatches(p, s)) && !u.publishDeny.some((p) => subjectMatches(p, s));
const maySubscribe = (u: UserRules, s: string) =>
  u.subscribe.some((p) => subjectMatches(p, s)) && !u.subscribeDeny.some((p) => subjectMatches(p, s));

const natsFile = (name: string) => read(`deploy/nats/${name}`);
const loadNats = (path: string) => natsFile(path.replace(/^\.\//, ''));
const NODES = ['nats-1', 'nats-2', 'nats-3'];

/** Problems of one node's file: names, ports, routes, JetStream, TLS, the accounts it includes. */
function nodeProblems(node: string, conf: ConfMap): string[] {
  const problems: string[] = [];
  const expect = (ok: boolean, what: string) => {
    if (!ok) problems.push(`${node}.conf: ${what}`);
  };
  expect(conf.server_name === node, `server_name is ${String(conf.server_name)}, not ${node}`);
  expect(conf.port === 4222, 'client port is not 4222');
  expect(conf.http_port === 8222, 'monitoring port is not 8222');
  const js = conf.jetstream;
  expect(isMap(js) && typeof js.store_dir === 'string', 'no jetstream { store_dir }');
  const cluster = isMap(conf.cluster) ? conf.cluster : {};
  expect(cluster.name === 'mmo', 'cluster name is not mmo');
  expect(cluster.port === 6222, 'cluster port is not 6222');
  const others = NODES.filter((n) => n !== node).map((n) => `nats-route://${n}:6222`);
  expect(JSON.stringify(strings(cluster.routes).sort()) === JSON.stringify(others), 'routes are not the other two');
  for (const [where, tls] of [
    ['tls', conf.tls],
    ['cluster.tls', cluster.tls],
  ] as const) {
    const paths = isMap(tls) ? [tls.cert_file, tls.key_file, tls.ca_file].map(String) : [];
    expect(
      paths.length === 3 && paths.every((p) => p.startsWith('/etc/nats/tls/')),
      `${where}: files not in /etc/nats/tls`,
    );
  }
  expect(isMap(cluster.tls) && cluster.tls.verify === true, 'routes do not verify certificates');
  expect(usersOf(conf).size === 4, 'does not include the four users of accounts.conf');
  return problems;
}

// ---------------------------------------------------------------------------------------------------------------
// Kubernetes manifests.

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string }; fieldRef?: { fieldPath: string } };
}
interface Probe {
  httpGet?: { path: string; port: string | number };
}
interface Container {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  env?: EnvVar[];
  envFrom?: { secretRef?: { name: string }; configMapRef?: { name: string } }[];
  ports?: { name?: string; containerPort: number }[];
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  startupProbe?: Probe;
  lifecycle?: { preStop?: { exec?: { command: string[] } } };
  volumeMounts?: { name: string; mountPath: string }[];
}
interface PodSpec {
  containers: Container[];
  terminationGracePeriodSeconds?: number;
  volumes?: { name: string; configMap?: { name: string }; secret?: { secretName: string } }[];
}
interface K8sDoc {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  data?: Record<string, string>;
  stringData?: Record<string, string>;
  resources?: string[];
  spec?: {
    replicas?: number;
    ordinals?: { start: number };
    selector?: Record<string, string> & { matchLabels?: Record<string, string> };
    template?: { metadata: { labels: Record<string, string> }; spec: PodSpec };
    volumeClaimTemplates?: { metadata: { name: string } }[];
    ports?: { name?: string; port: number; targetPort?: string | number }[];
    maxUnavailable?: number;
  };
}

/** Every document of every YAML file of deploy/k8s. */
function k8sDocs(): { file: string; doc: K8sDoc }[] {
  return readdirSync(join(DEPLOY, 'k8s'))
    .filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml')
    .flatMap((file) => yamlDocs(`deploy/k8s/${file}`).map((doc) => ({ file, doc: doc as K8sDoc })));
}

/** The documents of a YAML file. Throws on a syntax error. */
function yamlDocs(path: string, text = read(path)): unknown[] {
  const docs = parseAllDocuments(text);
  if (!Array.isArray(docs)) return [];
  for (const d of docs) if (d.errors.length > 0) throw new Error(`${path}: ${d.errors[0]?.message}`);
  return docs.map((d) => d.toJS()).filter((d) => d !== null);
}

const workloadKinds = new Set(['Deployment', 'StatefulSet']);
const MMO_BIN = 'packages/cli/bin/mmo.js';
/** Where the pods read mmo.config.json (the ConfigMap mmo-config, mounted); the checks give a copy of it instead. */
const CONFIG_MOUNT = '/etc/mmo/mmo.config.json';

/** The `mmo` command lines of a container: its command and args, and its preStop hook's. */
function mmoCommands(c: Container): { where: string; argv: string[] }[] {
  const out: { where: string; argv: string[] }[] = [];
  const argv = [...(c.command ?? []), ...(c.args ?? [])];
  if (argv[0] === 'node' && argv[1]?.endsWith('mmo.js')) out.push({ where: 'command', argv: argv.slice(1) });
  const hook = c.lifecycle?.preStop?.exec?.command ?? [];
  const shell = hook[0] === 'sh' && hook[1] === '-c' ? (hook[2] ?? '') : '';
  for (const m of shell.matchAll(/node (\S+mmo\.js)((?:\s+(?!&&|;)[^\s;&]+)+)/g)) {
    out.push({ where: 'preStop', argv: [m[1] as string, ...(m[2] as string).trim().split(/\s+/)] });
  }
  return out;
}

/** Runs an `mmo` command line through the verb's own parser: flags, --set keys and the config file are checked. */
function parseMmo(argv: string[], configText: string, env: Record<string, string>) {
  const verbs = mmoVerbs();
  const [, first, second, ...rest] = argv;
  const two = `${first} ${second}`;
  const name = verbs.has(two) ? two : (first ?? '');
  if (!verbs.has(name)) throw new Error(`mmo has no verb "${name}"`);
  const spec = SPECS.find((s) => s.name === name);
  if (!spec) throw new Error(`no spec for "mmo ${name}" in this test`);
  const file = join(scratch, `config-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, configText);
  const args = (name === two ? rest : [second ?? '', ...rest])
    .filter((a) => a !== '')
    .map((a) => a.replace(/^"|"$/g, ''))
    .map((a) => a.replace(/\$\((\w+)\)|\$(\w+)/g, (_, x, y) => env[x ?? y] ?? `unset-${x ?? y}`))
    .map((a) => (a === CONFIG_MOUNT ? file : a));
  return { verb: name, ...parseVerb(spec, args) };
}

const FIELD_ENV = { POD_NAME: 'worker-7d9c5b-x2x9z' };

interface RoleRun {
  component: string;
  container: Container;
  pod: PodSpec;
  verb: string;
  config: ReturnType<typeof loadConfig>;
  port: (name: string | number | undefined) => number | undefined;
}

/** The manifests' problems: references, settings, ports, probes, drains. Returns the roles as they would run. */
function k8sProblems(docs: K8sDoc[]): { problems: string[]; runs: RoleRun[] } {
  const problems: string[] = [];
  const runs: RoleRun[] = [];
  const named = (kind: string, name: string) => docs.find((d) => d.kind === kind && d.metadata.name === name);
  const mmoConfig = named('ConfigMap', 'mmo-config')?.data?.['mmo.config.json'];
  if (!mmoConfig) return { problems: ['no ConfigMap mmo-config with mmo.config.json'], runs };
  for (const d of docs) {
    if (!d.apiVersion || !d.kind || !d.metadata?.name) problems.push(`a document without apiVersion, kind or name`);
    if (d.kind !== 'Namespace' && d.metadata?.namespace !== 'mmo')
      problems.push(`${d.kind} ${d.metadata?.name}: namespace`);
  }
  for (const w of docs.filter((d) => workloadKinds.has(d.kind))) {
    const where = `${w.kind} ${w.metadata.name}`;
    const pod = w.spec?.template?.spec;
    const labels = w.spec?.template?.metadata.labels ?? {};
    if (!pod) {
      problems.push(`${where}: no pod template`);
      continue;
    }
    for (const [k, v] of Object.entries(w.spec?.selector?.matchLabels ?? {})) {
      if (labels[k] !== v) problems.push(`${where}: selector ${k}=${v} does not select its own pods`);
    }
    const claims = (w.spec?.volumeClaimTemplates ?? []).map((v) => v.metadata.name);
    for (const v of pod.volumes ?? []) {
      if (v.configMap && !named('ConfigMap', v.configMap.name))
        problems.push(`${where}: no ConfigMap ${v.configMap.name}`);
      // nats-tls is made by the operator (or cert-manager) from the cluster's own certificate.
      if (v.secret && v.secret.secretName !== 'nats-tls' && !named('Secret', v.secret.secretName)) {
        problems.push(`${where}: no Secret ${v.secret.secretName}`);
      }
    }
    for (const c of pod.containers) {
      const volumes = new Set([...(pod.volumes ?? []).map((v) => v.name), ...claims]);
      for (const m of c.volumeMounts ?? []) if (!volumes.has(m.name)) problems.push(`${where}: no volume ${m.name}`);
      const secretKeys = (name: string) => Object.keys(named('Secret', name)?.stringData ?? {});
      for (const e of c.envFrom ?? []) {
        if (e.secretRef && !named('Secret', e.secretRef.name)) problems.push(`${where}: no Secret ${e.secretRef.name}`);
      }
      for (const e of c.env ?? []) {
        const ref = e.valueFrom?.secretKeyRef;
        if (ref && !secretKeys(ref.name).includes(ref.key)) problems.push(`${where}: no key ${ref.key} in ${ref.name}`);
      }
      const port = (p: string | number | undefined) =>
        typeof p === 'number' ? p : c.ports?.find((x) => x.name === p)?.containerPort;
      for (const probe of [c.readinessProbe, c.livenessProbe, c.startupProbe]) {
        if (probe?.httpGet && port(probe.httpGet.port) === undefined) {
          problems.push(`${where}: probe on a port the container does not name (${probe.httpGet.port})`);
        }
      }
      const env: Record<string, string> = { ...FIELD_ENV };
      for (const { where: at, argv } of mmoCommands(c)) {
        if (argv[0] !== MMO_BIN) problems.push(`${where} ${at}: runs ${argv[0]}, not ${MMO_BIN}`);
        try {
          const parsed = parseMmo(argv, mmoConfig, env);
          if (at === 'command') {
            const component = labels['app.kubernetes.io/component'] ?? '';
            runs.push({ component, container: c, pod, verb: parsed.verb, config: parsed.config, port });
          }
        } catch (error) {
          problems.push(`${where} ${at}: ${(error as Error).message}`);
        }
      }
    }
  }
  for (const run of runs) problems.push(...roleProblems(run, docs));
  for (const s of docs.filter((d) => d.kind === 'Service' || d.kind === 'PodDisruptionBudget')) {
    const selector = (s.kind === 'Service' ? s.spec?.selector : s.spec?.selector?.matchLabels) ?? {};
    const pods = docs
      .filter((d) => workloadKinds.has(d.kind))
      .filter((d) => {
        const labels: Record<string, string | undefined> = { ...d.spec?.template?.metadata.labels };
        const names = d.kind === 'StatefulSet' ? podNames(d) : [];
        return Object.entries(selector).every(([k, v]) =>
          k === 'statefulset.kubernetes.io/pod-name' ? names.includes(v) : labels[k] === v,
        );
      });
    if (pods.length === 0) problems.push(`${s.kind} ${s.metadata.name}: selects no pods`);
    for (const p of s.spec?.ports ?? []) {
      const target = p.targetPort ?? p.port;
      const served = pods.some((d) =>
        d.spec?.template?.spec.containers.some((c) =>
          (c.ports ?? []).some((cp) => (typeof target === 'number' ? cp.containerPort === target : cp.name === target)),
        ),
      );
      if (!served) problems.push(`Service ${s.metadata.name}: port ${target} is no container's`);
      const container = pods[0]?.spec?.template?.spec.containers[0];
      const number =
        typeof target === 'number' ? target : container?.ports?.find((x) => x.name === target)?.containerPort;
      if (number !== undefined && number !== p.port) {
        problems.push(`Service ${s.metadata.name}: port ${p.port} forwards to ${number}`);
      }
    }
  }
  return { problems, runs };
}

function podNames(d: K8sDoc): string[] {
  const start = d.spec?.ordinals?.start ?? 0;
  return Array.from({ length: d.spec?.replicas ?? 1 }, (_, i) => `${d.metadata.name}-${start + i}`);
}

/** How long `mmo` gives a role to stop cleanly after SIGTERM (role-runtime.ts). */
function stopGuardSeconds(): number {
  const m = /did not stop within (\d+) s/.exec(read('packages/cli/src/role-runtime.ts'));
  return Number(m?.[1] ?? 15);
}

/** The routes a role serves for probes: the gateway's HTTP routes, the metrics listener's, the admin's page. */
function routesOf(verb: string): string[] {
  if (verb === 'gateway') {
    return [...read('packages/gateway/src/http-routes.ts').matchAll(/app\.get\('([^'*]+)'/g)].map(
      (m) => m[1] as string,
    );
  }
  if (verb === 'admin serve') return read('packages/admin/src/http-api.ts').includes("path === '/'") ? ['/'] : [];
  return [...read('packages/core/src/metrics-server.ts').matchAll(/req\.url === '([^']+)'/g)].map(
    (m) => m[1] as string,
  );
}

/** The role-specific checks: its listening port is the one the pod declares, probes, volumes, drains. */
function roleProblems(run: RoleRun, docs: K8sDoc[]): string[] {
  const problems: string[] = [];
  const where = `${run.component} (mmo ${run.verb})`;
  const { config, container: c, pod } = run;
  const listen: Record<string, { host: string; port: number; portName: string; fixed?: number }> = {
    gateway: { host: config.gateway.host, port: config.gateway.port, portName: 'http', fixed: DEFAULTS.gateway.port },
    worker: { host: config.zone.metricsHost, port: config.zone.metricsPort, portName: 'metrics' },
    store: { host: config.store.metricsHost, port: config.store.metricsPort, portName: 'metrics' },
    'admin serve': { host: config.admin.host, port: config.admin.port, portName: 'http', fixed: DEFAULTS.admin.port },
  };
  const l = listen[run.verb];
  if (!l) return [`${where}: not a role this test knows`];
  if (l.fixed !== undefined && l.port !== l.fixed) problems.push(`${where}: listens on ${l.port}, not ${l.fixed}`);
  if (l.port === 0) problems.push(`${where}: listens on a free port, which no probe or scrape can name`);
  if (l.host !== '0.0.0.0') problems.push(`${where}: listens on ${l.host}, not reachable from outside the pod`);
  if (run.port(l.portName) !== l.port) {
    problems.push(`${where}: container port ${l.portName} is ${run.port(l.portName)}, the role listens on ${l.port}`);
  }
  const routes = routesOf(run.verb);
  if (!c.readinessProbe?.httpGet) problems.push(`${where}: no HTTP readiness probe`);
  for (const probe of [c.readinessProbe, c.livenessProbe]) {
    const get = probe?.httpGet;
    if (!get) continue;
    if (run.port(get.port) !== l.port) problems.push(`${where}: a probe on port ${get.port}, not ${l.port}`);
    if (!routes.includes(get.path.split('?')[0] as string)) problems.push(`${where}: no route ${get.path} to probe`);
  }
  if (['gateway', 'worker', 'store'].includes(run.verb) && c.readinessProbe?.httpGet?.path !== '/healthz') {
    problems.push(`${where}: readiness is not /healthz`);
  }
  if (run.verb === 'store') {
    const mount = c.volumeMounts?.find((m) => m.name === 'data');
    if (mount?.mountPath !== config.dataDir) problems.push(`${where}: the volume is not at dataDir ${config.dataDir}`);
  }
  if (run.verb === 'worker') {
    const hook = (c.lifecycle?.preStop?.exec?.command ?? []).join(' ');
    if (!/worker drain "\$POD_NAME"/.test(hook)) problems.push(`${where}: preStop does not drain the pod's worker`);
    if (!(c.args ?? []).join(' ').includes('--id $(POD_NAME)')) problems.push(`${where}: the worker is not the pod`);
    const wait = Number(/sleep (\d+)/.exec(hook)?.[1] ?? 0);
    if ((pod.terminationGracePeriodSeconds ?? 30) < wait + stopGuardSeconds()) {
      problems.push(`${where}: terminationGracePeriodSeconds is shorter than the drain wait and the stop`);
    }
    const pdb = docs.find(
      (d) =>
        d.kind === 'PodDisruptionBudget' &&
        d.spec?.selector?.matchLabels?.['app.kubernetes.io/component'] === run.component,
    );
    if (!pdb) problems.push(`${where}: no PodDisruptionBudget`);
  }
  const configVolume = pod.volumes?.find((v) => v.configMap?.name === 'mmo-config')?.name;
  const mounted = c.volumeMounts?.find((m) => m.name === configVolume)?.mountPath;
  if (`${mounted}/mmo.config.json` !== CONFIG_MOUNT) problems.push(`${where}: mmo-config is not at ${CONFIG_MOUNT}`);
  const natsSecret = c.envFrom?.find((e) => e.secretRef?.name.startsWith('mmo-nats-'))?.secretRef?.name;
  if (!natsSecret) problems.push(`${where}: no NATS credentials (NATS_USER, NATS_PASSWORD)`);
  return problems;
}

// ---------------------------------------------------------------------------------------------------------------

let known: KnownMetrics;
beforeAll(async () => {
  known = await knownMetrics();
});

describe('every deploy file parses', () => {
  const files = FOLDERS.flatMap((f) => readdirSync(join(DEPLOY, f)).map((name) => `deploy/${f}/${name}`));

  test('the folders hold only files this test checks (or documentation)', () => {
    expect(files.length).toBeGreaterThan(10);
    for (const f of files) expect(f).toMatch(/\.(ya?ml|json|conf|md)$/);
  });

  test.each(files.filter((f) => /\.ya?ml$/.test(f)))('%s is YAML', (file) => {
    expect(yamlDocs(file).length).toBeGreaterThan(0);
  });

  test.each(files.filter((f) => f.endsWith('.json')))('%s is JSON', (file) => {
    expect(() => JSON.parse(read(file))).not.toThrow();
  });

  test.each(files.filter((f) => f.endsWith('.conf')))('%s is nats-server configuration', (file) => {
    expect(Object.keys(parseNatsConf(read(file), loadNats)).length).toBeGreaterThan(0);
  });

  test('the checks of parsing fail on broken files', () => {
    expect(() => yamlDocs('broken.yaml', 'spec:\n  ports: [1, 2\n  name: x\n')).toThrow(/broken\.yaml/);
    expect(() => yamlDocs('broken.yaml', 'a: 1\n b: 2\n')).toThrow();
    expect(() => parseNatsConf('cluster {\n  port: 6222\n')).toThrow(/unclosed/);
    expect(() => parseNatsConf('tls { cert_file: "/etc/nats/tls/tls.crt }')).toThrow(/unterminated/);
  });
});

describe('the NATS cluster (deploy/nats)', () => {
  const confs = NODES.map((n) => ({ node: n, conf: parseNatsConf(natsFile(`${n}.conf`), loadNats) }));
  const users = usersOf(parseNatsConf(natsFile('accounts.conf')));

  test.each(NODES)('%s.conf: its name, ports 4222 / 6222 / 8222, routes to the other two, JetStream, TLS', (node) => {
    const conf = confs.find((c) => c.node === node)?.conf as ConfMap;
    expect(nodeProblems(node, conf)).toEqual([]);
  });

  test('the node check fails on a wrong name, port or route', () => {
    const wrong = natsFile('nats-2.conf')
      .replace('server_name: nats-2', 'server_name: nats-1')
      .replace('port: 4222', 'port: 4223')
      .replace('nats-route://nats-3:6222', 'nats-route://nats-2:6222');
    const problems = nodeProblems('nats-2', parseNatsConf(wrong, loadNats));
    expect(problems.join('\n')).toMatch(/server_name is nats-1/);
    expect(problems.join('\n')).toMatch(/client port/);
    expect(problems.join('\n')).toMatch(/routes/);
  });

  test('one user per role, in an account with JetStream, each password a variable from the environment', () => {
    expect([...users.keys()].sort()).toEqual(['admin', 'gateway', 'store', 'worker']);
    const account = parseNatsConf(natsFile('accounts.conf')).accounts as ConfMap;
    expect((account.MMO as ConfMap).jetstream).toBe('enabled');
    for (const [name, u] of users) expect(String(u.password)).toBe(`$${name.toUpperCase()}_PASS`);
  });

  const world = new Subjects('default');
  const zone = 'nw';
  // What each role does on the bus (packages/*/src), and what it must not be able to do.
  const may: Record<string, { publish: string[]; subscribe: string[] }> = {
    gateway: {
      publish: [
        world.zoneIn(zone),
        world.store(StoreOps.registerCheck),
        world.store(StoreOps.register),
        world.store(StoreOps.credentials),
        world.store(StoreOps.grant),
        world.store(StoreOps.resume),
        world.transfers(),
        world.characters(),
        world.worldBeacons(),
        `$KV.${world.partitionBucket()}.map`,
        `$KV.${world.returningBucket()}.n.alice`,
        '$KV.mmo_worlds.catalogue',
        `$JS.API.STREAM.INFO.KV_${world.maintenanceBucket()}`,
        `$JS.API.CONSUMER.CREATE.KV_${world.maintenanceBucket()}`,
      ],
      subscribe: [
        world.gatewayOut('gateway-7f-abc'),
        world.gatewayPresence('gateway-7f-abc'),
        world.gatewayKick(),
        world.gatewayPlayers(),
        world.gatewayAdminKick(),
        world.gatewayAnnounce(),
        world.allZoneHeartbeats(),
        world.worldBeacons(),
        '_INBOX.gateway.abc.1',
      ],
    },
    worker: {
      publish: [
        world.zoneIn(zone),
        world.zoneGhosts(zone),
        world.zoneEvents(zone),
        world.zoneHandoff(zone),
        world.zoneHeartbeat(zone),
        world.gatewayOut('gateway-7f-abc'),
        world.gatewayPresence('gateway-7f-abc'),
        world.store(StoreOps.save),
        world.store(StoreOps.audit),
        world.store(StoreOps.npcs),
        world.store(StoreOps.itemChange),
        world.store(StoreOps.itemSync),
        `$KV.${world.partitionBucket()}.map`,
        `$KV.${world.leaseBucket()}.director`,
        `$KV.${world.opsBucket()}.x`,
      ],
      subscribe: [
        world.zoneIn(zone),
        world.zoneGhosts(zone),
        world.zoneEvents(zone),
        world.zoneHandoff(zone),
        world.zoneInspect(zone),
        world.zoneTeleport(zone),
        world.allZoneHeartbeats(),
        world.workerDrain('worker-7d9c5b-x2x9z'),
        world.directorRequest(),
        '_INBOX.worker.abc.1',
      ],
    },
    store: {
      publish: [world.gatewayKick()],
      subscribe: [
        ...Object.values(StoreOps).map((op) => world.store(op)),
        new Subjects('beta').store(StoreOps.save),
        world.transfers(),
        world.characters(),
        world.transferLog(),
        '_INBOX.store.abc.1',
      ],
    },
    admin: {
      publish: [
        world.directorRequest(),
        world.workerDrain('worker-7d9c5b-x2x9z'),
        world.zoneInspect(zone),
        world.zoneTeleport(zone),
        world.gatewayPlayers(),
        world.gatewayAdminKick(),
        world.gatewayAnnounce(),
        world.store(StoreOps.auditQuery),
        world.store(StoreOps.adminRecord),
        world.store(StoreOps.adminActions),
        world.transfers(),
        world.characters(),
        world.transferLog(),
        `$KV.${world.maintenanceBucket()}.announcement`,
      ],
      subscribe: [world.allZoneHeartbeats(), world.worldBeacons(), '_INBOX.admin.abc.1'],
    },
  };
  const mayNot: Record<string, { publish: string[]; subscribe: string[] }> = {
    gateway: {
      publish: [
        world.zoneHandoff(zone),
        world.zoneGhosts(zone),
        world.store(StoreOps.save),
        world.store(StoreOps.itemChange),
        world.gatewayOut('other-gateway'),
        world.directorRequest(),
        `$KV.${world.leaseBucket()}.director`,
        `$KV.${world.maintenanceBucket()}.announcement`,
        `$JS.API.STREAM.DELETE.KV_${world.partitionBucket()}`,
        '_INBOX.worker.abc.1',
      ],
      subscribe: ['_INBOX.worker.abc.1', world.zoneIn(zone), world.store(StoreOps.grant), '>'],
    },
    worker: {
      publish: [
        world.store(StoreOps.register),
        world.store(StoreOps.grant),
        world.gatewayAnnounce(),
        `$KV.${world.maintenanceBucket()}.announcement`,
        `$JS.API.STREAM.PURGE.KV_${world.leaseBucket()}`,
      ],
      subscribe: [world.store(StoreOps.save), '_INBOX.admin.abc.1'],
    },
    store: {
      publish: [world.zoneIn(zone), world.gatewayOut('g'), `$KV.${world.partitionBucket()}.map`],
      subscribe: [world.zoneIn(zone), world.gatewayOut('g')],
    },
    admin: {
      publish: [
        `$KV.${world.partitionBucket()}.map`,
        `$KV.${world.leaseBucket()}.director`,
        world.zoneHandoff(zone),
        world.store(StoreOps.save),
        `$JS.API.STREAM.DELETE.KV_${world.partitionBucket()}`,
      ],
      subscribe: [world.zoneIn(zone), '_INBOX.gateway.abc.1'],
    },
  };

  test.each(Object.keys(may))('%s may publish and subscribe on what its role uses', (role) => {
    const u = users.get(role) as UserRules;
    expect(may[role]?.publish.filter((s) => !mayPublish(u, s))).toEqual([]);
    expect(may[role]?.subscribe.filter((s) => !maySubscribe(u, s))).toEqual([]);
    expect(u.allowResponses).toBe(role !== 'admin');
  });

  test.each(Object.keys(mayNot))("%s may not publish or subscribe on other roles' subjects", (role) => {
    const u = users.get(role) as UserRules;
    expect(mayNot[role]?.publish.filter((s) => mayPublish(u, s))).toEqual([]);
    expect(mayNot[role]?.subscribe.filter((s) => maySubscribe(u, s))).toEqual([]);
  });

  test('subject matching: * is one token, > the rest', () => {
    expect(subjectMatches('w.*.zone.*.in', 'w.default.zone.nw.in')).toBe(true);
    expect(subjectMatches('w.*.zone.*.in', 'w.default.zone.nw.handoff')).toBe(false);
    expect(subjectMatches('w.*.store.>', 'w.default.store')).toBe(false);
    expect(subjectMatches('w.*.store.>', 'w.default.store.save')).toBe(true);
    expect(subjectMatches('$KV.mmo_default_partition.>', '$KV.mmo_default_leases.x')).toBe(false);
  });

  const natsBin = spawnSync('nats-server', ['--version']).status === 0;
  const openssl = spawnSync('openssl', ['version']).status === 0;
  const tlsDir = join(scratch, 'tls');
  /** Each role's password, as the role gives it (NATS_PASSWORD). */
  const passwordOf: Record<string, string> = {
    gateway: 'gw-secret',
    worker: 'wk-secret',
    store: 'st-secret',
    admin: 'admin-secret',
  };
  /**
   * The nats-server's environment, in the form of the nats-users Secret: each value quoted. The admin's is a bcrypt
   * hash of its password (cost 10), as in production; the others are plain, which nats-server accepts too.
   */
  const passwords = {
    GATEWAY_PASS: '"gw-secret"',
    WORKER_PASS: '"wk-secret"',
    STORE_PASS: '"st-secret"',
    ADMIN_PASS: '"$2b$10$16F7MPKY5hUqMW4LLqoH3e7cy3KkHQGYb4/JKJoPfpE./CWzOO.cy"',
  };

  beforeAll(() => {
    if (!openssl) return;
    // A throwaway CA and one certificate for the nodes, as deploy/nats/README.md asks for.
    mkdirSync(tlsDir, { recursive: true });
    const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
    const run = (args: string[]) => {
      const r = spawnSync('openssl', args, { cwd: tlsDir, encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`openssl ${args[0]}: ${r.stderr}`);
    };
    run(['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '1', '-subj', '/CN=mmo test CA']);
    run(['req', ...ec, '-keyout', 'tls.key', '-out', 'tls.csr', '-subj', '/CN=nats']);
    writeFileSync(
      join(tlsDir, 'ext.cnf'),
      [
        'subjectAltName=DNS:nats-1,DNS:nats-2,DNS:nats-3,DNS:localhost,IP:127.0.0.1',
        'extendedKeyUsage=serverAuth,clientAuth',
        '',
      ].join('\n'),
    );
    run(
      ['x509', '-req', '-in', 'tls.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial'].concat([
        '-out',
        'tls.crt',
        '-days',
        '1',
        '-extfile',
        'ext.cnf',
      ]),
    );
  });

  /** The deploy/nats files in a folder, TLS and JetStream paths moved there (without openssl: no TLS blocks). */
  function copyOfNats(name: string): string {
    const dir = join(scratch, name);
    mkdirSync(dir, { recursive: true });
    for (const file of ['nats-1.conf', 'nats-2.conf', 'nats-3.conf', 'accounts.conf']) {
      let text = natsFile(file).replaceAll('/data/jetstream', join(dir, 'jetstream'));
      text = openssl
        ? text.replaceAll('/etc/nats/tls/', `${tlsDir}/`)
        : text.replace(/^(\s*)tls \{[^}]*\}/gm, '$1# (no TLS: openssl is missing)');
      writeFileSync(join(dir, file), text);
    }
    return dir;
  }

  (natsBin ? test : test.skip).each(NODES)('nats-server -t accepts %s.conf (with the passwords set)', (node) => {
    const dir = copyOfNats('check');
    const ok = spawnSync('nats-server', ['-t', '-c', join(dir, `${node}.conf`)], {
      env: { ...process.env, ...passwords },
      encoding: 'utf8',
    });
    expect(`${ok.stdout}${ok.stderr}`).toMatch(/is valid/);
    expect(ok.status).toBe(0);
  });

  (natsBin ? test : test.skip)('nats-server -t refuses them without the passwords, or broken', () => {
    const dir = copyOfNats('check-fails');
    const env = { ...process.env };
    for (const k of Object.keys(passwords)) delete env[k];
    const missing = spawnSync('nats-server', ['-t', '-c', join(dir, 'nats-1.conf')], { env, encoding: 'utf8' });
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toMatch(/GATEWAY_PASS/);
    writeFileSync(join(dir, 'nats-1.conf'), `${readFileSync(join(dir, 'nats-1.conf'), 'utf8')}\ncluster {\n`);
    const broken = spawnSync('nats-server', ['-t', '-c', join(dir, 'nats-1.conf')], {
      env: { ...process.env, ...passwords },
      encoding: 'utf8',
    });
    expect(broken.status).not.toBe(0);
  });

  describe('the users on a real nats-server', () => {
    let server: ChildProcess | null = null;
    let port = 0;
    const conns: NatsConnection[] = [];
    const refusals = new Map<NatsConnection, string[]>();

    beforeAll(async () => {
      if (!natsBin) return;
      const dir = copyOfNats('live');
      port = await freePort();
      // One node: the accounts of deploy/nats as they are, its client TLS, JetStream without the cluster.
      const tls = openssl
        ? `tls { cert_file: "${tlsDir}/tls.crt"\n key_file: "${tlsDir}/tls.key"\n ca_file: "${tlsDir}/ca.crt" }`
        : '';
      const conf = [
        `port: ${port}`,
        'server_name: live',
        `jetstream { store_dir: "${join(dir, 'js')}" }`,
        tls,
        'include ./accounts.conf',
        '',
      ].join('\n');
      writeFileSync(join(dir, 'live.conf'), conf);
      const started = spawn('nats-server', ['-c', join(dir, 'live.conf')], {
        env: { ...process.env, ...passwords },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      server = started;
      await new Promise<void>((resolve, reject) => {
        let log = '';
        const timer = setTimeout(() => reject(new Error(`nats-server did not start: ${log}`)), 10_000);
        started.stderr?.on('data', (chunk: Buffer) => {
          log += chunk.toString();
          if (log.includes('Server is ready')) {
            clearTimeout(timer);
            resolve();
          }
        });
        started.once('exit', (code) => reject(new Error(`nats-server exited with ${code}: ${log}`)));
      });
    }, 20_000);

    afterAll(async () => {
      await Promise.all(conns.map((c) => c.close().catch(() => {})));
      server?.kill('SIGTERM');
    });

    /** A connection as `role`, with its inbox prefix as the roles use it; refusals are collected. */
    async function as(role: string): Promise<NatsConnection> {
      const nc = await connect({
        servers: `127.0.0.1:${port}`,
        user: role,
        pass: passwordOf[role],
        inboxPrefix: `_INBOX.${role}`,
        ...(openssl ? { tls: { caFile: join(tlsDir, 'ca.crt') } } : {}),
        timeout: 5000,
      });
      conns.push(nc);
      const seen: string[] = [];
      refusals.set(nc, seen);
      void (async () => {
        for await (const s of nc.status()) {
          if (s.permissionContext) seen.push(`${s.permissionContext.operation} ${s.permissionContext.subject}`);
        }
      })().catch(() => {});
      return nc;
    }

    const enc = new TextEncoder();
    /** Opens a bucket as the bus classes do (views.kv: made when missing) with a short API timeout. */
    const bucket = (nc: NatsConnection, name: string, history = 1): Promise<KV> =>
      nc.jetstream({ timeout: 3000 }).views.kv(name, { history });
    /** The first entry a watch delivers (what PartitionDirectory.watch and LeaseBoard.watch read). */
    async function watched(kv: KV, key: string): Promise<string> {
      const it = await kv.watch({ key });
      for await (const e of it) {
        it.stop();
        return e.key;
      }
      return '';
    }

    (natsBin ? test : test.skip)(
      "every role does its bus work: KV buckets, requests and replies, each on its role's inbox",
      async () => {
        const [gateway, worker, store, admin] = [
          await as('gateway'),
          await as('worker'),
          await as('store'),
          await as('admin'),
        ];
        const s = new Subjects('default');

        // Gateway: publishes the partition map when none is there, watches it; returning players; maintenance
        // (read); the world catalogue.
        const gwMap = await bucket(gateway, s.partitionBucket(), 10);
        expect(await gwMap.get('map')).toBeNull();
        await gwMap.create('map', enc.encode('{"version":1}'));
        expect(await watched(gwMap, 'map')).toBe('map');
        const returning = await bucket(gateway, s.returningBucket());
        await returning.put('n.alice', enc.encode('1'));
        expect((await returning.get('n.alice'))?.operation).toBe('PUT');
        await returning.delete('n.alice');
        const gwMaintenance = await bucket(gateway, s.maintenanceBucket());
        expect(await gwMaintenance.get('announcement')).toBeNull();
        const catalogue = await bucket(gateway, 'mmo_worlds');
        const rev = await catalogue.create('catalogue', enc.encode('{}'));
        await catalogue.update('catalogue', enc.encode('{"default":{}}'), rev);

        // Worker: replaces the map, holds leases (create, renew, revoke, watch), records the director's history.
        const wkMap = await bucket(worker, s.partitionBucket(), 10);
        const entry = await wkMap.get('map');
        await wkMap.update('map', enc.encode('{"version":2}'), entry?.revision ?? 0);
        const leases = await bucket(worker, s.leaseBucket());
        const lease = await leases.create('worker.w1', enc.encode('{}'));
        const renewed = await leases.update('worker.w1', enc.encode('{}'), lease);
        expect(await watched(leases, 'worker.>')).toBe('worker.w1');
        await leases.delete('worker.w1', { previousSeq: renewed });
        await leases.put('director', enc.encode('{"worker":"w1"}'));
        const ops = await bucket(worker, s.opsBucket());
        await ops.put('0001', enc.encode('{}'));
        const keys: string[] = [];
        for await (const k of await ops.keys()) keys.push(k);
        expect(keys).toEqual(['0001']);

        // Admin: reads the map, leases and history, announces maintenance, reads the catalogue.
        expect(await watched(await bucket(admin, s.partitionBucket(), 10), 'map')).toBe('map');
        expect((await (await bucket(admin, s.leaseBucket())).get('director'))?.operation).toBe('PUT');
        expect((await (await bucket(admin, s.opsBucket())).get('0001'))?.operation).toBe('PUT');
        const adMaintenance = await bucket(admin, s.maintenanceBucket());
        await adMaintenance.put('announcement', enc.encode('{}'));
        expect(await watched(gwMaintenance, 'announcement')).toBe('announcement');
        await adMaintenance.delete('announcement');
        expect((await (await bucket(admin, 'mmo_worlds')).get('catalogue'))?.operation).toBe('PUT');

        // Requests and replies between the roles, each reply on the asker's own inbox.
        const served = (nc: NatsConnection, subject: string, queue?: string) =>
          nc.subscribe(subject, { queue, callback: (_e, m) => m.respond(enc.encode('ok')) });
        served(store, s.store(StoreOps.grant), 'store');
        served(store, s.store(StoreOps.save), 'store');
        served(gateway, s.gatewayKick());
        served(gateway, s.gatewayPresence('g1'));
        served(worker, s.directorRequest());
        served(worker, s.zoneHandoff('nw'));
        await Promise.all([store.flush(), gateway.flush(), worker.flush()]);
        const ask = async (nc: NatsConnection, subject: string) =>
          new TextDecoder().decode((await nc.request(subject, enc.encode('?'), { timeout: 3000 })).data);
        expect(await ask(gateway, s.store(StoreOps.grant))).toBe('ok');
        expect(await ask(worker, s.store(StoreOps.save))).toBe('ok');
        expect(await ask(store, s.gatewayKick())).toBe('ok');
        expect(await ask(worker, s.gatewayPresence('g1'))).toBe('ok');
        expect(await ask(admin, s.directorRequest())).toBe('ok');
        expect(await ask(worker, s.zoneHandoff('nw'))).toBe('ok');

        for (const nc of conns) expect(refusals.get(nc)).toEqual([]);
      },
      30_000,
    );

    (natsBin ? test : test.skip)(
      "the server refuses a wrong password, and a gateway's handoff or save, another role's inbox, ...",
      async () => {
        const s = new Subjects('default');
        const wrong = connect({
          servers: `127.0.0.1:${port}`,
          user: 'admin',
          pass: 'not-the-password',
          ...(openssl ? { tls: { caFile: join(tlsDir, 'ca.crt') } } : {}),
        });
        await expect(wrong).rejects.toThrow(/Authorization Violation/);
        const tries: [string, 'publish' | 'subscribe', string][] = [
          ['gateway', 'publish', s.zoneHandoff('nw')],
          ['gateway', 'publish', s.store(StoreOps.save)],
          ['gateway', 'publish', `$KV.${s.leaseBucket()}.director`],
          ['gateway', 'subscribe', '_INBOX.worker.>'],
          ['worker', 'publish', s.store(StoreOps.register)],
          ['store', 'publish', s.zoneIn('nw')],
          ['admin', 'publish', `$KV.${s.partitionBucket()}.map`],
          ['admin', 'publish', `$JS.API.STREAM.DELETE.KV_${s.partitionBucket()}`],
        ];
        for (const [role, op, subject] of tries) {
          const nc = await as(role);
          if (op === 'publish') nc.publish(subject, enc.encode('x'));
          else nc.subscribe(subject);
          await nc.flush();
          const deadline = Date.now() + 3000;
          while (!(refusals.get(nc) ?? []).length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
          expect(refusals.get(nc)).toEqual([`${op === 'publish' ? 'publish' : 'subscription'} ${subject}`]);
        }
      },
      30_000,
    );
  });
});

describe('the Kubernetes manifests (deploy/k8s)', () => {
  const all = k8sDocs();
  const docs = all.map((d) => d.doc);
  const checked = k8sProblems(docs);
  const byKind = (kind: string, name: string) => docs.find((d) => d.kind === kind && d.metadata.name === name);

  test('kustomization.yaml lists every manifest of the folder', () => {
    const kustomization = yamlDocs('deploy/k8s/kustomization.yaml')[0] as K8sDoc;
    const files = readdirSync(join(DEPLOY, 'k8s')).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml');
    expect([...(kustomization.resources ?? [])].sort()).toEqual(files.sort());
  });

  test('the settings of the ConfigMap exist (DEFAULTS) and pass the config loader', () => {
    const text = byKind('ConfigMap', 'mmo-config')?.data?.['mmo.config.json'] as string;
    const file = join(scratch, 'mmo.config.json');
    writeFileSync(file, text);
    const leaves = (o: Record<string, unknown>, prefix = ''): string[] =>
      Object.entries(o).flatMap(([k, v]) =>
        v && typeof v === 'object' ? leaves(v as Record<string, unknown>, `${prefix}${k}.`) : [`${prefix}${k}`],
      );
    const defaults = new Set(leaves(DEFAULTS));
    expect(leaves(JSON.parse(text)).filter((k) => !defaults.has(k))).toEqual([]);
    expect(() => loadConfig({ file })).not.toThrow();
    writeFileSync(file, JSON.stringify({ ...JSON.parse(text), zone: { tickrate: 30 } }));
    expect(() => loadConfig({ file })).toThrow(/zone\.tickrate: unknown setting/);
  });

  test('every role runs `mmo <verb>` with flags and --set settings it accepts, on the ports it listens on', () => {
    expect(checked.problems).toEqual([]);
    expect(checked.runs.map((r) => `${r.component}: ${r.verb}`).sort()).toEqual([
      'admin: admin serve',
      'gateway: gateway',
      'store: store',
      'worker: worker',
    ]);
    const bin = JSON.parse(read('packages/cli/package.json')).bin.mmo as string;
    expect(join('packages/cli', bin)).toBe(MMO_BIN);
  });

  test('the gateway listens on gateway.port, the default, and its Service forwards that port', () => {
    const gateway = checked.runs.find((r) => r.verb === 'gateway') as RoleRun;
    expect(gateway.config.gateway.port).toBe(DEFAULTS.gateway.port);
    expect(byKind('Service', 'gateway')?.spec?.ports?.[0]?.port).toBe(DEFAULTS.gateway.port);
  });

  test('the workers drain in preStop and stop within the grace period; workers and gateways have budgets', () => {
    const worker = checked.runs.find((r) => r.verb === 'worker') as RoleRun;
    expect((worker.container.lifecycle?.preStop?.exec?.command ?? []).join(' ')).toMatch(/worker drain "\$POD_NAME"/);
    expect(byKind('PodDisruptionBudget', 'worker')).toBeDefined();
    expect(byKind('PodDisruptionBudget', 'gateway')).toBeDefined();
    expect(byKind('StatefulSet', 'store')?.spec?.replicas).toBe(1);
    expect(byKind('StatefulSet', 'store')?.spec?.volumeClaimTemplates?.map((v) => v.metadata.name)).toEqual(['data']);
  });

  test('the checks fail on a wrong port, setting, verb, probe, missing Secret or short grace period', () => {
    const broken = (edit: (d: K8sDoc[]) => void): string => {
      const copy = structuredClone(docs);
      edit(copy);
      return k8sProblems(copy).problems.join('\n');
    };
    const pod = (d: K8sDoc[], name: string) =>
      d.find((x) => workloadKinds.has(x.kind) && x.metadata.name === name)?.spec?.template?.spec as PodSpec;
    const first = (d: K8sDoc[], name: string) => pod(d, name).containers[0] as Container;
    expect(
      broken((d) => {
        (first(d, 'gateway').ports as { containerPort: number }[])[0] = { containerPort: 9999 };
      }),
    ).toMatch(/gateway/);
    expect(broken((d) => first(d, 'worker').args?.push('--set', 'zone.tickrate=30'))).toMatch(
      /zone\.tickrate is not a setting/,
    );
    expect(broken((d) => first(d, 'worker').args?.push('--shards', '3'))).toMatch(/shards/);
    expect(
      broken((d) => {
        const c = first(d, 'store');
        c.args = (c.args ?? []).map((a) => (a === 'store.metricsPort=9102' ? 'store.metricsPort=9103' : a));
      }),
    ).toMatch(/container port metrics is 9102, the role listens on 9103/);
    expect(
      broken((d) => {
        const c = first(d, 'worker');
        c.args = (c.args ?? []).filter(
          (a) => a !== 'zone.metricsHost=0.0.0.0' && a !== '--set' && a !== 'zone.metricsPort=9101',
        );
      }),
    ).toMatch(/listens on a free port/);
    expect(
      broken((d) => {
        const c = first(d, 'gateway');
        c.args = ['gatway', ...(c.args ?? []).slice(1)];
      }),
    ).toMatch(/no verb "gatway"/);
    expect(
      broken((d) => {
        (first(d, 'gateway').readinessProbe as Probe).httpGet = { path: '/ready', port: 'http' };
      }),
    ).toMatch(/no route \/ready/);
    expect(
      broken((d) => {
        pod(d, 'worker').terminationGracePeriodSeconds = 30;
      }),
    ).toMatch(/terminationGracePeriodSeconds/);
    expect(
      broken((d) =>
        d.splice(
          d.findIndex((x) => x.metadata.name === 'mmo-nats-worker'),
          1,
        ),
      ),
    ).toMatch(/no Secret mmo-nats-worker/);
    expect(
      broken((d) => {
        const c = first(d, 'store');
        c.volumeMounts = (c.volumeMounts ?? []).map((m) => (m.name === 'data' ? { ...m, mountPath: '/data' } : m));
      }),
    ).toMatch(/not at dataDir/);
  });

  test('the NATS StatefulSet runs the files of deploy/nats as they are, on the ports and names they use', () => {
    const config = byKind('ConfigMap', 'nats-config')?.data ?? {};
    for (const file of ['nats-1.conf', 'nats-2.conf', 'nats-3.conf', 'accounts.conf']) {
      expect(config[file]).toBe(natsFile(file));
    }
    const sts = byKind('StatefulSet', 'nats') as K8sDoc;
    expect(podNames(sts)).toEqual(NODES);
    const c = sts.spec?.template?.spec.containers[0] as Container;
    expect(c.command).toContain('/etc/nats/config/$(POD_NAME).conf');
    expect(c.volumeMounts?.find((m) => m.name === 'config')?.mountPath).toBe('/etc/nats/config');
    expect(c.volumeMounts?.find((m) => m.name === 'tls')?.mountPath).toBe('/etc/nats/tls');
    const conf = parseNatsConf(natsFile('nats-1.conf'), loadNats);
    const storeDir = String((conf.jetstream as ConfMap).store_dir);
    const data = c.volumeMounts?.find((m) => m.name === 'data')?.mountPath ?? '?';
    expect(storeDir.startsWith(`${data}/`)).toBe(true);
    const ports = Object.fromEntries((c.ports ?? []).map((p) => [p.name, p.containerPort]));
    expect(ports).toEqual({ client: conf.port, cluster: (conf.cluster as ConfMap).port, monitor: conf.http_port });
    // Every password variable of accounts.conf comes from the nats-users Secret.
    const secret = c.envFrom?.find((e) => e.secretRef)?.secretRef?.name as string;
    const vars = [...usersOf(conf).values()].map((u) => String(u.password).slice(1));
    expect(vars.filter((v) => !(v in (byKind('Secret', secret)?.stringData ?? {})))).toEqual([]);
    // Hashes keep their quotes inside the value, or nats-server takes the leading $ for a variable.
    for (const value of Object.values(byKind('Secret', secret)?.stringData ?? {})) {
      expect(value).toMatch(/^"\$2[aby]\$\d\d\$[^"]+"$/);
    }
    // The roles' users are the users of accounts.conf.
    for (const role of ['gateway', 'worker', 'store', 'admin']) {
      expect(byKind('Secret', `mmo-nats-${role}`)?.stringData?.NATS_USER).toBe(role);
      expect(usersOf(conf).has(role)).toBe(true);
    }
  });

  test("the roles' natsUrl names the three nodes, each a Service on the client port", () => {
    const run = checked.runs[0] as RoleRun;
    const urls = run.config.natsUrl.split(',').map((u) => new URL(u));
    expect(urls.map((u) => u.hostname)).toEqual(NODES);
    for (const u of urls) {
      expect(Number(u.port)).toBe(4222);
      expect(byKind('Service', u.hostname)?.spec?.ports?.find((p) => p.name === 'client')?.port).toBe(4222);
    }
    expect(run.config.nats.replicas).toBe(NODES.length);
  });
});

describe('the Grafana dashboard (deploy/grafana)', () => {
  interface Panel {
    id: number;
    type: string;
    title: string;
    gridPos?: { h: number; w: number; x: number; y: number };
    datasource?: { type: string; uid: string };
    targets?: { expr: string; datasource?: { uid: string } }[];
  }
  const dashboard = JSON.parse(read('deploy/grafana/mmo-dashboard.json')) as {
    schemaVersion: number;
    templating: { list: { type: string; name: string; query: unknown }[] };
    panels: Panel[];
  };
  const panels = dashboard.panels.filter((p) => p.type !== 'row');
  const exprs = panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr));

  test('schema version 36 or later, with a Prometheus data source variable that every panel uses', () => {
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(36);
    const ds = dashboard.templating.list.find((v) => v.type === 'datasource');
    expect(ds?.query).toBe('prometheus');
    for (const p of panels) {
      expect(p.datasource).toEqual({ type: 'prometheus', uid: `\${${ds?.name}}` });
      for (const t of p.targets ?? []) expect(t.datasource?.uid).toBe(`\${${ds?.name}}`);
    }
    expect(new Set(dashboard.panels.map((p) => p.id)).size).toBe(dashboard.panels.length);
    for (const p of dashboard.panels) expect(p.gridPos).toBeDefined();
  });

  test('every metric and label of every panel and variable exists in the code', () => {
    expect(exprs.length).toBeGreaterThan(20);
    const variables = dashboard.templating.list
      .filter((v) => v.type === 'query')
      .map((v) => JSON.stringify(v.query).match(/label_values\((\w+),\s*(\w+)\)/))
      .map((m) => `${m?.[1]}{${m?.[2]}!=""}`);
    expect(metricProblems('dashboard', [...exprs, ...variables], known)).toEqual([]);
  });

  test('panels for tick duration and lateness, players per zone and gateway, queue, bus, store, CPU and memory', () => {
    const uses = (metric: string) => exprs.some((e) => e.includes(metric));
    for (const metric of [
      'mmo_zone_tick_duration_seconds_bucket',
      'mmo_zone_tick_lateness_seconds_bucket',
      'mmo_zone_entities',
      'mmo_gateway_players',
      'mmo_gateway_connections',
      'mmo_gateway_login_queue_length',
      'mmo_zone_nats_out_msgs_total',
      'mmo_gateway_nats_out_bytes_total',
      'mmo_zone_store_save_duration_seconds_bucket',
      'process_cpu_seconds_total',
      'process_resident_memory_bytes',
    ]) {
      expect([metric, uses(metric)]).toEqual([metric, true]);
    }
  });

  test('the metric check fails on a name, a histogram without its suffix, or a label that does not exist', () => {
    expect(metricProblems('x', ['sum(rate(mmo_made_up_total[5m]))'], known)).toEqual([
      'x: no metric mmo_made_up_total in the code (sum(rate(mmo_made_up_total[5m])))',
    ]);
    expect(metricProblems('x', ['rate(mmo_zone_tick_duration_seconds[5m])'], known)).toHaveLength(1);
    expect(metricProblems('x', ['sum by (zones) (mmo_zone_entities)'], known)).toHaveLength(1);
    expect(metricProblems('x', ['sum by (zone) (mmo_zone_entities{type="player"})'], known)).toEqual([]);
    expect(
      promqlNames('histogram_quantile(0.99, sum by (le) (rate(a_bucket{x="y"}[$__rate_interval]))) > 0.02'),
    ).toEqual({
      metrics: ['a_bucket'],
      labels: ['x', 'le'],
    });
  });
});

describe('the Prometheus configuration (deploy/prometheus)', () => {
  interface Job {
    job_name: string;
    kubernetes_sd_configs?: { role: string; namespaces?: { names: string[] } }[];
    relabel_configs?: { source_labels?: string[]; regex?: string; action?: string }[];
    static_configs?: { targets: string[]; labels?: Record<string, string> }[];
  }
  const config = yamlDocs('deploy/prometheus/prometheus.yml')[0] as { rule_files?: string[]; scrape_configs: Job[] };
  const runs = k8sProblems(k8sDocs().map((d) => d.doc)).runs;
  /** The port each component's metrics are served on, as the manifests run it. */
  const portOf = (component: string): number | undefined => {
    const run = runs.find((r) => r.component === component);
    if (!run) return undefined;
    if (component === 'gateway') return run.config.gateway.port;
    return component === 'worker' ? run.config.zone.metricsPort : run.config.store.metricsPort;
  };

  /** Problems of the scrape jobs: each keeps pods of a component by label and port name, or names host ports. */
  function scrapeProblems(jobs: Job[]): string[] {
    const problems: string[] = [];
    for (const job of jobs) {
      const keep = (label: string) =>
        job.relabel_configs?.find((r) => r.action === 'keep' && r.source_labels?.includes(label))?.regex;
      if (job.kubernetes_sd_configs) {
        const component = keep('__meta_kubernetes_pod_label_app_kubernetes_io_component') ?? '';
        const portName = keep('__meta_kubernetes_pod_container_port_name') ?? '';
        const run = runs.find((r) => r.component === component);
        if (!run) problems.push(`${job.job_name}: no workload of component "${component}"`);
        else if (run.port(portName) !== portOf(component)) {
          problems.push(`${job.job_name}: port ${portName} is not where ${component} serves /metrics`);
        }
        if (!job.kubernetes_sd_configs.every((s) => s.namespaces?.names.includes('mmo'))) {
          problems.push(`${job.job_name}: not the mmo namespace`);
        }
      }
      for (const s of job.static_configs ?? []) {
        const component = s.labels?.component ?? '';
        for (const target of s.targets) {
          const port = Number(target.split(':').pop());
          if (port !== portOf(component)) problems.push(`${job.job_name}: ${target} is not ${component}'s port`);
        }
      }
    }
    return problems;
  }

  test('gateways, workers and the store are scraped on the ports the manifests and defaults give them', () => {
    const jobs = config.scrape_configs;
    expect(jobs.filter((j) => j.kubernetes_sd_configs).map((j) => j.job_name)).toEqual([
      'mmo-gateway',
      'mmo-worker',
      'mmo-store',
    ]);
    expect(jobs.some((j) => j.static_configs)).toBe(true);
    expect(portOf('gateway')).toBe(DEFAULTS.gateway.port);
    expect(scrapeProblems(jobs)).toEqual([]);
  });

  test('the scrape check fails on a wrong port or component', () => {
    const jobs = structuredClone(config.scrape_configs);
    const host = jobs.find((j) => j.static_configs) as Job;
    (host.static_configs?.[0] as { targets: string[] }).targets = ['mmo-host-1:8081'];
    const worker = jobs.find((j) => j.job_name === 'mmo-worker') as Job;
    for (const r of worker.relabel_configs ?? []) if (r.regex === 'metrics') r.regex = 'http';
    const store = jobs.find((j) => j.job_name === 'mmo-store') as Job;
    for (const r of store.relabel_configs ?? []) if (r.regex === 'store') r.regex = 'stor';
    const problems = scrapeProblems(jobs).join('\n');
    expect(problems).toMatch(/mmo-host-1:8081/);
    expect(problems).toMatch(/mmo-worker: port http/);
    expect(problems).toMatch(/no workload of component "stor"/);
  });

  test('every rule file exists, and its rules name only metrics and labels of the code', () => {
    expect(config.rule_files?.length).toBeGreaterThan(0);
    for (const file of config.rule_files ?? []) {
      const rules = yamlDocs(`deploy/prometheus/${file}`)[0] as { groups: { rules: { expr: string }[] }[] };
      const exprs = rules.groups.flatMap((g) => g.rules.map((r) => r.expr));
      expect(exprs.length).toBeGreaterThan(0);
      expect(metricProblems(file, exprs, known)).toEqual([]);
    }
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}
