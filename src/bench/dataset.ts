import { EntityManager, EntityTarget, In, ObjectLiteral } from 'typeorm';
import { Decimal } from '../database/decimal';
import { TransactionRunner } from '../database/transaction-runner';
import { chunks } from '../common/chunks';
import { INSERT_CHUNK } from '../modules/catalog/imports/product-import.kinds';
import { ListingPrice } from '../modules/catalog/listing-prices/listing-price.entity';
import { productRow } from '../modules/catalog/products/product-lookups';
import { Product } from '../modules/catalog/products/product.entity';
import { generatePassword, hashPassword } from '../modules/identity/domain/credentials';
import { Organisation } from '../modules/identity/organisations/organisation.entity';
import { Region } from '../modules/identity/regions/region.entity';
import { User } from '../modules/identity/users/user.entity';
import { BENCH_PROVINCE, DatasetPlan, LISTED_FROM, OrganisationRow } from './domain/dataset-plan';

/** What the scenarios need to know about the loaded dataset. */
export interface Dataset {
  prefix: string;
  /** An admin of the bench province's authority, created for this run. */
  admin: { username: string; password: string };
  /** A pricing analyst of the same authority (external reference imports, monitoring). */
  analyst: { username: string; password: string };
  manufacturerCodes: string[];
  /** Codes of the dataset's drugs, then its consumables. */
  productCodes: string[];
  drugIds: string[];
  counts: Record<string, number>;
}

async function insertAll<T extends ObjectLiteral>(
  m: EntityManager,
  target: EntityTarget<T>,
  rows: T[],
  ignoreExisting = false,
): Promise<void> {
  for (const chunk of chunks(rows, INSERT_CHUNK)) {
    const qb = m.createQueryBuilder().insert().into(target).values(chunk).updateEntity(false);
    await (ignoreExisting ? qb.orIgnore() : qb).execute();
  }
}

/** Ids by code of rows just written, read back in chunks. */
async function idsByCode<T extends { id: string; code: string }>(
  m: EntityManager,
  target: EntityTarget<T>,
  codes: string[],
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const chunk of chunks(codes, INSERT_CHUNK)) {
    const rows = await m
      .getRepository(target)
      .createQueryBuilder('x')
      .select(['x.id', 'x.code'])
      .where({ code: In(chunk) })
      .getMany();
    for (const r of rows) out.set(r.code, r.id);
  }
  return out;
}

/**
 * Writes a dataset plan with multi-row inserts in one transaction. The region tree is shared
 * by every run and only its missing rows are added; everything else carries the run prefix.
 */
export async function loadDataset(
  tx: TransactionRunner,
  plan: DatasetPlan,
  progress: (message: string) => void,
): Promise<Dataset> {
  const admin = { username: `bench-${plan.prefix.toLowerCase()}`, password: generatePassword() };
  const analyst = {
    username: `bench-${plan.prefix.toLowerCase()}-analyst`,
    password: generatePassword(),
  };
  const [passwordHash, analystHash] = await Promise.all([
    hashPassword(admin.password),
    hashPassword(analyst.password),
  ]);
  const now = new Date();
  const stamp = { createdAt: now, updatedAt: now };
  const organisations: OrganisationRow[] = [
    ...plan.authorities,
    ...plan.hospitals,
    ...plan.manufacturers,
    ...plan.distributors,
  ];

  const { drugIds, manufacturerCodes } = await tx.run(async (m) => {
    await insertAll(
      m,
      Region,
      plan.regions.map((r) => ({ ...r, ...stamp }) as Region),
      true,
    );
    progress(`${plan.regions.length} regions under ${BENCH_PROVINCE}`);

    await insertAll(
      m,
      Organisation,
      organisations.map(
        (o) =>
          ({
            ...o,
            creditCode: null,
            contactName: null,
            contactPhone: null,
            status: 'active',
            ...stamp,
          }) as Organisation,
      ),
    );
    const orgIds = await idsByCode(
      m,
      Organisation,
      organisations.map((o) => o.code),
    );
    progress(
      `${plan.authorities.length} authorities, ${plan.hospitals.length} hospitals, ` +
        `${plan.manufacturers.length} manufacturers, ${plan.distributors.length} distributors`,
    );

    const makerId = (index: number) => orgIds.get(plan.manufacturers[index].code)!;
    await insertAll(m, Product, [
      ...plan.drugs.map(
        (d) => productRow({ drug: d.spec }, makerId(d.manufacturer), now) as Product,
      ),
      ...plan.consumables.map(
        (c) => productRow({ consumable: c.spec }, makerId(c.manufacturer), now) as Product,
      ),
    ]);
    const products = [...plan.drugs, ...plan.consumables];
    const productIds = await idsByCode(
      m,
      Product,
      products.map((p) => p.spec.code),
    );
    await insertAll(
      m,
      ListingPrice,
      products.map(
        (p) =>
          ({
            productId: productIds.get(p.spec.code)!,
            regionCode: BENCH_PROVINCE,
            packPrice: new Decimal(p.packPrice),
            unitPrice: new Decimal(p.unitPrice),
            validFrom: LISTED_FROM,
            validTo: null,
            status: 'active',
            suspendedAt: null,
            suspensionReason: null,
            suspensionSource: null,
            ...stamp,
          }) as ListingPrice,
      ),
    );
    progress(
      `${plan.drugs.length} drugs, ${plan.consumables.length} consumables, ${products.length} listing prices`,
    );

    const authorityId = orgIds.get(plan.authorities[0].code)!;
    await insertAll(m, User, [
      {
        username: admin.username,
        displayName: 'Benchmark administrator',
        organisationId: authorityId,
        roles: ['admin'],
        passwordHash,
        status: 'active',
        passwordChangedAt: now,
        lastLoginAt: null,
        ...stamp,
      } as User,
      {
        username: analyst.username,
        displayName: 'Benchmark pricing analyst',
        organisationId: authorityId,
        roles: ['pricing_analyst'],
        passwordHash: analystHash,
        status: 'active',
        passwordChangedAt: now,
        lastLoginAt: null,
        ...stamp,
      } as User,
    ]);
    return {
      drugIds: plan.drugs.map((d) => productIds.get(d.spec.code)!),
      manufacturerCodes: plan.manufacturers.map((o) => o.code),
    };
  });

  return {
    prefix: plan.prefix,
    admin,
    analyst,
    manufacturerCodes,
    productCodes: [...plan.drugs, ...plan.consumables].map((p) => p.spec.code),
    drugIds,
    counts: {
      regions: plan.regions.length,
      authorities: plan.authorities.length,
      hospitals: plan.hospitals.length,
      manufacturers: plan.manufacturers.length,
      distributors: plan.distributors.length,
      drugs: plan.drugs.length,
      consumables: plan.consumables.length,
      listingPrices: plan.drugs.length + plan.consumables.length,
    },
  };
}
