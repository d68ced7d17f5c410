import { Injectable } from '@nestjs/common';
import type { Response } from 'express';
import { SelectQueryBuilder } from 'typeorm';
import { Clock } from '../../common/clock';
import { ListingPriceQuery, ListingPriceView } from './listing-prices/dto/listing-price.dto';
import { ListingPricesService } from './listing-prices/listing-prices.service';
import { ConsumableQuery, ConsumableView } from './products/dto/consumable.dto';
import { DrugQuery, DrugView } from './products/dto/drug.dto';
import { ProductLookups } from './products/product-lookups';
import { ExportColumn, streamXlsx } from '../imports/excel/xlsx-export';

/** Rows read from the database per round trip while exporting. */
const EXPORT_BATCH = 1000;

const DRUG_COLUMNS: readonly ExportColumn<DrugView>[] = [
  { header: '医保药品代码 Insurance code', width: 28, value: (d) => d.code },
  { header: '通用名 Generic name', width: 30, value: (d) => d.name },
  { header: '商品名 Brand name', width: 20, value: (d) => d.brandName },
  { header: '上市许可持有人编码 MAH code', width: 18, value: (d) => d.manufacturerCode },
  { header: '上市许可持有人 MAH', width: 30, value: (d) => d.manufacturerName },
  { header: '剂型 Dosage form', width: 20, value: (d) => d.dosageForm },
  { header: '剂型名称 Dosage form name', width: 12, value: (d) => d.dosageFormName },
  { header: '剂型类别 Dosage-form class', width: 24, value: (d) => d.dosageFormClass },
  { header: '规格数值 Strength', width: 12, value: (d) => d.strength },
  { header: '规格单位 Strength unit', width: 10, value: (d) => d.strengthUnit },
  { header: '包装数量 Pack size', width: 10, value: (d) => d.packSize },
  { header: '最小单位 Smallest unit', width: 10, value: (d) => d.smallestUnit },
  { header: '批准文号 Approval number', width: 22, value: (d) => d.approvalNumber },
  { header: '一致性评价 Consistency evaluated', width: 10, value: (d) => d.consistencyEvaluated },
  { header: '原研/参比 Originator', width: 10, value: (d) => d.originator },
  { header: '基本药物 Essential', width: 10, value: (d) => d.essential },
  { header: '谈判药 Negotiated', width: 10, value: (d) => d.negotiated },
  { header: '医保目录 Reimbursable', width: 10, value: (d) => d.reimbursable },
  { header: '状态 Status', width: 10, value: (d) => d.status },
  { header: 'ID', width: 10, value: (d) => d.id },
];

const CONSUMABLE_COLUMNS: readonly ExportColumn<ConsumableView>[] = [
  { header: '医保耗材代码 Insurance code', width: 28, value: (c) => c.code },
  { header: '产品名称 Product name', width: 30, value: (c) => c.name },
  { header: '商品名 Brand name', width: 20, value: (c) => c.brandName },
  { header: '注册人编码 Registrant code', width: 18, value: (c) => c.manufacturerCode },
  { header: '注册人 Registrant', width: 30, value: (c) => c.manufacturerName },
  { header: '分类 Category path', width: 30, value: (c) => c.categoryPath },
  { header: '高值耗材 High value', width: 10, value: (c) => c.highValue },
  { header: '注册证号 Registration number', width: 24, value: (c) => c.registrationNumber },
  { header: '规格型号 Specification', width: 30, value: (c) => c.specification },
  { header: '单位 Unit', width: 8, value: (c) => c.unit },
  { header: 'UDI-DI', width: 40, value: (c) => c.udis.join(';') },
  { header: '状态 Status', width: 10, value: (c) => c.status },
  { header: 'ID', width: 10, value: (c) => c.id },
];

const LISTING_COLUMNS: readonly ExportColumn<ListingPriceView>[] = [
  { header: '医保代码 Product code', width: 28, value: (l) => l.productCode },
  { header: '名称 Product name', width: 30, value: (l) => l.productName },
  { header: '类别 Category', width: 12, value: (l) => l.category },
  { header: '区划代码 Region code', width: 10, value: (l) => l.regionCode },
  { header: '区划 Region', width: 16, value: (l) => l.regionName },
  { header: '挂网价(每包装) Pack price', width: 16, value: (l) => l.packPrice },
  { header: '最小单位价 Unit price', width: 16, value: (l) => l.unitPrice },
  { header: '生效日期 Valid from', width: 12, value: (l) => l.validFrom },
  { header: '截止日期 Valid to', width: 12, value: (l) => l.validTo },
  { header: '状态 Status', width: 10, value: (l) => l.status },
  { header: '暂停原因 Suspension reason', width: 30, value: (l) => l.suspensionReason },
  {
    header: '暂停来源 Suspension source',
    width: 24,
    // Every source in force, oldest first: a listing can be held by more than one.
    value: (l) => l.suspensions.map((s) => s.source).join(', ') || null,
  },
  { header: 'ID', width: 10, value: (l) => l.id },
];

/** Catalogue exports: the list filters, read a batch at a time, streamed as xlsx. */
@Injectable()
export class CatalogExportService {
  constructor(
    private readonly lookups: ProductLookups,
    private readonly listings: ListingPricesService,
    private readonly clock: Clock,
  ) {}

  async drugs(query: DrugQuery, res: Response): Promise<void> {
    const pages = batches(this.lookups.drugQuery(query), (rows) => this.lookups.drugViews(rows));
    await streamXlsx(res, this.fileName('drugs'), '药品 Drugs', DRUG_COLUMNS, pages);
  }

  async consumables(query: ConsumableQuery, res: Response): Promise<void> {
    const pages = batches(this.lookups.consumableQuery(query), (rows) =>
      this.lookups.consumableViews(rows),
    );
    await streamXlsx(
      res,
      this.fileName('consumables'),
      '耗材 Consumables',
      CONSUMABLE_COLUMNS,
      pages,
    );
  }

  async listingPrices(query: ListingPriceQuery, res: Response): Promise<void> {
    const pages = batches(await this.listings.listQuery(query), (rows) =>
      this.listings.views(rows),
    );
    await streamXlsx(
      res,
      this.fileName('listing-prices'),
      '挂网价 Listing prices',
      LISTING_COLUMNS,
      pages,
    );
  }

  private fileName(what: string): string {
    return `${what}-${this.clock.now().toISOString().slice(0, 10).replace(/-/g, '')}.xlsx`;
  }
}

async function* batches<E extends object, V>(
  qb: SelectQueryBuilder<E>,
  toViews: (rows: E[]) => Promise<V[]>,
): AsyncIterable<V[]> {
  for (let skip = 0; ; skip += EXPORT_BATCH) {
    const rows = await qb.skip(skip).take(EXPORT_BATCH).getMany();
    if (rows.length === 0) return;
    yield await toViews(rows);
    if (rows.length < EXPORT_BATCH) return;
  }
}
