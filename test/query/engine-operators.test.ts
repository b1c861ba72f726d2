// Aggregations, binary operators and vector matching, with Prometheus' errors and name rules.
import { describe, expect, it } from 'vitest';
import { engineOver, series } from './engine-helpers.js';

const cpu = (instance: string, mode: string, v: number) => series({ __name__: 'node_cpu_seconds_total', instance, mode, job: 'node' }, 60, [v]);
const q = engineOver([
  cpu('a', 'idle', 80),
  cpu('a', 'user', 20),
  cpu('b', 'idle', 50),
  cpu('b', 'user', 50),
  series({ __name__: 'node_uname_info', instance: 'a', job: 'node', release: '6.1' }, 60, [1]),
  series({ __name__: 'node_uname_info', instance: 'b', job: 'node', release: '6.8' }, 60, [1]),
  series({ __name__: 'up', instance: 'a', job: 'node' }, 60, [1]),
  series({ __name__: 'up', instance: 'b', job: 'node' }, 60, [0]),
]);

describe('aggregations', () => {
  it('by and without choose the output labels; without also drops the name', async () => {
    expect(await q.instant('sum by (mode) (node_cpu_seconds_total)', 0)).toEqual(['{mode="idle"} 130', '{mode="user"} 70']);
    expect(await q.instant('avg without (instance) (node_cpu_seconds_total)', 0)).toEqual(['{job="node",mode="idle"} 65', '{job="node",mode="user"} 35']);
    expect(await q.instant('SUM(up)', 0)).toEqual(['{} 1']);
  });

  it('count, group, min, max, stddev, stdvar, quantile', async () => {
    expect(await q.instant('count(node_cpu_seconds_total)', 0)).toEqual(['{} 4']);
    expect(await q.instant('group by (job) (node_cpu_seconds_total)', 0)).toEqual(['{job="node"} 1']);
    expect(await q.instant('max by (instance) (node_cpu_seconds_total)', 0)).toEqual(['{instance="a"} 80', '{instance="b"} 50']);
    expect(await q.instant('stddev(node_cpu_seconds_total)', 0)).toEqual(['{} 21.21320344']);
    expect(await q.instant('quantile(0.75, node_cpu_seconds_total)', 0)).toEqual(['{} 57.5']);
  });

  it('topk and bottomk keep whole series, largest (smallest) first in an instant query', async () => {
    expect(await q.instant('topk(2, node_cpu_seconds_total)', 0)).toEqual([
      'node_cpu_seconds_total{instance="a",job="node",mode="idle"} 80',
      'node_cpu_seconds_total{instance="b",job="node",mode="idle"} 50',
    ]);
    expect(await q.instant('bottomk by (instance) (1, node_cpu_seconds_total)', 0)).toEqual([
      'node_cpu_seconds_total{instance="a",job="node",mode="user"} 20',
      'node_cpu_seconds_total{instance="b",job="node",mode="idle"} 50',
    ]);
  });

  it('aggregates a range function series by series (streamed) with the same answer as over a whole vector', async () => {
    const r = engineOver(Array.from({ length: 30 }, (_, i) => series({ __name__: 'req_total', job: `j${i % 3}`, i: String(i) }, 15, Array.from({ length: 40 }, (_, k) => k * (i + 1) + (k > 20 ? 0.1 : 0)))));
    for (const op of ['sum', 'count', 'min', 'max', 'group']) {
      const streamed = await r.range(`${op} by (job) (rate(req_total[2m]))`, 120, 600, 30);
      expect(streamed, op).toEqual(await r.range(`${op} by (job) (1 * rate(req_total[2m]))`, 120, 600, 30));
      expect(streamed).toHaveLength(3);
    }
  });

  it('count_values counts series per value, as Node Exporter dashboards count CPUs', async () => {
    expect(await q.instant('count_values("v", node_cpu_seconds_total)', 0)).toEqual(['{v="20"} 1', '{v="50"} 2', '{v="80"} 1']);
    expect(await q.instant('scalar(count(count(node_cpu_seconds_total) by (instance)))', 0)).toEqual(['scalar 2']);
  });
});

describe('binary operators', () => {
  it('arithmetic matches series on all labels but the name, and drops the name', async () => {
    expect(await q.instant('node_cpu_seconds_total{mode="user"} / ignoring(mode) node_cpu_seconds_total{mode="idle"}', 0)).toEqual(['{instance="a",job="node"} 0.25', '{instance="b",job="node"} 1']);
  });

  it('group_left copies labels from the one side', async () => {
    expect(await q.instant('up * on(instance) group_left(release) node_uname_info', 0)).toEqual(['{instance="a",job="node",release="6.1"} 1', '{instance="b",job="node",release="6.8"} 0']);
  });

  it('comparisons filter (keeping the name) unless bool turns them into 0 and 1', async () => {
    expect(await q.instant('up == 1', 0)).toEqual(['up{instance="a",job="node"} 1']);
    expect(await q.instant('up > bool 0', 0)).toEqual(['{instance="a",job="node"} 1', '{instance="b",job="node"} 0']);
    expect(await q.instant('1 - avg(rate(node_cpu_seconds_total{mode="idle"}[5m]))', 0)).toEqual([]);
  });

  it('and, or, unless match on label sets', async () => {
    expect(await q.instant('up and on(instance) node_cpu_seconds_total{instance="a"}', 0)).toEqual(['up{instance="a",job="node"} 1']);
    expect(await q.instant('up unless up == 0', 0)).toEqual(['up{instance="a",job="node"} 1']);
    expect(await q.instant('up{instance="a"} or node_uname_info', 0)).toHaveLength(3);
  });

  it('respects precedence: ^ is right-associative and binds tighter than unary minus (a signed number is one literal)', async () => {
    expect(await q.instant('2 ^ 3 ^ 2', 0)).toEqual(['scalar 512']);
    expect(await q.instant('-vector(2) ^ 2', 0)).toEqual(['{} -4']);
    expect(await q.instant('-2 ^ 2', 0)).toEqual(['scalar 4']);
    expect(await q.instant('1 + 2 * 3 % 4', 0)).toEqual(['scalar 3']);
  });

  it('refuses ambiguous matches with Prometheus messages', async () => {
    await expect(q.instant('node_cpu_seconds_total + on(instance) up', 0)).rejects.toThrow('multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)');
    await expect(q.instant('up + on(job) group_left node_cpu_seconds_total', 0)).rejects.toThrow(
      /^found duplicate series for the match group \{job="node"\} on the right hand-side of the operation: .*;many-to-many matching not allowed: matching labels must be unique on one side$/,
    );
    await expect(q.instant('label_replace(up, "instance", "x", "", "")', 0)).rejects.toThrow('vector cannot contain metrics with the same labelset');
  });

  it('handles NaN and infinities as Go does', async () => {
    expect(await q.instant('0 / 0', 0)).toEqual(['scalar NaN']);
    expect(await q.instant('-1 / 0', 0)).toEqual(['scalar -Infinity']);
    expect(await q.instant('NaN == bool NaN', 0)).toEqual(['scalar 0']);
    expect(await q.instant('5 % -3', 0)).toEqual(['scalar 2']);
  });
});
