import 'reflect-metadata';
import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { AppModule } from '../app.module';
import { Actor } from '../common/auth/actor';
import { Role } from '../common/auth/roles';
import { JsonLogger } from '../common/logging/json-logger';
import { MovableClock } from '../common/movable-clock';
import { ConfigError, loadConfig } from '../config/config';
import { JobQueue } from '../jobs/job-queue';
import { Decimal, roundTo } from '../database/decimal';
import { CreateListingPriceRequest } from '../modules/catalog/listing-prices/dto/listing-price.dto';
import { ListingPricesService } from '../modules/catalog/listing-prices/listing-prices.service';
import { ConsumablesService } from '../modules/catalog/products/consumables.service';
import { DrugsService } from '../modules/catalog/products/drugs.service';
import { CreateConsumableRequest } from '../modules/catalog/products/dto/consumable.dto';
import { CreateDrugRequest } from '../modules/catalog/products/dto/drug.dto';
import { AlliancesService } from '../modules/identity/alliances/alliances.service';
import {
  AddAllianceMemberRequest,
  CreateAllianceRequest,
} from '../modules/identity/alliances/dto/alliance.dto';
import { PLATFORM_ORG_CODE } from '../modules/identity/auth/auth.service';
import { CreateOrganisationRequest } from '../modules/identity/organisations/dto/organisation.dto';
import { Organisation } from '../modules/identity/organisations/organisation.entity';
import { OrganisationsService } from '../modules/identity/organisations/organisations.service';
import { CreateRegionRequest } from '../modules/identity/regions/dto/region.dto';
import { RegionsService } from '../modules/identity/regions/regions.service';
import { CreateUserRequest } from '../modules/identity/users/dto/user.dto';
import { User } from '../modules/identity/users/user.entity';
import { UsersService } from '../modules/identity/users/users.service';
import {
  DEMO_AUTHORITIES,
  DEMO_CONSUMABLES,
  DEMO_DRUGS,
  DEMO_HOSPITALS,
  DEMO_REGIONS,
  DEMO_SUPPLIERS,
} from './demo-data';
import { dto } from './demo-request';
import { describeCredit, seedCredit } from './demo-credit';
import { describeExecution, ExecutionCast, seedExecution } from './demo-execution';
import { describeMonitoring, seedMonitoring } from './demo-monitoring';
import { DemoCatalogue, describeRounds, RoundCast, seedRounds } from './demo-rounds';

/** Every demo login shares this password; the script prints it with the usernames. */
export const DEMO_PASSWORD = 'Jicai-demo-2026';
const ALLIANCE_CODE = 'NJ-METRO-2026';
const LISTED_FROM = '2026-01-01';
const OFFICER = 'nj.officer';
/** The city's pricing analyst (§M) and credit supervisor (§K). */
const ANALYST = 'nj.analyst';
const SUPERVISOR = 'nj.supervisor';
/** The hospital login whose view of the risk notices the summary shows. */
const NOTICE_READER = 'hospital1';
/** Manufacturers with drugs in the catalogue; the others make consumables. */
const DRUG_MAKERS = 17;
/** Hospitals with a login: the 26 public ones and 4 private ones, all taking part in the rounds. */
const HOSPITAL_LOGINS = 30;
/** The demo moves its clock itself; the round timer must not race it to a transition. */
const TIMER_SECONDS = String(7 * 24 * 3600);

/** The GS1 check digit of the first 13 digits of a GTIN-14. */
function gtin14(body13: string): string {
  const sum = [...body13].reduce((acc, d, i) => acc + Number(d) * (i % 2 === 0 ? 3 : 1), 0);
  return `${body13}${(10 - (sum % 10)) % 10}`;
}

/** Deterministic price spread between manufacturers: 0.80 … 1.30. */
function spread(i: number): Decimal {
  return new Decimal(80 + ((i * 37) % 51)).div(100);
}

interface Login {
  username: string;
  roles: Role[];
  organisation: string;
}

