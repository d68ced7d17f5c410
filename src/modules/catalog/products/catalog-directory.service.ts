import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, ObjectLiteral, Repository, SelectQueryBuilder } from 'typeorm';
import { normaliseCode } from './domain/product-codes';
import { isId } from '../../../common/ids';
import { Product, ProductUdi } from './product.entity';

let sequence = 0;

/** Read access to products for other contexts (procurement lots, orders, monitoring …). */
@Injectable()
export class CatalogDirectory {
  constructor(
    @InjectRepository(Product) private readonly products: Repository<Product>,
    @InjectRepository(ProductUdi) private readonly udis: Repository<ProductUdi>,
  ) {}

  findById(id: string): Promise<Product | null> {
    return isId(id) ? this.products.findOneBy({ id }) : Promise.resolve(null);
  }

  async findByIds(ids: string[]): Promise<Map<string, Product>> {
    const valid = [...new Set(ids)].filter(isId);
    if (valid.length === 0) return new Map();
    const rows = await this.products.findBy({ id: In(valid) });
    return new Map(rows.map((p) => [p.id, p]));
  }

  async findByCodes(codes: string[]): Promise<Map<string, Product>> {
    const normalised = [...new Set(codes.map(normaliseCode))];
    if (normalised.length === 0) return new Map();
    const rows = await this.products.findBy({ code: In(normalised) });
    return new Map(rows.map((p) => [p.code, p]));
  }

  /** Ids of every product a manufacturer holds (any status): a sanction on all its products. */
  async productIdsOf(manufacturerId: string, manager?: EntityManager): Promise<string[]> {
    if (!isId(manufacturerId)) return [];
    const rows = await (manager ?? this.products.manager)
      .getRepository(Product)
      .find({ select: { id: true }, where: { manufacturerId }, order: { id: 'ASC' } });
    return rows.map((p) => p.id);
  }

  /**
   * Joins `qb`'s rows to the product their product-id column (`line.productId` …) names, for
   * figures grouped in SQL by what the catalogue says of it; a row naming no product drops out.
   * Answers the SQL of the product's category (`drug` | `consumable`).
   */
  joinCategory<T extends ObjectLiteral>(qb: SelectQueryBuilder<T>, column: string): string {
    sequence = (sequence + 1) % 1_000_000_000;
    const alias = `catalog_product_${sequence}`;
    qb.innerJoin(Product, alias, `${alias}.id = ${column}`);
    return `${alias}.category`;
  }

  /** The consumable a UDI-DI is mapped to (一码联通), or null. */
  async findByUdi(udi: string): Promise<Product | null> {
    const mapping = await this.udis.findOneBy({ udi: normaliseCode(udi) });
    return mapping ? this.products.findOneBy({ id: mapping.productId }) : null;
  }
}
