import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, Repository, SelectQueryBuilder } from 'typeorm';
import {
  duplicateKeyError,
  registerUniqueConstraint,
} from '../../../common/errors/unique-constraints';
import { Decimal } from '../../../database/decimal';
import { forUpdate } from '../../../database/dialect';
import { OrganisationDirectory } from '../../identity/organisations/organisation-directory.service';
import { Organisation } from '../../identity/organisations/organisation.entity';
import { catalogError } from '../catalog.errors';
import { ConsumableQuery, ConsumableView } from './dto/consumable.dto';
import { DrugQuery, DrugView } from './dto/drug.dto';
import { ProductQuery } from './dto/product-query.dto';
import { ConsumableSpec, DrugSpec } from './domain/product-rules';
import { Product, ProductCategory, ProductUdi } from './product.entity';
import { isId } from '../../../common/ids';

registerUniqueConstraint('uq_products__code', {
  table: 'products',
  columns: ['code'],
  code: 'CATALOG.DUPLICATE_PRODUCT_CODE',
  message: 'A product with this national insurance code already exists',
});
registerUniqueConstraint('uq_product_udis__udi', {
  table: 'product_udis',
  columns: ['udi'],
  code: 'CATALOG.UDI_ALREADY_MAPPED',
  message: 'This UDI is already mapped to a consumable',
});

const SORT_COLUMNS = { code: 'p.code', name: 'p.name', createdAt: 'p.createdAt' } as const;

/** `LIKE` pattern with `!` as the escape character (MySQL and SQLite both honour ESCAPE). */
export function likePattern(text: string, mode: 'contains' | 'prefix'): string {
  const escaped = text.replace(/[!%_]/g, (c) => `!${c}`);
  return mode === 'contains' ? `%${escaped}%` : `${escaped}%`;
}

function duplicateCode(code: string) {
  return catalogError('DUPLICATE_PRODUCT_CODE', `Product code ${code} already exists`, { code });
}

/**
 * Names the clashing code when two creates of one code race past the service's check and the
 * unique key refuses the second.
 */
export function nameDuplicateCode(error: unknown, code: string): unknown {
  return duplicateKeyError(error)?.code === 'CATALOG.DUPLICATE_PRODUCT_CODE'
    ? duplicateCode(code)
    : error;
}

/**
 * Reads shared by the product use cases and the exports: the filtered list query, the
 * manufacturer check and the view builders that join manufacturers and UDIs in one query each.
 */
@Injectable()
export class ProductLookups {
  constructor(
    @InjectRepository(Product) private readonly products: Repository<Product>,
    @InjectRepository(ProductUdi) private readonly udis: Repository<ProductUdi>,
    private readonly organisations: OrganisationDirectory,
  ) {}

  async findProduct(category: ProductCategory, id: string): Promise<Product> {
    const product = isId(id) ? await this.products.findOneBy({ id, category }) : null;
    if (!product) throw catalogError('PRODUCT_NOT_FOUND', `${category} ${id} not found`, { id });
    return product;
  }

  /** Loads a product for a read-modify-write inside `manager`'s transaction. */
  async lockProduct(
    manager: EntityManager,
    category: ProductCategory | null,
    id: string,
  ): Promise<Product> {
    let product: Product | null = null;
    if (isId(id)) {
      const qb = manager.getRepository(Product).createQueryBuilder('p').where('p.id = :id', { id });
      if (category) qb.andWhere('p.category = :category', { category });
      product = await forUpdate(qb).getOne();
    }
    if (!product)
      throw catalogError('PRODUCT_NOT_FOUND', `${category ?? 'product'} ${id} not found`, { id });
    return product;
  }

  /** The marketing-authorisation holder or registrant must be an active manufacturer. */
  async requireManufacturer(id: string): Promise<Organisation> {
    const org = await this.organisations.findById(id);
    if (!org)
      throw catalogError('MANUFACTURER_NOT_FOUND', `manufacturerId ${id}: no such organisation`, {
        field: 'manufacturerId',
      });
    if (org.type !== 'manufacturer')
      throw catalogError(
        'NOT_A_MANUFACTURER',
        `manufacturerId ${id}: organisation ${org.code} is a ${org.type}, not a manufacturer`,
        { field: 'manufacturerId' },
      );
    if (org.status !== 'active')
      throw catalogError(
        'MANUFACTURER_INACTIVE',
        `manufacturerId ${id}: manufacturer ${org.code} is inactive`,
        { field: 'manufacturerId' },
      );
    return org;
  }

  async assertCodeFree(manager: EntityManager, code: string): Promise<void> {
    if (await manager.getRepository(Product).existsBy({ code })) throw duplicateCode(code);
  }

  drugQuery(query: DrugQuery): SelectQueryBuilder<Product> {
    const qb = this.baseQuery('drug', query);
    if (query.dosageForm) qb.andWhere('p.dosageForm = :form', { form: query.dosageForm });
    if (query.dosageFormClass)
      qb.andWhere('p.dosageFormClass = :cls', { cls: query.dosageFormClass });
    for (const flag of [
      'consistencyEvaluated',
      'originator',
      'essential',
      'negotiated',
      'reimbursable',
    ] as const) {
      const value = query[flag];
      if (value !== undefined) qb.andWhere(`p.${flag} = :${flag}`, { [flag]: value });
    }
    return qb;
  }

