import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { Actor, hasRole } from '../../../common/auth/actor';
import { isSupplierType } from '../../../common/auth/roles';
import { Clock } from '../../../common/clock';
import { DomainError } from '../../../common/errors/domain-error';
import { CatalogDirectory } from '../../catalog/products/catalog-directory.service';
import { Product } from '../../catalog/products/product.entity';
import {
  CellValue,
  ImportContext,
  ImportKind,
  NumberedRow,
  ParsedRow,
  RowProblem,
  SealedImport,
} from '../../imports/import-kind';
import { importsError } from '../../imports/imports.errors';
import { Lot } from '../lots/lot.entity';
import { LotsService } from '../lots/lots.service';
import { procurementError } from '../procurement.errors';
import { Round } from '../rounds/round.entity';
import { RoundsService } from '../rounds/rounds.service';
import { Bid } from './bid.entity';
import { BidSealer } from './bid-sealer';
import { BidFields, BidsService } from './bids.service';
import { BID_IMPORT_COLUMNS, BidImportRow, parseBidRow } from './domain/bid-import-row';

const FIELDS: BidFields = {
  product: 'productCode',
  packPrice: 'packPrice',
  capacity: 'capacity',
  preferredRegions: 'preferredRegions',
};

const COLUMN_KEYS = new Set(BID_IMPORT_COLUMNS.map((c) => c.key));

