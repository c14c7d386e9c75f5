/** The table (and JSON ids) of `npm run bench:load`: one row per figure, Classdesk beside its baseline. */
import type { FanoutSide, LoadRound, PullFigures, SocketsSide } from './load-parts.js';
import { median, quantile } from './load-support.js';

export type PullReport = PullFigures & { changes: number; bytes: number; queries: number };

export interface Row {
  id: string;
  measure: string;
  classdesk: number;
  baseline: number | null;
  digits: number;
  /** How the ratio reads: classdesk ÷ baseline ("×"), or its share of the baseline ("of baseline"). */
  ratio: 'times' | 'share' | 'none';
}

export const fmt = (n: number, digits = 0) =>
  Number.isFinite(n)
    ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
    : String(n);
const KiB = 1024;

export function socketRows(
  prefix: string,
  label: string,
  s: { classdesk: SocketsSide; baseline: SocketsSide },
  /** socket.io alone, measured for reference: its heap per socket is shown beside the baseline's. */
  socketIoAlone?: SocketsSide,
): Row[] {
  const reference: Row[] = socketIoAlone
    ? [
        {
          id: `${prefix}.socketIoAloneHeapPerSocketKiB`,
          measure: `    reference: socket.io alone (no auth, no rooms; ${fmt(socketIoAlone.held)} held), heap per socket`,
          classdesk: socketIoAlone.heapPerSocket / KiB,
          baseline: s.baseline.heapPerSocket / KiB,
          digits: 2,
          ratio: 'times',
        },
        {
          id: `${prefix}.socketIoAloneRssPerSocketKiB`,
          measure: '    reference: socket.io alone, RSS per socket',
          classdesk: socketIoAlone.rssPerSocket / KiB,
          baseline: s.baseline.rssPerSocket / KiB,
          digits: 2,
          ratio: 'times',
        },
      ]
    : [];
  return [
    {
      id: `${prefix}.held`,
      measure: `sockets held${label} (requested ${fmt(s.classdesk.requested)})`,
      classdesk: s.classdesk.held,
      baseline: s.baseline.held,
      digits: 0,
      ratio: 'none',
    },
    {
      id: `${prefix}.serverHeld`,
      measure: '  same, as the server process counts them',
      classdesk: s.classdesk.serverHeld,
      baseline: s.baseline.serverHeld,
      digits: 0,
      ratio: 'none',
    },
    {
      id: `${prefix}.heapPerSocketKiB`,
      measure: '  server heap per socket (KiB, after GC)',
      classdesk: s.classdesk.heapPerSocket / KiB,
      baseline: s.baseline.heapPerSocket / KiB,
      digits: 2,
      ratio: 'times',
    },
    ...reference,
    {
      id: `${prefix}.externalPerSocketKiB`,
      measure: '  server external (buffers) per socket (KiB)',
      classdesk: s.classdesk.externalPerSocket / KiB,
      baseline: s.baseline.externalPerSocket / KiB,
      digits: 2,
      ratio: 'none',
    },
    {
      id: `${prefix}.rssPerSocketKiB`,
      measure: '  server RSS per socket (KiB)',
      classdesk: s.classdesk.rssPerSocket / KiB,
      baseline: s.baseline.rssPerSocket / KiB,
      digits: 2,
      ratio: 'times',
    },
    {
      id: `${prefix}.connectsPerSecond`,
      measure: '  connections opened per second (200 handshakes in flight)',
      classdesk: (s.classdesk.held / s.classdesk.connectMs) * 1000,
      baseline: (s.baseline.held / s.baseline.connectMs) * 1000,
      digits: 0,
      ratio: 'share',
    },
  ];
}