  consumableQuery(query: ConsumableQuery): SelectQueryBuilder<Product> {
    const qb = this.baseQuery('consumable', query);
    if (query.categoryPath) {
      const path = query.categoryPath
        .split('/')
        .map((s) => s.trim())
        .filter((s) => s !== '')
        .join('/');
      qb.andWhere("(p.categoryPath = :cp OR p.categoryPath LIKE :cpLike ESCAPE '!')", {
        cp: path,
        cpLike: likePattern(`${path}/`, 'prefix'),
      });
    }
    if (query.highValue !== undefined) qb.andWhere('p.highValue = :hv', { hv: query.highValue });
    return qb;
  }

  private baseQuery(category: ProductCategory, query: ProductQuery): SelectQueryBuilder<Product> {
    const qb = this.products.createQueryBuilder('p').where('p.category = :category', { category });
    if (query.code) qb.andWhere('p.code = :code', { code: query.code.trim().toUpperCase() });
    if (query.q)
      qb.andWhere("(p.name LIKE :q ESCAPE '!' OR p.brandName LIKE :q ESCAPE '!')", {
        q: likePattern(query.q.trim(), 'contains'),
      });
    if (query.manufacturerId) qb.andWhere('p.manufacturerId = :mid', { mid: query.manufacturerId });
    if (query.status) qb.andWhere('p.status = :status', { status: query.status });
    const direction = query.order === 'desc' ? 'DESC' : 'ASC';
    return qb.orderBy(SORT_COLUMNS[query.sort], direction).addOrderBy('p.id', direction);
  }

  async drugViews(products: Product[]): Promise<DrugView[]> {
    const makers = await this.organisations.findByIds(products.map((p) => p.manufacturerId));
    return products.map((p) => DrugView.of(p, makers.get(p.manufacturerId)));
  }

  async consumableViews(products: Product[], manager?: EntityManager): Promise<ConsumableView[]> {
    if (products.length === 0) return [];
    const makers = await this.organisations.findByIds(products.map((p) => p.manufacturerId));
    const repo = manager ? manager.getRepository(ProductUdi) : this.udis;
    const rows = await repo.findBy({ productId: In(products.map((p) => p.id)) });
    const byProduct = new Map<string, string[]>();
    for (const r of rows)
      byProduct.set(r.productId, [...(byProduct.get(r.productId) ?? []), r.udi]);
    return products.map((p) =>
      ConsumableView.of(p, makers.get(p.manufacturerId), byProduct.get(p.id) ?? []),
    );
  }
}

export function drugSpecOf(p: Product): DrugSpec {
  return {
    code: p.code,
    name: p.name,
    brandName: p.brandName,
    dosageForm: p.dosageForm!,
    dosageFormClass: p.dosageFormClass!,
    strength: p.strength!.toFixed(),
    strengthUnit: p.strengthUnit!,
    packSize: p.packSize!,
    smallestUnit: p.smallestUnit!,
    approvalNumber: p.approvalNumber,
    consistencyEvaluated: p.consistencyEvaluated,
    originator: p.originator,
    essential: p.essential,
    negotiated: p.negotiated,
    reimbursable: p.reimbursable,
  };
}

export function consumableSpecOf(p: Product): ConsumableSpec {
  return {
    code: p.code,
    name: p.name,
    brandName: p.brandName,
    categoryPath: p.categoryPath!,
    highValue: p.highValue,
    registrationNumber: p.registrationNumber,
    specification: p.specification,
    unit: p.unit!,
  };
}

/** Column values of a new product row; the other category's columns are null / false. */
export function productRow(
  spec: { drug: DrugSpec } | { consumable: ConsumableSpec },
  manufacturerId: string,
  now: Date,
): Omit<Product, 'id'> {
  const common = {
    manufacturerId,
    status: 'active' as const,
    createdAt: now,
    updatedAt: now,
  };
  if ('drug' in spec) {
    const d = spec.drug;
    return {
      ...common,
      category: 'drug',
      ...d,
      strength: new Decimal(d.strength),
      categoryPath: null,
      highValue: false,
      registrationNumber: null,
      specification: null,
      unit: null,
    };
  }
  const c = spec.consumable;
  return {
    ...common,
    category: 'consumable',
    ...c,
    dosageForm: null,
    dosageFormClass: null,
    strength: null,
    strengthUnit: null,
    packSize: null,
    smallestUnit: null,
    approvalNumber: null,
    consistencyEvaluated: false,
    originator: false,
    essential: false,
    negotiated: false,
    reimbursable: false,
  };
}

export function productRef(p: Product): { type: string; id: string } {
  return { type: 'product', id: p.id };
}

/** The product as recorded in the audit log: its columns, decimals as strings. */
export function productAuditView(p: Product): Record<string, unknown> {
  const { createdAt: _c, updatedAt: _u, strength, ...rest } = p;
  return { ...rest, strength: strength ? strength.toFixed() : null };
}
