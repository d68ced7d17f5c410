import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Actor } from '../../../common/auth/actor';
import { Clock } from '../../../common/clock';
import { Page, page, skipTake } from '../../../common/pagination';
import { Decimal } from '../../../database/decimal';
import { TransactionRunner } from '../../../database/transaction-runner';
import { AuditService } from '../../audit/audit.service';
import { catalogError, validOrThrow } from '../catalog.errors';
import { ListingPrice } from '../listing-prices/listing-price.entity';
import { CreateDrugRequest, DrugQuery, DrugView, UpdateDrugRequest } from './dto/drug.dto';
import { checkDrug, patchDrug } from './domain/product-rules';
import {
  drugSpecOf,
  productAuditView,
  nameDuplicateCode,
  ProductLookups,
  productRef,
  productRow,
} from './product-lookups';
import { Product } from './product.entity';

@Injectable()
export class DrugsService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly lookups: ProductLookups,
  ) {}

  async list(query: DrugQuery): Promise<Page<DrugView>> {
    const { skip, take } = skipTake(query);
    const [rows, total] = await this.lookups
      .drugQuery(query)
      .skip(skip)
      .take(take)
      .getManyAndCount();
    return page(await this.lookups.drugViews(rows), total, query);
  }

  async get(id: string): Promise<DrugView> {
    const product = await this.lookups.findProduct('drug', id);
    return (await this.lookups.drugViews([product]))[0];
  }

  async create(actor: Actor, body: CreateDrugRequest): Promise<DrugView> {
    const spec = validOrThrow(checkDrug(body));
    await this.lookups.requireManufacturer(body.manufacturerId);
    const product = await this.tx
      .run(async (manager) => {
        await this.lookups.assertCodeFree(manager, spec.code);
        const row = productRow({ drug: spec }, body.manufacturerId, this.clock.now());
        const saved = await manager.getRepository(Product).save(manager.create(Product, row));
        await this.audit.record(manager, actor, 'drug.created', productRef(saved), {
          after: productAuditView(saved),
        });
        return saved;
      })
      .catch((e: unknown) => {
        throw nameDuplicateCode(e, spec.code);
      });
    return (await this.lookups.drugViews([product]))[0];
  }

  async update(actor: Actor, id: string, body: UpdateDrugRequest): Promise<DrugView> {
    const { manufacturerId, status, ...fields } = body;
    if (manufacturerId !== undefined) await this.lookups.requireManufacturer(manufacturerId);
    const product = await this.tx.run(async (manager) => {
      const current = await this.lookups.lockProduct(manager, 'drug', id);
      const before = productAuditView(current);
      const spec = validOrThrow(checkDrug(patchDrug(drugSpecOf(current), fields)));
      if (spec.packSize !== current.packSize && (await hasListings(manager, current.id)))
        throw catalogError(
          'PACK_SIZE_LOCKED',
          `packSize of drug ${current.code} cannot change once it has listing prices (their unit prices derive from it); register the new pack as a new product`,
          { field: 'packSize' },
        );
      Object.assign(current, spec, {
        strength: new Decimal(spec.strength),
        manufacturerId: manufacturerId ?? current.manufacturerId,
        status: status ?? current.status,
        updatedAt: this.clock.now(),
      });
      const saved = await manager.getRepository(Product).save(current);
      await this.audit.record(manager, actor, 'drug.updated', productRef(saved), {
        before,
        after: productAuditView(saved),
      });
      return saved;
    });
    return (await this.lookups.drugViews([product]))[0];
  }
}

function hasListings(manager: EntityManager, productId: string): Promise<boolean> {
  return manager.getRepository(ListingPrice).existsBy({ productId });
}
