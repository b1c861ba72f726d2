import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startStoreAgent, writeStoreConfig, type RunningAgent } from '../support/store-agent.js';
import { tempDir } from '../support/cli.js';
import { checkConfig, commandWorks, REPO } from './deploy-kit.js';

// Docker's daemon is not available everywhere the suite runs: the image is checked by reading
// the Dockerfile, its HEALTHCHECK command is run against a real agent, and the build itself
// runs only where `docker info` answers.

interface Instruction {
  readonly op: string;
  readonly args: string;
}
interface Stage {
  readonly from: string;
  readonly name: string | undefined;
  readonly body: Instruction[];
}

function parseDockerfile(text: string): { args: Map<string, string>; stages: Stage[] } {
  const joined = text.replace(/\\\n/g, ' ');
  const args = new Map<string, string>();
  const stages: Stage[] = [];
  for (const line of joined.split('\n').map((l) => l.trim())) {
    if (line === '' || line.startsWith('#')) continue;
    const [, op = '', rest = ''] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    if (op.toUpperCase() === 'FROM') {
      const [image, , name] = rest.split(/\s+/);
      const resolved = image!.replace(/\$\{(\w+)\}/g, (_, v: string) => args.get(v) ?? '');
      // FROM an earlier stage: that stage's base image.
      stages.push({ from: stages.find((s) => s.name === resolved)?.from ?? resolved, name, body: [] });
    } else if (op.toUpperCase() === 'ARG' && stages.length === 0) {
      const [k, v = ''] = rest.split('=');
      args.set(k!, v);
    } else {
      stages.at(-1)?.body.push({ op: op.toUpperCase(), args: rest });
    }
  }
  return { args, stages };
}

const dockerfile = parseDockerfile(readFileSync(join(REPO, 'Dockerfile'), 'utf8'));
const final = dockerfile.stages.at(-1)!;
const ops = (stage: Stage, op: string): string[] => stage.body.filter((i) => i.op === op).map((i) => i.args);
const stageNamed = (name: string): Stage => dockerfile.stages.find((s) => s.name === name)!;

describe('Dockerfile', () => {
  it('builds in stages on a supported Node LTS, compilers only before the runtime stage', () => {
    expect(dockerfile.stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of dockerfile.stages) {
      const major = Number(/^node:(\d+)/.exec(stage.from)?.[1]);
      expect(major, stage.from).toBeGreaterThanOrEqual(22);
      expect(major % 2, `${stage.from} is not an LTS line`).toBe(0);
    }
    expect(ops(final, 'RUN').join('\n')).not.toMatch(/apt-get|g\+\+|npm (ci|install)/);
  });

  it("ships production dependencies only: the runtime's node_modules come from npm ci --omit=dev", () => {
    const copy = ops(final, 'COPY').find((a) => /\/node_modules\b/.test(a));
    const from = /--from=(\S+)/.exec(copy ?? '')?.[1];
    expect(from, 'node_modules copied from a build stage').toBeDefined();
    expect(ops(stageNamed(from!), 'RUN').join('\n')).toMatch(/npm ci\b.*--omit=dev/);
  });

  it('runs as a numeric non-root user, with a data volume, a health check and the agent flags', () => {
    const user = ops(final, 'USER').at(-1) ?? 'root';
    expect(user).toMatch(/^[1-9]\d*(:\d+)?$/);
    expect(ops(final, 'VOLUME')).toContain('/var/lib/cairn');
    expect(ops(final, 'RUN').join('\n')).toMatch(/-m 0700 -o 1000\b.*\/var\/lib\/cairn/);
    expect(ops(final, 'HEALTHCHECK').join('\n')).toMatch(/CMD \["node",.*\/healthz/);
    expect(ops(final, 'ENTRYPOINT').join('\n')).toContain('--max-semi-space-size=4');
  });

  it('copies only what .dockerignore lets through, and ignores the heavy and private parts', () => {
    const ignored = readFileSync(join(REPO, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim());
    for (const entry of ['node_modules', 'dist', 'test', '.git', 'native-bench', 'cairn-data']) expect(ignored).toContain(entry);
    const sources = dockerfile.stages.flatMap((s) => ops(s, 'COPY')).filter((a) => !a.startsWith('--from'));
    for (const source of sources.flatMap((a) => a.split(/\s+/).slice(0, -1))) {
      expect(existsSync(join(REPO, source)), source).toBe(true);
      expect(ignored, source).not.toContain(source.split('/')[0]);
    }
  });

  it('bakes in a configuration that cairn check-config accepts', () => {
    const result = checkConfig(readFileSync(join(REPO, 'deploy/cairn-container.yaml'), 'utf8'));
    expect(result.output).toContain('configuration is valid');
    expect(result.status).toBe(0);
  });
});

describe('Dockerfile HEALTHCHECK command', () => {
  const dir = tempDir('cairn-healthcheck-');
  let agent: RunningAgent | undefined;
  afterAll(async () => {
    await agent?.stop();
    dir.remove();
  });

  const healthcheck = (apiEndpoint: string): number | null => {
    const cmd = JSON.parse(/CMD (\[.*\])$/.exec(ops(final, 'HEALTHCHECK').at(-1)!)![1]!) as string[];
    expect(cmd[0]).toBe('node');
    return spawnSync(process.execPath, cmd.slice(1), { env: { CAIRN_API_ENDPOINT: apiEndpoint }, timeout: 10_000 }).status;
  };

  it("passes against a running agent's API and fails when nothing answers", async () => {
    agent = await startStoreAgent(writeStoreConfig(dir.dir, 'cairn.yaml', join(dir.dir, 'data'), {}));
    const port = new URL(agent.api.base).port;
    expect(healthcheck(`0.0.0.0:${port}`)).toBe(0);
    await agent.stop();
    agent = undefined;
    expect(healthcheck(`0.0.0.0:${port}`)).toBe(1);
  });
});

describe('docker build', () => {
  const dockerUp = commandWorks('docker', ['info']);
  it.skipIf(!dockerUp)('builds the image, whose cairn answers --version (skipped where no Docker daemon answers)', () => {
    const build = spawnSync('docker', ['build', '-q', '-t', 'cairn:deploy-test', REPO], { encoding: 'utf8', timeout: 900_000 });
    expect(build.status, build.stderr).toBe(0);
    const run = spawnSync('docker', ['run', '--rm', 'cairn:deploy-test', '--version'], { encoding: 'utf8' });
    expect(run.stdout).toMatch(/^cairn \d+\.\d+\.\d+/);
  }, 900_000);
});
