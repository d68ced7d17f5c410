import { ApiProperty } from '@nestjs/swagger';
import { DOSAGE_FORM_CLASSES, DosageForm, DosageFormClass } from '../domain/dosage-forms';

export class DosageFormView {
  @ApiProperty({ example: 'tablet' }) code!: string;
  @ApiProperty({ example: '普通片' }) name!: string;
  @ApiProperty({ example: '1.00', description: '§P5 price-differential factor' }) factor!: string;
  @ApiProperty({ enum: DOSAGE_FORM_CLASSES }) defaultClass!: DosageFormClass;
  @ApiProperty({ enum: DOSAGE_FORM_CLASSES, isArray: true }) classes!: DosageFormClass[];

  static of(f: DosageForm): DosageFormView {
    return {
      code: f.code,
      name: f.name,
      factor: f.factor,
      defaultClass: f.defaultClass,
      classes: [...f.classes],
    };
  }
}
