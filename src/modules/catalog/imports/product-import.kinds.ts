import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, Repository } from 'typeorm';
import { Actor, hasRole } from '../../../common/auth/actor';
import { chunks } from '../../../common/chunks';
import { Clock } from '../../../common/clock';
import { AuditService } from '../../audit/audit.service';
import { OrganisationDirectory } from '../../identity/organisations/organisation-directory.service';
import {
  CellValue,
  ImportContext,
  ImportKind,
  NumberedRow,
  ParsedRow,
  RowProblem,
} from '../../imports/import-kind';
import { productRow } from '../products/product-lookups';
import { Product, ProductUdi } from '../products/product.entity';
import {
  CONSUMABLE_IMPORT_COLUMNS,
  ConsumableImportRow,
  DRUG_IMPORT_COLUMNS,
  DrugImportRow,
  parseConsumableRow,
  parseDrugRow,
} from './domain/import-rows';

/** Rows per INSERT statement: keeps the bound parameters well under SQLite's limit. */
export const INSERT_CHUNK = 200;

export function canImportCatalog(actor: Actor): boolean {
  return actor.kind === 'user' && hasRole(actor, 'admin', 'procurement_officer');
}

export function addProblem(
  map: Map<number, RowProblem[]>,
  rowNumber: number,
  problem: RowProblem,
): void {
  map.set(rowNumber, [...(map.get(rowNumber) ?? []), problem]);
}

/** Checks shared by both product kinds: codes new and unique in the file, MAH a manufacturer. */
async function checkProducts(
  rows: NumberedRow<{ code: string; manufacturerCode: string }>[],
  seen: Map<string, unknown>,
  products: Repository<Product>,
  organisations: OrganisationDirectory,
): Promise<Map<number, RowProblem[]>> {
  const problems = new Map<number, RowProblem[]>();
  for (const { rowNumber, value } of rows) {
    const key = `code:${value.code}`;
    const first = seen.get(key) as number | undefined;
    if (first !== undefined)
      addProblem(problems, rowNumber, {
        column: 'code',
        message: `code ${value.code} already appears in row ${String(first)}`,
      });
    else seen.set(key, rowNumber);
  }
  const codes = rows.map((r) => r.value.code);
  const existing = codes.length
    ? new Set(
        (await products.find({ select: { code: true }, where: { code: In(codes) } })).map(
          (p) => p.code,
        ),
      )
    : new Set<string>();
  const makers = await organisations.findByCodes(rows.map((r) => r.value.manufacturerCode));
  for (const { rowNumber, value } of rows) {
    if (existing.has(value.code))
      addProblem(problems, rowNumber, {
        column: 'code',
        message: `code ${value.code} already exists in the catalogue`,
      });
    const maker = makers.get(value.manufacturerCode);
    const makerProblem = !maker
      ? `no organisation with code ${value.manufacturerCode}`
      : maker.type !== 'manufacturer'
        ? `organisation ${maker.code} is a ${maker.type}, not a manufacturer`
        : maker.status !== 'active'
          ? `manufacturer ${maker.code} is inactive`
          : null;
    if (makerProblem)
      addProblem(problems, rowNumber, { column: 'manufacturerCode', message: makerProblem });
  }
  return problems;
}

async function manufacturerIds(
  organisations: OrganisationDirectory,
  rows: NumberedRow<{ manufacturerCode: string }>[],
): Promise<Map<string, string>> {
  const makers = await organisations.findByCodes(rows.map((r) => r.value.manufacturerCode));
  return new Map([...makers].map(([code, org]) => [code, org.id]));
}

@Injectable()
export class DrugImportKind implements ImportKind<DrugImportRow> {
  readonly kind = 'catalog.drugs';
  readonly version = 1;
  readonly title = '药品目录 Drug catalogue';
  readonly sheetName = '药品 Drugs';
  readonly columns = DRUG_IMPORT_COLUMNS;
  readonly exampleRows: readonly Record<string, CellValue>[] = [
    {
      code: 'XC10AAA021A001010104321',
      name: '阿托伐他汀钙片',
      brandName: '立普妥',
      manufacturerCode: 'M0001',
      dosageForm: 'tablet',
      dosageFormClass: null,
      strength: '20',
      strengthUnit: 'mg',
      packSize: 7,
      smallestUnit: '片',
      approvalNumber: '国药准字H20003263',
      consistencyEvaluated: '是',
      originator: '是',
      essential: '否',
      negotiated: '否',
      reimbursable: '是',
    },
  ];

