import { INestApplicationContext } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { MAX_PAGE_SIZE } from '../common/pagination';
import { chinaDate } from '../modules/catalog/listing-prices/domain/listing-rules';
import { Clock } from '../common/clock';
import { CasesService } from '../modules/credit/cases/cases.service';
import { CaseQuery, CreateCaseRequest } from '../modules/credit/cases/dto/case.dto';
import { RateCaseRequest, RatingQuery } from '../modules/credit/ratings/dto/rating.dto';
import { RatingsService } from '../modules/credit/ratings/ratings.service';
import { PriceAlert } from '../modules/monitoring/alerts/price-alert.entity';
import { players } from './demo-rounds';
import { dto } from './demo-request';

/** Kickbacks the penalty decision found, yuan: 100 000 – 300 000 is `medium` in the 2020 scheme. */
const BRIBE = '120000.00';
/** Days between the penalty decision and its recording as a credit case. */
const DECISION_DAYS_AGO = 12;

/**
 * §K credit: the city's supervisor records one case against the manufacturer behind the
 * irregular purchase the monitoring flagged (`above_contract`) — an administrative penalty for
 * kickbacks paid to push its non-winning product — and rates it under the active scheme, so
 * every hospital sees the risk notice (`GET /credit/risk-notices`).
 */
export async function seedCredit(app: INestApplicationContext, supervisor: string): Promise<void> {
  const actor = (await players(app, [supervisor])).get(supervisor)!.actor;
  const flagged = await app
    .get(DataSource)
    .getRepository(PriceAlert)
    .findOne({ where: { ruleCode: 'above_contract' }, order: { period: 'ASC', id: 'ASC' } });
  if (!flagged?.supplierId || !flagged.productId)
    throw new Error('No above_contract alert names a supplier: the irregular purchase is missing');
  const now = app.get(Clock).now();
  const decided = chinaDate(new Date(now.getTime() - DECISION_DAYS_AGO * 24 * 3600_000));
  const cases = app.get(CasesService);
  const recorded = await cases.create(
    actor,
    await dto(CreateCaseRequest, {
      supplierId: flagged.supplierId,
      behaviour: 'bribery',
      amount: BRIBE,
      productIds: [flagged.productId],
      source: {
        type: 'administrative_penalty',
        ref: `宁医保罚决〔${decided.slice(0, 4)}〕${decided.slice(5, 7)}${decided.slice(8, 10)}号`,
        date: decided,
      },
      summary: `为推动未中选产品进院，向医疗机构人员给付回扣 ${BRIBE} 元；该院以挂网价三倍采购（价格监测预警 ${flagged.period}）。`,
    }),
  );
  await app.get(RatingsService).rate(actor, recorded.id, await dto(RateCaseRequest, {}));
}

/** The credit cases with their ratings, and the risk notices a hospital sees. */
export async function describeCredit(
  app: INestApplicationContext,
  supervisor: string,
  hospital: string,
): Promise<string[]> {
  const people = await players(app, [supervisor, hospital]);
  const cases = await app
    .get(CasesService)
    .list(people.get(supervisor)!.actor, await dto(CaseQuery, { pageSize: MAX_PAGE_SIZE }));
  const lines: string[] = [];
  for (const c of cases.items) {
    lines.push(
      `  ${c.code}  ${c.status.padEnd(9)} ${c.behaviour} ${c.amount ?? '-'} yuan, ${c.supplierName}, ` +
        `${c.productIds.length} product(s); ${c.source.type} ${c.source.ref} of ${c.source.date}`,
    );
    if (c.rating)
      lines.push(
        `      ${c.rating.levelLabel} (${c.rating.level}) under scheme ${c.rating.schemeVersion}: ` +
          `${c.rating.sanctions.join(', ')}; ${c.rating.validFrom} to ${c.rating.validTo}`,
      );
  }
  if (lines.length === 0) lines.push('  No credit case recorded.');
  // The route a hospital calls; its notices are addressed to every purchaser.
  const notices = await app
    .get(RatingsService)
    .riskNotices(await dto(RatingQuery, { pageSize: MAX_PAGE_SIZE }));
  const org = people.get(hospital)!.org.name;
  lines.push(
    `  Risk notices ${hospital} (${org}) sees: ${notices.total}` +
      notices.items
        .map((n) => `; ${n.supplierName} ${n.levelLabel} until ${n.validTo} (${n.caseCode})`)
        .join(''),
  );
  return lines;
}
