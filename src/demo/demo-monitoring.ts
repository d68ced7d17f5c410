import { INestApplicationContext } from '@nestjs/common';
import { DataSource, IsNull, Not } from 'typeorm';
import { MAX_PAGE_SIZE } from '../common/pagination';
import { JobQueue } from '../jobs/job-queue';
import { Round } from '../modules/procurement/rounds/round.entity';
import { chinaDate } from '../modules/catalog/listing-prices/domain/listing-rules';
import { EvaluationQuery } from '../modules/monitoring/evaluation/dto/evaluation.dto';
import { EvaluationService } from '../modules/monitoring/evaluation/evaluation.service';
import { IndexQuery } from '../modules/monitoring/index/dto/price-index.dto';
import { PriceIndexService } from '../modules/monitoring/index/price-index.service';
import { ObservationDerivation } from '../modules/monitoring/observations/observation-derivation.service';
import { addMonths } from '../modules/monitoring/rules/domain/periods';
import { players } from './demo-rounds';
import { dto } from './demo-request';

/** The city whose price index the summary shows: Nanjing, where the demo hospitals order. */
const INDEX_REGION = '320100';

/**
 * §M price monitoring over what the demo played, as the city's pricing analyst would drive it
 * through the API: the observations of every month from the awarded round's bid opening to the
 * last month of orders derived (`POST /monitoring/observations/derive`), then a full evaluation
 * of each month in ascending order (`POST /monitoring/evaluations`), each waited for, so later
 * months read the peer statistics of earlier ones.
 */
export async function seedMonitoring(
  app: INestApplicationContext,
  analyst: string,
  executionMonths: string[],
): Promise<void> {
  const derivation = app.get(ObservationDerivation);
  const evaluations = app.get(EvaluationService);
  const jobs = app.get(JobQueue);
  const actor = (await players(app, [analyst])).get(analyst)!.actor;

  const opened = await app
    .get(DataSource)
    .getRepository(Round)
    .find({ where: { status: 'awarded', openedAt: Not(IsNull()) } });
  const first = [
    ...opened.map((r) => chinaDate(r.openedAt!).slice(0, 7)),
    ...executionMonths,
  ].sort()[0];
  const last = [...executionMonths].sort().pop() ?? first;
  if (!first) throw new Error('The demo played no month to monitor: the awarded round is missing');
  const periods: string[] = [];
  for (let p = first; p <= last; p = addMonths(p, 1)) periods.push(p);

  for (const period of periods) await derivation.derive(actor.id, period);
  // Each derivation's incremental evaluation runs after it commits; let them finish first.
  await jobs.idle();
  for (const period of periods) {
    const requested = await evaluations.requestFull(actor, period);
    await jobs.idle();
    const run = await evaluations.get(requested.id);
    if (run.status !== 'succeeded')
      throw new Error(`Evaluation of ${period} ended ${run.status}: ${run.message ?? ''}`);
  }
}

/** Observations, peer statistics, alerts and the city's price index of the months evaluated. */
export async function describeMonitoring(
  app: INestApplicationContext,
  analyst: string,
): Promise<string[]> {
  const ds = app.get(DataSource);
  const runs = await app.get(EvaluationService).list(
    await dto(EvaluationQuery, {
      kind: 'full',
      status: 'succeeded',
      pageSize: MAX_PAGE_SIZE,
    }),
  );
  const periods = [...new Set(runs.items.flatMap((r) => r.periods))].sort();
  if (periods.length === 0) return ['  No month evaluated yet.'];
  const from = periods[0];
  const to = periods[periods.length - 1];
  const grouped = async (sql: string) =>
    ds.query<Array<Record<string, string | number>>>(sql, [from, to]);

  const observations = await grouped(
    `SELECT source, COUNT(*) AS n FROM monitoring_observations
      WHERE period >= ? AND period <= ? GROUP BY source ORDER BY source`,
  );
  const stats = await grouped(
    `SELECT basis, COUNT(*) AS n FROM monitoring_peer_stats
      WHERE period >= ? AND period <= ? GROUP BY basis ORDER BY basis`,
  );
  const alerts = await grouped(
    `SELECT rule_code AS rule, severity, COUNT(*) AS n FROM monitoring_alerts
      WHERE period >= ? AND period <= ? AND firing = 1
      GROUP BY rule_code, severity ORDER BY rule_code, severity`,
  );
  const byRule = new Map<string, string[]>();
  for (const a of alerts)
    byRule.set(String(a.rule), [...(byRule.get(String(a.rule)) ?? []), `${a.severity} ${a.n}`]);
  const statsOf = (basis: string) => stats.find((s) => s.basis === basis)?.n ?? 0;

  const lines = [
    `  Months evaluated ${from} to ${to} (as ${analyst} requests them), ${runs.total} full runs.`,
    `  Observations: ${observations.map((o) => `${o.source} ${o.n}`).join(', ')}.`,
    `  Peer statistics: ${statsOf('unit')} product-months, ${statsOf('comparable')} generic-months.`,
    `  Alerts firing:`,
    ...[...byRule.entries()].map(
      ([rule, counts]) => `      ${rule.padEnd(18)} ${counts.join(', ')}`,
    ),
  ];

  // The index starts in the first month with purchases: the base month needs a basket.
  const bought = await ds.query<Array<{ first: string | null; last: string | null }>>(
    `SELECT MIN(period) AS first, MAX(period) AS last FROM monitoring_observations
      WHERE source = 'purchase' AND period >= ? AND period <= ?`,
    [from, to],
  );
  if (bought[0]?.first && bought[0].last) {
    const index = await app.get(PriceIndexService).index(
      await dto(IndexQuery, {
        from: bought[0].first,
        to: bought[0].last,
        regionCode: INDEX_REGION,
        formula: 'fisher',
      }),
    );
    lines.push(
      `  Chained Fisher price index of ${INDEX_REGION} (${index.base} = 100): ` +
        index.points
          .map((p) => `${p.period} ${p.fisher ?? 'n/a'} (${p.products} products)`)
          .join(', '),
    );
  }
  return lines;
}