/** The template column a check's error is about (`preferredRegions[2]` → preferredRegions). */
function columnOf(e: DomainError): string | null {
  const field = (e.details as { field?: unknown } | undefined)?.field;
  if (typeof field !== 'string') return null;
  const key = field.replace(/\[.*$/, '');
  return COLUMN_KEYS.has(key) ? key : null;
}

function productLabel(p: Product): string {
  if (p.category === 'consumable') return [p.name, p.specification].filter(Boolean).join(' ');
  const strength = p.strength ? `${p.strength.toFixed()}${p.strengthUnit ?? ''}` : '';
  const pack = p.packSize ? `×${p.packSize}` : '';
  return [p.name, strength, p.dosageForm ?? '', pack].filter(Boolean).join(' ');
}

/**
 * §P4/§X bids by Excel (context id = round id): the template lists the round's lots with the
 * supplier's admitted products; each filled row is submitted (or resubmitted, or amended) by the
 * same checks and writer as the API, all rows in one transaction or none.
 */
@Injectable()
export class BidImportKind implements ImportKind<BidImportRow> {
  readonly kind = 'procurement.bids';
  readonly version = 1;
  readonly title = '投标申报 Bids';
  readonly sheetName = '申报 Bids';
  readonly columns = BID_IMPORT_COLUMNS;

  /** Rows with terms written per import, for the empty-upload check at the end. */
  private readonly filled = new Map<string, number>();

  constructor(
    private readonly bidsService: BidsService,
    private readonly rounds: RoundsService,
    private readonly lots: LotsService,
    private readonly catalog: CatalogDirectory,
    private readonly clock: Clock,
    @InjectRepository(Bid) private readonly bids: Repository<Bid>,
    private readonly sealer: BidSealer,
  ) {}

  /**
   * §P4 sealed until opening: the upload is its supplier's alone, audited under the bidder's
   * pseudonym, and its row problems (which quote the uploaded prices) are stored encrypted.
   */
  readonly sealed: SealedImport = {
    auditActor: (actor, roundId) => this.sealer.pseudonym(roundId, actor),
    protect: (text, roundId, importId) => this.sealer.sealText(roundId, text, `import:${importId}`),
    reveal: (text, roundId, importId) =>
      this.sealer.unsealText(roundId, text, `import:${importId}`),
  };

  allowed(actor: Actor): boolean {
    return (
      actor.kind === 'user' && hasRole(actor, 'supplier_user') && isSupplierType(actor.orgType)
    );
  }

  async checkContext(actor: Actor, contextId: string): Promise<void> {
    if (!contextId)
      throw importsError(
        'CONTEXT_INVALID',
        'A bid template belongs to a round: pass ?contextId=<round id>',
        { field: 'contextId' },
      );
    await this.rounds.visible(actor, contextId);
  }

  async templateRows(actor: Actor, contextId: string): Promise<Record<string, CellValue>[]> {
    const round = await this.rounds.visible(actor, contextId);
    const lots = await this.lots.lotsOfRound(undefined, round.id);
    const admitted = await Promise.all(
      lots.map(async (lot) => ({
        lot,
        ids: await this.lots.admittedProductIds(undefined, lot.id),
      })),
    );
    const products = await this.catalog.findByIds(admitted.flatMap((a) => a.ids));
    return admitted.flatMap(({ lot, ids }) =>
      ids
        .map((id) => products.get(id))
        .filter((p): p is Product => p !== undefined && p.manufacturerId === actor.orgId)
        .map((p) => ({
          lotCode: lot.code,
          lotName: lot.name,
          productCode: p.code,
          productName: productLabel(p),
          packPrice: null,
          capacity: null,
          preferredRegions: null,
        })),
    );
  }

  parseRow(cells: Record<string, CellValue>): ParsedRow<BidImportRow> {
    return parseBidRow(cells);
  }

  /**
   * Round-level refusals (window, commitment, credit bar) concern the whole file and fail the
   * import with their message; the rest are reported per row.
   */
  async checkBatch(
    rows: NumberedRow<BidImportRow>[],
    ctx: ImportContext,
    seen: Map<string, unknown>,
  ): Promise<Map<number, RowProblem[]>> {
    const problems = new Map<number, RowProblem[]>();
    const add = (row: number, problem: RowProblem) =>
      problems.set(row, [...(problems.get(row) ?? []), problem]);
    const m = this.bids.manager;
    const round = await this.rounds.visible(ctx.actor, ctx.contextId, m);
    await this.bidsService.assertMayBid(m, ctx.actor, round, this.clock.now());
    const { lots, products } = await this.lookups(m, round, rows);
    for (const { rowNumber, value } of rows) {
      if (!value.terms) continue;
      const key = `bid:${value.lotCode}|${value.productCode}`;
      const first = seen.get(key) as number | undefined;
      if (first !== undefined) {
        add(rowNumber, {
          column: 'productCode',
          message: `product ${value.productCode} in lot ${value.lotCode} is already bid in row ${first}`,
        });
        continue;
      }
      seen.set(key, rowNumber);
      const lot = lots.get(value.lotCode);
      if (!lot) {
        add(rowNumber, {
          column: 'lotCode',
          message: `round ${round.code} has no lot ${value.lotCode}`,
        });
        continue;
      }
      try {
        await this.bidsService.checkBid(
          m,
          ctx.actor,
          round,
          lot,
          products.get(value.productCode) ?? null,
          value.productCode,
          value.terms,
          FIELDS,
        );
      } catch (e) {
        if (!(e instanceof DomainError)) throw e;
        add(rowNumber, { column: columnOf(e), message: e.message });
      }
    }
    return problems;
  }

  async writeBatch(
    manager: EntityManager,
    rows: NumberedRow<BidImportRow>[],
    ctx: ImportContext,
  ): Promise<void> {
    const now = this.clock.now();
    // Locked like an API submission: one writer per round at a time, and fresh state to check.
    const round = await this.rounds.lock(manager, ctx.contextId);
    await this.bidsService.assertMayBid(manager, ctx.actor, round, now);
    const { lots, products } = await this.lookups(manager, round, rows);
    try {
      for (const { value } of rows) {
        if (!value.terms) continue;
        const lot = lots.get(value.lotCode);
        if (!lot)
          throw procurementError(
            'LOT_NOT_FOUND',
            `Round ${round.code} has no lot ${value.lotCode}`,
            {
              lotCode: value.lotCode,
            },
          );
        await this.bidsService.placeIn(
          manager,
          ctx.actor,
          round,
          {
            lot,
            product: products.get(value.productCode) ?? null,
            productRef: value.productCode,
            terms: value.terms,
          },
          FIELDS,
          now,
          'amend',
        );
        this.filled.set(ctx.importId, (this.filled.get(ctx.importId) ?? 0) + 1);
      }
    } catch (err) {
      // The whole import rolls back; a later run of it counts afresh.
      this.filled.delete(ctx.importId);
      throw err;
    }
  }

  finish(_manager: EntityManager, ctx: ImportContext): Promise<void> {
    const filled = this.filled.get(ctx.importId) ?? 0;
    this.filled.delete(ctx.importId);
    if (filled === 0)
      throw procurementError(
        'BID_UPLOAD_EMPTY',
        'No row has a pack price: fill in the pack price and capacity of the products you bid, then upload the workbook again',
      );
    return Promise.resolve();
  }

  private async lookups(
    m: EntityManager,
    round: Round,
    rows: NumberedRow<BidImportRow>[],
  ): Promise<{ lots: Map<string, Lot>; products: Map<string, Product> }> {
    const lots = new Map((await this.lots.lotsOfRound(m, round.id)).map((l) => [l.code, l]));
    const products = await this.catalog.findByCodes(
      rows.filter((r) => r.value.terms).map((r) => r.value.productCode),
    );
    return { lots, products };
  }
}