export function fanoutRows(
  prefix: string,
  label: string,
  f: { classdesk: FanoutSide; baseline: FanoutSide },
): Row[] {
  const row = (key: keyof FanoutSide, measure: string): Row => ({
    id: `${prefix}.${key.endsWith('Ms') ? key : `${key}Ms`}`,
    measure,
    classdesk: f.classdesk[key] as number,
    baseline: f.baseline[key] as number,
    digits: 1,
    ratio: 'times',
  });
  return [
    row(
      'p50',
      `announcement to ${fmt(f.classdesk.targets)} teachers${label}: p50 ms (POST sent → notification)`,
    ),
    row('p99', '  same, p99 ms'),
    ...(f.classdesk.groupP99.length === 2
      ? (['the process that got the POST', 'the other process'] as const).map((where, g): Row => ({
          id: `${prefix}.p99Ms.process${g}`,
          measure: `    p99 ms of the clients on ${where}`,
          classdesk: f.classdesk.groupP99[g]!,
          baseline: f.baseline.groupP99[g]!,
          digits: 1,
          ratio: 'times',
        }))
      : []),
    row('last', '  same, until the last client ms'),
    row('postMs', '  POST answered ms'),
    {
      id: `${prefix}.missing`,
      measure: `  notifications missing after 60 s (all rounds)`,
      classdesk: f.classdesk.missing,
      baseline: f.baseline.missing,
      digits: 0,
      ratio: 'none',
    },
    {
      id: `${prefix}.strays`,
      measure: '  notifications received by sockets outside the school',
      classdesk: f.classdesk.strays,
      baseline: f.baseline.strays,
      digits: 0,
      ratio: 'none',
    },
  ];
}

export function pullRows(p: PullReport, connections: number): Row[] {
  const m = (xs: number[]) => median(xs);
  const dashP = (q: number) => m(p.dashboardUnderLoad.map((l) => quantile(l, q)));
  /** A figure of the load rounds: its median over the rounds of `side`, beside the baseline's. */
  const load = (
    id: string,
    measure: string,
    key: 'rps' | 'p50' | 'p99',
    side: LoadRound[] = p.classdesk,
  ): Row => ({
    id,
    measure,
    classdesk: m(side.map((r) => r[key])),
    baseline: m(p.baseline.map((r) => r[key])),
    digits: key === 'rps' ? 0 : 2,
    ratio: key === 'rps' ? 'share' : 'times',
  });
  return [
    load(
      'pull.rps',
      `pull requests/s, delta of ${p.changes} changes (${fmt(p.bytes)} B, ${p.queries} SQL), ${connections} connections`,
      'rps',
    ),
    load(
      'pull.floorRps',
      '  floor: node:http replaying the same SQL statements (better-sqlite3 prepared), same body',
      'rps',
      p.floor,
    ),
    load('pull.p50Ms', '  same, latency p50 ms', 'p50'),
    load('pull.p99Ms', '  same, latency p99 ms', 'p99'),
    {
      id: 'pull.errors',
      measure: '  non-200 answers or failed requests (all rounds; baseline column: baseline and floor)',
      classdesk: p.classdesk.reduce((a, r) => a + r.errors, 0),
      baseline: [...p.baseline, ...p.floor].reduce((a, r) => a + r.errors, 0),
      digits: 0,
      ratio: 'none',
    },
    {
      id: 'dashboard.p50Ms',
      measure: `dashboard p50 ms (${p.dashboardQueries} SQL) under that pull load (baseline: same, no load)`,
      classdesk: dashP(0.5),
      baseline: quantile(p.dashboardIdle, 0.5),
      digits: 2,
      ratio: 'times',
    },
    {
      id: 'dashboard.p99Ms',
      measure: 'dashboard p99 ms under that pull load (baseline: same, no load)',
      classdesk: dashP(0.99),
      baseline: quantile(p.dashboardIdle, 0.99),
      digits: 2,
      ratio: 'times',
    },
  ];
}

export function printTable(rows: Row[]): void {
  const cells = rows.map((r) => [
    r.measure,
    fmt(r.classdesk, r.digits),
    r.baseline === null ? '' : fmt(r.baseline, r.digits),
    r.baseline === null || r.ratio === 'none' || r.baseline <= 0 || r.classdesk < 0
      ? ''
      : r.ratio === 'share'
        ? `${fmt(r.classdesk / r.baseline, 2)} of baseline`
        : `${fmt(r.classdesk / r.baseline, 1)}×`,
  ]);
  const head = ['measure', 'classdesk', 'baseline', 'ratio'];
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (cs: string[]) =>
    `| ${cs.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  console.log(line(head));
  console.log(`|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`);
  for (const c of cells) console.log(line(c));
}
