import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Actor } from '../../../common/auth/actor';
import { Clock } from '../../../common/clock';
import { Page, page, skipTake } from '../../../common/pagination';
import { TransactionRunner } from '../../../database/transaction-runner';
import { AuditService } from '../../audit/audit.service';
import { catalogError, validOrThrow } from '../catalog.errors';
import {
  ConsumableQuery,
  ConsumableView,
  CreateConsumableRequest,
  UpdateConsumableRequest,
} from './dto/consumable.dto';
import { normaliseCode, udiProblem } from './domain/product-codes';
import { checkConsumable, patchConsumable } from './domain/product-rules';
import {
  consumableSpecOf,
  productAuditView,
  nameDuplicateCode,
  ProductLookups,
  productRef,
  productRow,
} from './product-lookups';
import { Product, ProductUdi } from './product.entity';

@Injectable()
export class ConsumablesService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly lookups: ProductLookups,
    @InjectRepository(ProductUdi) private readonly udis: Repository<ProductUdi>,
    @InjectRepository(Product) private readonly products: Repository<Product>,
  ) {}

  async list(query: ConsumableQuery): Promise<Page<ConsumableView>> {
    const { skip, take } = skipTake(query);
    const [rows, total] = await this.lookups
      .consumableQuery(query)
      .skip(skip)
      .take(take)
      .getManyAndCount();
    return page(await this.lookups.consumableViews(rows), total, query);
  }

  async get(id: string): Promise<ConsumableView> {
    return this.view(await this.lookups.findProduct('consumable', id));
  }

  /** 一码联通: the consumable a UDI-DI is mapped to. */
  async findByUdi(rawUdi: string): Promise<ConsumableView> {
    const udi = normaliseCode(rawUdi);
    const mapping = await this.udis.findOneBy({ udi });
    const product = mapping ? await this.products.findOneBy({ id: mapping.productId }) : null;
    if (!product)
      throw catalogError('UDI_NOT_FOUND', `UDI ${udi} is not mapped to any consumable`, { udi });
    return this.view(product);
  }

  async create(actor: Actor, body: CreateConsumableRequest): Promise<ConsumableView> {
    const spec = validOrThrow(checkConsumable(body));
    await this.lookups.requireManufacturer(body.manufacturerId);
    const product = await this.tx
      .run(async (manager) => {
        await this.lookups.assertCodeFree(manager, spec.code);
        const row = productRow({ consumable: spec }, body.manufacturerId, this.clock.now());
        const saved = await manager.getRepository(Product).save(manager.create(Product, row));
        await this.audit.record(manager, actor, 'consumable.created', productRef(saved), {
          after: productAuditView(saved),
        });
        return saved;
      })
      .catch((e: unknown) => {
        throw nameDuplicateCode(e, spec.code);
      });
    return this.view(product);
  }

  async update(actor: Actor, id: string, body: UpdateConsumableRequest): Promise<ConsumableView> {
    const { manufacturerId, status, ...fields } = body;
    if (manufacturerId !== undefined) await this.lookups.requireManufacturer(manufacturerId);
    const product = await this.tx.run(async (manager) => {
      const current = await this.lookups.lockProduct(manager, 'consumable', id);
      const before = productAuditView(current);
      const spec = validOrThrow(
        checkConsumable(patchConsumable(consumableSpecOf(current), fields)),
      );
      Object.assign(current, spec, {
        manufacturerId: manufacturerId ?? current.manufacturerId,
        status: status ?? current.status,
        updatedAt: this.clock.now(),
      });
      const saved = await manager.getRepository(Product).save(current);
      await this.audit.record(manager, actor, 'consumable.updated', productRef(saved), {
        before,
        after: productAuditView(saved),
      });
      return saved;
    });
    return this.view(product);
  }

  /**
   * Maps a UDI-DI to this consumable. Mapping it again to the same consumable changes nothing;
   * a UDI mapped to another consumable is a conflict (one UDI, one insurance code).
   */
  async mapUdi(actor: Actor, id: string, rawUdi: string): Promise<ConsumableView> {
    const udi = normaliseCode(rawUdi);
    const problem = udiProblem(udi);
    if (problem) throw catalogError('UDI_INVALID', problem, { field: 'udi' });
    const product = await this.tx.run(async (manager) => {
      const current = await this.lookups.lockProduct(manager, 'consumable', id);
      const existing = await manager.getRepository(ProductUdi).findOneBy({ udi });
      if (existing && existing.productId === current.id) return current;
      if (existing) {
        const owner = await manager
          .getRepository(Product)
          .findOneByOrFail({ id: existing.productId });
        throw catalogError(
          'UDI_ALREADY_MAPPED',
          `UDI ${udi} is already mapped to consumable ${owner.code}`,
          { udi, consumableId: owner.id, consumableCode: owner.code },
        );
      }
      await manager
        .getRepository(ProductUdi)
        .insert({ productId: current.id, udi, createdAt: this.clock.now() });
      await this.audit.record(manager, actor, 'consumable.udi_mapped', productRef(current), {
        after: { udi },
      });
      return current;
    });
    return this.view(product);
  }

  async unmapUdi(actor: Actor, id: string, rawUdi: string): Promise<ConsumableView> {
    const udi = normaliseCode(rawUdi);
    const product = await this.tx.run(async (manager) => {
      const current = await this.lookups.lockProduct(manager, 'consumable', id);
      const existing = await manager
        .getRepository(ProductUdi)
        .findOneBy({ udi, productId: current.id });
      if (!existing)
        throw catalogError(
          'UDI_NOT_FOUND',
          `UDI ${udi} is not mapped to consumable ${current.code}`,
          {
            udi,
          },
        );
      await manager.getRepository(ProductUdi).delete({ id: existing.id });
      await this.audit.record(manager, actor, 'consumable.udi_unmapped', productRef(current), {
        before: { udi },
      });
      return current;
    });
    return this.view(product);
  }

  private async view(product: Product): Promise<ConsumableView> {
    return (await this.lookups.consumableViews([product]))[0];
  }
}
