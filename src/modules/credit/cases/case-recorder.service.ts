import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Actor } from '../../../common/auth/actor';
import { registerUniqueConstraint } from '../../../common/errors/unique-constraints';
import { Decimal } from '../../../database/decimal';
import { AuditService } from '../../audit/audit.service';
import { CatalogDirectory } from '../../catalog/products/catalog-directory.service';
import { AcceptedLines } from '../../execution/deliveries/accepted-lines.service';
import { Organisation } from '../../identity/organisations/organisation.entity';
import { creditError } from '../credit.errors';
import { Behaviour } from '../ratings/domain/scheme';
import { CreditCase, CreditCaseProduct } from './credit-case.entity';
import { SourceType, nextCaseCode } from './domain/case-rules';

registerUniqueConstraint('uq_credit_cases__code', {
  table: 'credit_cases',
  columns: ['code'],
  code: 'CREDIT.CASE_CODE_TAKEN',
  message: 'Another credit case took this code at the same moment; try again',
});

/** A case as checked for shape; the recorder checks it against the data. */
export interface CaseDraft {
  supplierId: string;
  behaviour: Behaviour;
  /** Scale-2 string or null. */
  amount: string | null;
  productIds: string[];
  sourceType: SourceType;
  sourceRef: string;
  sourceDate: string;
  summary: string | null;
  /** Field names for messages: the API's, or the referral's. */
  fields: { supplier: string; products: string };
}

export function caseRef(c: CreditCase): { type: string; id: string } {
  return { type: 'credit_case', id: c.id };
}

export function caseAudit(c: CreditCase, productIds: string[]): Record<string, unknown> {
  return {
    code: c.code,
    supplierId: c.supplierId,
    behaviour: c.behaviour,
    amount: c.amount?.toFixed(2) ?? null,
    productIds,
    source: { type: c.sourceType, ref: c.sourceRef, date: c.sourceDate },
    status: c.status,
  };
}

/**
 * §K1 writes a credit case inside the caller's transaction: the supervisor's route and the
 * escalations (price cases §M6, supply failures §K5) share it, so every case meets the same
 * checks — a supplier, products that are its own (a distributor's: products it delivered).
 */
@Injectable()
export class CaseRecorder {
  constructor(
    private readonly audit: AuditService,
    private readonly catalog: CatalogDirectory,
    private readonly deliveries: AcceptedLines,
  ) {}

  async record(
    m: EntityManager,
    actor: Actor,
    draft: CaseDraft,
    now: Date,
  ): Promise<{ case: CreditCase; productIds: string[] }> {
    const supplier = /^\d{1,18}$/.test(draft.supplierId)
      ? await m.getRepository(Organisation).findOneBy({ id: draft.supplierId })
      : null;
    if (!supplier || (supplier.type !== 'manufacturer' && supplier.type !== 'distributor'))
      throw creditError(
        'CASE_SUPPLIER_INVALID',
        `${draft.fields.supplier}: no manufacturer or distributor ${draft.supplierId}`,
        { field: draft.fields.supplier },
      );
    const productIds = await this.checkProducts(m, supplier, draft);
    const year = Number(now.toISOString().slice(0, 4));
    const last = await m
      .getRepository(CreditCase)
      .createQueryBuilder('c')
      .select('MAX(c.code)', 'code')
      .where('c.code LIKE :prefix', { prefix: `CC${year}-%` })
      .getRawOne<{ code: string | null }>();
    const saved = await m.getRepository(CreditCase).save(
      m.create(CreditCase, {
        code: nextCaseCode(year, last?.code ?? null),
        supplierId: supplier.id,
        supplierType: supplier.type,
        behaviour: draft.behaviour,
        amount: draft.amount === null ? null : new Decimal(draft.amount),
        sourceType: draft.sourceType,
        sourceRef: draft.sourceRef,
        sourceDate: draft.sourceDate,
        summary: draft.summary,
        status: 'recorded',
        authorityId: actor.orgType === 'authority' ? actor.orgId : null,
        regionPath: actor.regionPath,
        recordedBy: actor.id,
        recordedAt: now,
        updatedAt: now,
      }),
    );
    if (productIds.length > 0)
      await m
        .getRepository(CreditCaseProduct)
        .insert(productIds.map((productId) => ({ caseId: saved.id, productId })));
    await this.audit.record(m, actor, 'credit_case.recorded', caseRef(saved), {
      after: caseAudit(saved, productIds),
    });
    return { case: saved, productIds };
  }

  private async checkProducts(
    m: EntityManager,
    supplier: Organisation,
    draft: CaseDraft,
  ): Promise<string[]> {
    const field = draft.fields.products;
    const seen = new Map<string, number>();
    draft.productIds.forEach((id, i) => {
      const first = seen.get(id);
      if (first !== undefined)
        throw creditError(
          'CASE_PRODUCTS_INVALID',
          `${field}[${i}]: product ${id} is already listed at ${field}[${first}]`,
          { field: `${field}[${i}]` },
        );
      seen.set(id, i);
    });
    const products = await this.catalog.findByIds(draft.productIds);
    const delivered =
      supplier.type === 'distributor'
        ? await this.deliveries.deliveredProductIds(supplier.id, draft.productIds, m)
        : new Set<string>();
    draft.productIds.forEach((id, i) => {
      const product = products.get(id);
      if (!product)
        throw creditError('CASE_PRODUCTS_INVALID', `${field}[${i}]: no product ${id}`, {
          field: `${field}[${i}]`,
        });
      const own =
        supplier.type === 'manufacturer'
          ? product.manufacturerId === supplier.id
          : delivered.has(product.id);
      if (!own)
        throw creditError(
          'CASE_PRODUCTS_INVALID',
          supplier.type === 'manufacturer'
            ? `${field}[${i}]: product ${product.code} is held by another organisation, not by ${supplier.name}`
            : `${field}[${i}]: distributor ${supplier.name} has no accepted delivery of product ${product.code}`,
          { field: `${field}[${i}]` },
        );
    });
    return [...seen.keys()];
  }
}