  constructor(
    @InjectRepository(Product) private readonly products: Repository<Product>,
    private readonly organisations: OrganisationDirectory,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  allowed(actor: Actor): boolean {
    return canImportCatalog(actor);
  }

  parseRow(cells: Record<string, CellValue>): ParsedRow<DrugImportRow> {
    return parseDrugRow(cells);
  }

  checkBatch(
    rows: NumberedRow<DrugImportRow>[],
    _ctx: ImportContext,
    seen: Map<string, unknown>,
  ): Promise<Map<number, RowProblem[]>> {
    return checkProducts(rows, seen, this.products, this.organisations);
  }

  async writeBatch(manager: EntityManager, rows: NumberedRow<DrugImportRow>[]): Promise<void> {
    const makers = await manufacturerIds(this.organisations, rows);
    const now = this.clock.now();
    for (const chunk of chunks(rows, INSERT_CHUNK)) {
      const values = chunk.map(({ value: { manufacturerCode, ...drug } }) =>
        productRow({ drug }, makers.get(manufacturerCode)!, now),
      );
      await manager.createQueryBuilder().insert().into(Product).values(values).execute();
    }
  }

  async finish(manager: EntityManager, ctx: ImportContext, rowCount: number): Promise<void> {
    await this.audit.record(
      manager,
      ctx.actor,
      'catalog.drugs_imported',
      { type: 'import', id: ctx.importId },
      { after: { kind: this.kind, rowCount } },
    );
  }
}

@Injectable()
export class ConsumableImportKind implements ImportKind<ConsumableImportRow> {
  readonly kind = 'catalog.consumables';
  readonly version = 1;
  readonly title = '耗材目录 Consumable catalogue';
  readonly sheetName = '耗材 Consumables';
  readonly columns = CONSUMABLE_IMPORT_COLUMNS;
  readonly exampleRows: readonly Record<string, CellValue>[] = [
    {
      code: 'C0311201000000300000000',
      name: '药物洗脱冠脉支架系统',
      brandName: null,
      manufacturerCode: 'M0001',
      categoryPath: '血管介入/冠脉支架',
      highValue: '是',
      registrationNumber: '国械注准20153130001',
      specification: '3.0mm×18mm',
      unit: '套',
      udis: '06901234567892',
    },
  ];

  constructor(
    @InjectRepository(Product) private readonly products: Repository<Product>,
    @InjectRepository(ProductUdi) private readonly udis: Repository<ProductUdi>,
    private readonly organisations: OrganisationDirectory,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  allowed(actor: Actor): boolean {
    return canImportCatalog(actor);
  }

  parseRow(cells: Record<string, CellValue>): ParsedRow<ConsumableImportRow> {
    return parseConsumableRow(cells);
  }

  async checkBatch(
    rows: NumberedRow<ConsumableImportRow>[],
    _ctx: ImportContext,
    seen: Map<string, unknown>,
  ): Promise<Map<number, RowProblem[]>> {
    const problems = await checkProducts(rows, seen, this.products, this.organisations);
    for (const { rowNumber, value } of rows) {
      for (const udi of value.udis) {
        const first = seen.get(`udi:${udi}`) as number | undefined;
        if (first !== undefined)
          addProblem(problems, rowNumber, {
            column: 'udis',
            message: `udi ${udi} already appears in row ${String(first)}`,
          });
        else seen.set(`udi:${udi}`, rowNumber);
      }
    }
    const all = rows.flatMap((r) => r.value.udis);
    if (all.length === 0) return problems;
    const mapped = await this.udis.findBy({ udi: In(all) });
    const owners = await this.products.findBy({ id: In(mapped.map((m) => m.productId)) });
    const ownerCode = new Map(owners.map((o) => [o.id, o.code]));
    const mappedTo = new Map(mapped.map((m) => [m.udi, ownerCode.get(m.productId)]));
    for (const { rowNumber, value } of rows)
      for (const udi of value.udis)
        if (mappedTo.has(udi))
          addProblem(problems, rowNumber, {
            column: 'udis',
            message: `udi ${udi} is already mapped to consumable ${mappedTo.get(udi) ?? ''}`,
          });
    return problems;
  }

  async writeBatch(
    manager: EntityManager,
    rows: NumberedRow<ConsumableImportRow>[],
  ): Promise<void> {
    const makers = await manufacturerIds(this.organisations, rows);
    const now = this.clock.now();
    for (const chunk of chunks(rows, INSERT_CHUNK)) {
      const values = chunk.map(({ value: { manufacturerCode, udis: _udis, ...consumable } }) =>
        productRow({ consumable }, makers.get(manufacturerCode)!, now),
      );
      await manager.createQueryBuilder().insert().into(Product).values(values).execute();
    }
    const withUdis = rows.filter((r) => r.value.udis.length > 0);
    if (withUdis.length === 0) return;
    const inserted = await manager.getRepository(Product).find({
      select: { id: true, code: true },
      where: { code: In(withUdis.map((r) => r.value.code)) },
    });
    const idByCode = new Map(inserted.map((p) => [p.code, p.id]));
    const udiRows = withUdis.flatMap((r) =>
      r.value.udis.map((udi) => ({ productId: idByCode.get(r.value.code)!, udi, createdAt: now })),
    );
    for (const chunk of chunks(udiRows, INSERT_CHUNK))
      await manager.createQueryBuilder().insert().into(ProductUdi).values(chunk).execute();
  }

  async finish(manager: EntityManager, ctx: ImportContext, rowCount: number): Promise<void> {
    await this.audit.record(
      manager,
      ctx.actor,
      'catalog.consumables_imported',
      { type: 'import', id: ctx.importId },
      { after: { kind: this.kind, rowCount } },
    );
  }
}