async function platformAdmin(app: INestApplicationContext): Promise<Actor> {
  const ds = app.get(DataSource);
  const org = await ds.getRepository(Organisation).findOneByOrFail({ code: PLATFORM_ORG_CODE });
  const users = await ds.getRepository(User).findBy({ organisationId: org.id, status: 'active' });
  const admin = users.find((u) => u.roles.includes('admin'));
  if (!admin) throw new Error('No active platform administrator: start the service once first');
  return {
    kind: 'user',
    id: admin.id,
    name: admin.username,
    orgId: org.id,
    orgType: 'authority',
    roles: admin.roles,
    scopes: [],
    regionCode: null,
    regionPath: null,
  };
}

interface Seeded {
  logins: Login[];
  cast: RoundCast;
  buyers: ExecutionCast;
  catalogue: DemoCatalogue;
}

async function seed(app: INestApplicationContext): Promise<Seeded> {
  const actor = await platformAdmin(app);
  const regions = app.get(RegionsService);
  const orgs = app.get(OrganisationsService);
  const users = app.get(UsersService);
  const alliances = app.get(AlliancesService);
  const drugs = app.get(DrugsService);
  const consumables = app.get(ConsumablesService);
  const listings = app.get(ListingPricesService);
  const logins: Login[] = [];

  for (const r of DEMO_REGIONS) {
    await regions.create(
      actor,
      await dto(CreateRegionRequest, {
        code: r.code,
        name: r.name,
        ...(r.parent ? { parentCode: r.parent } : {}),
      }),
    );
  }

  const authorities = new Map<string, Organisation>();
  for (const a of DEMO_AUTHORITIES) {
    authorities.set(
      a.code,
      await orgs.create(
        actor,
        await dto(CreateOrganisationRequest, {
          code: a.code,
          name: a.name,
          type: 'authority',
          regionCode: a.region,
        }),
      ),
    );
  }
  const hospitals: Organisation[] = [];
  for (const [i, h] of DEMO_HOSPITALS.entries()) {
    hospitals.push(
      await orgs.create(
        actor,
        await dto(CreateOrganisationRequest, {
          code: `H${h.region}${String(i + 1).padStart(4, '0')}`,
          name: h.name,
          type: 'hospital',
          hospitalKind: h.kind,
          grade: h.grade,
          regionCode: h.region,
        }),
      ),
    );
  }
  const suppliers: Organisation[] = [];
  for (const s of DEMO_SUPPLIERS) {
    suppliers.push(
      await orgs.create(
        actor,
        await dto(CreateOrganisationRequest, {
          code: s.code,
          name: s.name,
          type: s.type,
          regionCode: s.region,
        }),
      ),
    );
  }

  const addUser = async (
    username: string,
    org: Organisation,
    roles: Role[],
    displayName: string,
  ) => {
    await users.create(
      actor,
      await dto(CreateUserRequest, {
        username,
        displayName,
        organisationId: org.id,
        roles,
        password: DEMO_PASSWORD,
      }),
    );
    logins.push({ username, roles, organisation: org.name });
  };
  const city = authorities.get('YB320100')!;
  await addUser('nj.admin', city, ['admin'], '南京市医保局 系统管理员');
  await addUser(OFFICER, city, ['procurement_officer'], '南京市医保局 采购经办');
  await addUser(ANALYST, city, ['pricing_analyst'], '南京市医保局 价格监测');
  const funds = [1, 2, 3].map((n) => `nj.fund${n}`);
  for (const [n, username] of funds.entries())
    await addUser(username, city, ['fund_officer'], `南京市医保局 结算经办${n + 1}`);
  await addUser(SUPERVISOR, city, ['supervisor'], '南京市医保局 信用监管');
  await addUser('nj.auditor', city, ['auditor'], '南京市医保局 审计');
  await addUser(
    'js.officer',
    authorities.get('YB320000')!,
    ['procurement_officer'],
    '江苏省医保局 采购经办',
  );
  await addUser(
    'jn.officer',
    authorities.get('YB320115')!,
    ['procurement_officer'],
    '江宁区医保局 采购经办',
  );
  const hospitalLogins: string[] = [];
  for (const [i, h] of hospitals.slice(0, HOSPITAL_LOGINS).entries()) {
    hospitalLogins.push(`hospital${i + 1}`);
    await addUser(`hospital${i + 1}`, h, ['hospital_user'], `${h.name} 药剂科`);
  }
  const drugMakers = suppliers.filter((o) => o.type === 'manufacturer').slice(0, DRUG_MAKERS);
  const makerLogins: string[] = [];
  for (const [i, s] of drugMakers.entries()) {
    makerLogins.push(`maker${i + 1}`);
    await addUser(`maker${i + 1}`, s, ['supplier_user'], `${s.name} 投标专员`);
  }
  for (const [i, s] of suppliers
    .filter((o) => o.type === 'distributor')
    .slice(0, 2)
    .entries()) {
    await addUser(`distributor${i + 1}`, s, ['supplier_user'], `${s.name} 配送专员`);
  }

  const alliance = await alliances.create(
    actor,
    await dto(CreateAllianceRequest, {
      code: ALLIANCE_CODE,
      name: '宁镇锡药品耗材联合采购联盟',
      leadOrgId: city.id,
      description:
        'Nanjing, Zhenjiang and Wuxi buying together; private hospitals and pharmacies may opt in.',
    }),
  );
  for (const regionCode of ['320100', '320200', '321100']) {
    await alliances.addMember(
      actor,
      alliance.alliance.id,
      await dto(AddAllianceMemberRequest, { type: 'region', regionCode }),
    );
  }

  // Drugs: every strength of every generic from three manufacturers, in up to two pack sizes.
  const catalogue: DemoCatalogue = new Map();
  const originators = new Set(drugMakers.slice(15).map((o) => o.id));
  let productIndex = 0;
  for (const [g, drug] of DEMO_DRUGS.entries()) {
    for (const [s, strength] of drug.strengths.entries()) {
      for (let k = 0; k < 3; k++) {
        const maker = drugMakers[(g * 3 + s + k * 5) % drugMakers.length];
        for (const pack of drug.packSizes.slice(k % 2, (k % 2) + 2)) {
          productIndex++;
          const code = `X${drug.atc}A${String(g + 1).padStart(3, '0')}${s + 1}${String(pack).padStart(3, '0')}${maker.code.slice(2)}`;
          const created = await drugs.create(
            actor,
            await dto(CreateDrugRequest, {
              code,
              name: drug.generic,
              brandName: `${maker.name.slice(0, 2)}牌`,
              manufacturerId: maker.id,
              dosageForm: drug.form,
              strength: strength.strength,
              strengthUnit: strength.unit,
              packSize: pack,
              smallestUnit: drug.smallestUnit,
              approvalNumber: `国药准字H${String(20000000 + productIndex * 7919).slice(0, 8)}`,
              consistencyEvaluated: !originators.has(maker.id),
              originator: originators.has(maker.id),
              essential: drug.essential,
              reimbursable: true,
            }),
          );
          catalogue.set(drug.generic, [...(catalogue.get(drug.generic) ?? []), created.id]);
          const packPrice = new Decimal(drug.unitPrice)
            .mul(pack)
            .mul(spread(productIndex))
            .mul(s === 0 ? '1' : '1.7');
          await listings.create(
            actor,
            created.id,
            await dto(CreateListingPriceRequest, {
              regionCode: '320000',
              packPrice: roundTo(packPrice, 2),
              validFrom: LISTED_FROM,
            }),
          );
        }
      }
    }
  }

  const deviceMakers = suppliers.filter((o) => o.type === 'manufacturer').slice(DRUG_MAKERS);
  for (const [c, item] of DEMO_CONSUMABLES.entries()) {
    for (let k = 0; k < 3; k++) {
      productIndex++;
      const maker = deviceMakers[(c + k) % deviceMakers.length];
      const created = await consumables.create(
        actor,
        await dto(CreateConsumableRequest, {
          code: `C${String(3112010 + c).padStart(8, '0')}${maker.code.slice(2)}${String(k + 1).padStart(3, '0')}0000`,
          name: item.name,
          brandName: `${maker.name.slice(0, 2)}`,
          manufacturerId: maker.id,
          categoryPath: item.categoryPath,
          highValue: item.highValue,
          registrationNumber: `国械注准2026${String(3130000 + productIndex).padStart(7, '0')}`,
          specification: item.model,
          unit: item.unit,
        }),
      );
      await consumables.mapUdi(
        actor,
        created.id,
        gtin14(`0690${String(100000000 + productIndex * 13)}`),
      );
      await listings.create(
        actor,
        created.id,
        await dto(CreateListingPriceRequest, {
          regionCode: '320000',
          packPrice: roundTo(new Decimal(item.price).mul(spread(productIndex)), 2),
          validFrom: LISTED_FROM,
        }),
      );
    }
  }
  return {
    logins,
    cast: {
      officer: OFFICER,
      allianceId: alliance.alliance.id,
      hospitals: hospitalLogins,
      makers: makerLogins,
    },
    buyers: { hospitals: hospitalLogins, makers: makerLogins, funds },
    catalogue,
  };
}

