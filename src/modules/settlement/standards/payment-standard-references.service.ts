import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Decimal } from '../../../database/decimal';
import { PaymentStandard } from './payment-standard.entity';

/** A payment standard as price monitoring (§M2) shows it. */
export interface PaymentStandardReference {
  productId: string;
  regionCode: string;
  unitPrice: Decimal;
  validFrom: string;
  validTo: string | null;
}

/** Read access to §S5 payment standards for price monitoring's references. */
@Injectable()
export class PaymentStandardReferences {
  constructor(
    @InjectRepository(PaymentStandard) private readonly standards: Repository<PaymentStandard>,
  ) {}

  /**
   * The standard of a product in force on a date in the region or its nearest ancestor among
   * `regionCodes` (given nearest first), or null.
   */
  async inForce(
    productId: string,
    regionCodes: string[],
    on: string,
  ): Promise<PaymentStandardReference | null> {
    if (!/^\d{1,18}$/.test(productId) || regionCodes.length === 0) return null;
    const rows = await this.standards
      .createQueryBuilder('s')
      .where('s.productId = :productId', { productId })
      .andWhere('s.regionCode IN (:...codes)', { codes: regionCodes })
      .andWhere('s.validFrom <= :on AND (s.validTo IS NULL OR s.validTo >= :on)', { on })
      .orderBy('s.validFrom', 'DESC')
      .addOrderBy('s.id', 'DESC')
      .getMany();
    rows.sort((a, b) => regionCodes.indexOf(a.regionCode) - regionCodes.indexOf(b.regionCode));
    const s = rows[0];
    return s
      ? {
          productId: s.productId,
          regionCode: s.regionCode,
          unitPrice: s.unitPrice,
          validFrom: s.validFrom,
          validTo: s.validTo,
        }
      : null;
  }
}
