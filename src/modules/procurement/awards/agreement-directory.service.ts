import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { Decimal } from '../../../database/decimal';
import { Agreement } from './agreement.entity';

/** What other contexts (execution, settlement) read of an agreement. */
export interface EffectiveAgreement {
  id: string;
  code: string;
  roundId: string;
  lotId: string;
  hospitalId: string;
  supplierId: string;
  productId: string;
  /** Price of one pack of the product. */
  packPrice: Decimal;
  /** Price of one smallest unit (tablet, vial) of the product. */
  unitPrice: Decimal;
  agreedQuantity: Decimal;
  startDate: string;
  endDate: string;
}

/** Read access to §P9 agreements for other contexts; they never query the table themselves. */
@Injectable()
export class AgreementDirectory {
  constructor(@InjectRepository(Agreement) private readonly agreements: Repository<Agreement>) {}

  /**
   * The hospital's active agreement for a product in force on a business date (YYYY-MM-DD), or
   * null. Should two rounds' agreements overlap (a renewal starting before the old one ends),
   * the one that started last applies.
   */
  async effectiveAgreement(
    hospitalId: string,
    productId: string,
    on: string,
    manager?: EntityManager,
  ): Promise<EffectiveAgreement | null> {
    if (!/^\d{1,18}$/.test(hospitalId) || !/^\d{1,18}$/.test(productId)) return null;
    const row = await (manager ?? this.agreements.manager)
      .getRepository(Agreement)
      .createQueryBuilder('a')
      .where('a.hospitalId = :hospitalId AND a.productId = :productId', { hospitalId, productId })
      .andWhere("a.status = 'active'")
      .andWhere('a.startDate <= :on AND a.endDate >= :on', { on })
      .orderBy('a.startDate', 'DESC')
      .addOrderBy('a.id', 'DESC')
      .getOne();
    return row ? effective(row) : null;
  }
}

function effective(a: Agreement): EffectiveAgreement {
  return {
    id: a.id,
    code: a.code,
    roundId: a.roundId,
    lotId: a.lotId,
    hospitalId: a.hospitalId,
    supplierId: a.supplierId,
    productId: a.productId,
    packPrice: a.packPrice,
    unitPrice: a.unitPrice,
    agreedQuantity: a.agreedQuantity,
    startDate: a.startDate,
    endDate: a.endDate,
  };
}
