import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, Repository } from 'typeorm';
import { isId } from '../../../common/ids';
import { Product } from './product.entity';

/**
 * Read access to products by generic for other contexts, inside the caller's transaction when
 * it passes its manager: settlement's §S5 standards and §S6 retention work on a lot's generic
 * (通用名) within one dosage-form class.
 */
@Injectable()
export class ProductFamilies {
  constructor(@InjectRepository(Product) private readonly products: Repository<Product>) {}

  /** The products of `ids` that exist, in no particular order. */
  async byIds(ids: string[], m?: EntityManager): Promise<Product[]> {
    const valid = [...new Set(ids)].filter(isId);
    if (valid.length === 0) return [];
    return this.repo(m).findBy({ id: In(valid) });
  }

  /** Every product whose generic name is one of `names`, of the dosage-form class. */
  async sameGeneric(
    names: string[],
    dosageFormClass: string,
    m?: EntityManager,
  ): Promise<Product[]> {
    const unique = [...new Set(names)];
    if (unique.length === 0) return [];
    return this.repo(m)
      .createQueryBuilder('p')
      .where('p.name IN (:...names)', { names: unique })
      .andWhere('p.dosageFormClass = :cls', { cls: dosageFormClass })
      .getMany();
  }

  private repo(m?: EntityManager): Repository<Product> {
    return m ? m.getRepository(Product) : this.products;
  }
}