async function main(): Promise<void> {
  const config = loadConfig({ ROUND_TIMER_SECONDS: TIMER_SECONDS });
  const logger = new JsonLogger('warn');
  const clock = new MovableClock();
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(config, { clock }), {
    logger,
  });
  try {
    const ds = app.get(DataSource);
    if (await ds.getRepository(Organisation).existsBy({ code: DEMO_AUTHORITIES[0].code })) {
      console.log('The demo alliance is already in this database; nothing added.');
    } else {
      const started = Date.now();
      const { logins, cast, buyers, catalogue } = await seed(app);
      const seeded = Date.now();
      await seedRounds(app, clock, cast, catalogue);
      // The award's follow-up jobs (payment standards) run in this process in embedded mode:
      // they finish before the demo goes on, and before it closes the database.
      const jobs = app.get(JobQueue);
      await jobs.idle();
      const played = Date.now();
      const months = await seedExecution(app, clock, buyers, catalogue);
      await jobs.idle();
      const executed = Date.now();
      await seedMonitoring(app, ANALYST, months);
      await seedCredit(app, SUPERVISOR);
      await jobs.idle();
      const count = async (table: string) => {
        const rows = await ds.query<Array<{ n: string | number }>>(
          `SELECT COUNT(*) AS n FROM ${table}`,
        );
        return rows[0].n;
      };
      console.log(
        `Demo alliance created in ${seeded - started} ms: ` +
          `${await count('regions')} regions, ${await count('organisations')} organisations, ` +
          `${await count('products')} products, ${await count('listing_prices')} listing prices.`,
      );
      console.log(
        `Procurement rounds played in ${played - seeded} ms: ` +
          `${await count('demand_reports')} demand reports, ${await count('bids')} bids, ` +
          `${await count('agreements')} agreements.`,
      );
      console.log(`Execution and settlement played in ${executed - played} ms.`);
      console.log(
        `Price monitoring and credit played in ${Date.now() - executed} ms: ` +
          `${await count('monitoring_observations')} observations, ` +
          `${await count('monitoring_alerts')} alerts, ${await count('credit_cases')} credit case(s).`,
      );
      console.log(`\nLogins (password for all: ${DEMO_PASSWORD}):`);
      for (const l of logins)
        console.log(`  ${l.username.padEnd(14)} ${l.roles.join(',').padEnd(20)} ${l.organisation}`);
    }
    console.log(`\nProcurement rounds (as ${OFFICER} sees them):`);
    for (const line of await describeRounds(app, OFFICER)) console.log(line);
    console.log(`\nExecution and settlement: ${await describeExecution(app)}`);
    console.log(`\nPrice monitoring (as ${ANALYST} sees it):`);
    for (const line of await describeMonitoring(app, ANALYST)) console.log(line);
    console.log(`\nCredit (as ${SUPERVISOR} records it):`);
    for (const line of await describeCredit(app, SUPERVISOR, NOTICE_READER)) console.log(line);
    const database =
      config.database.type === 'sqlite' ? config.database.path : config.database.database;
    console.log(
      `\nDatabase: ${database}. Start the service with \`npm start\` and log in at POST /api/v1/auth/login.`,
    );
  } finally {
    await app.close();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
});
