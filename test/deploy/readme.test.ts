import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasOpenssl, makeTestCerts } from '../support/certs.js';
import { tempDir } from '../support/cli.js';
import { checkConfig, REPO } from './deploy-kit.js';

const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
const operate = readme.slice(readme.indexOf('\n## Operate it'), readme.indexOf('\n## ', readme.indexOf('\n## Operate it') + 1));
const version = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string }).version;

describe('README, "Operate it"', () => {
  it('names install paths that exist, for this version', () => {
    expect(operate.length).toBeGreaterThan(1000);
    for (const path of ['Dockerfile', 'deploy/cairn-container.yaml', 'deploy/kubernetes/', 'deploy/cairn.service', 'BENCHMARKS.md']) {
      expect(operate, path).toContain(`\`${path}\``);
      expect(existsSync(join(REPO, path)), path).toBe(true);
    }
    expect(operate).toContain('kubectl apply -n monitoring -f deploy/kubernetes/');
    for (const m of operate.matchAll(/cairn[-:](\d+\.\d+\.\d+)/g)) expect(m[1]).toBe(version);
    expect(operate).toMatch(/docker run [^`]*cairn:\d/);
    expect(operate).not.toMatch(/\/work\/|\/tmp\/|\/home\//);
  });

  it.skipIf(!hasOpenssl())('gives a secure configuration that cairn check-config accepts (skipped where openssl is not installed)', () => {
    const yaml = /### A minimal secure configuration[\s\S]*?```yaml\n([\s\S]*?)```/.exec(operate)?.[1];
    expect(yaml).toBeDefined();
    expect(yaml).toMatch(/bearer_token_files/);
    expect(yaml!.match(/cert_file:/g)).toHaveLength(3);
    const certs = makeTestCerts();
    const dir = tempDir('cairn-readme-');
    try {
      const token = dir.write('token', 'a-long-random-token\n');
      const local = yaml!
        .replaceAll('/etc/cairn/tls.crt', certs.serverCert)
        .replaceAll('/etc/cairn/tls.key', certs.serverKey)
        .replaceAll('/etc/cairn/token', token)
        .replace('/var/lib/cairn', join(dir.dir, 'data'));
      const result = checkConfig(local, { CAIRN_UPSTREAM_TOKEN: 'upstream-token' });
      expect(result.output).toContain('configuration is valid');
      expect(result.status).toBe(0);
    } finally {
      dir.remove();
      certs.remove();
    }
  });
});
