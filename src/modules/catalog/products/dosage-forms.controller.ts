import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Scopes } from '../../../common/auth/decorators';
import { DOSAGE_FORMS } from './domain/dosage-forms';
import { DosageFormView } from './dto/dosage-form.dto';

@ApiTags('catalog')
@ApiBearerAuth()
@ApiSecurity('api-key')
@Controller('catalog/dosage-forms')
export class DosageFormsController {
  @Get()
  @Scopes('catalog:read')
  @ApiOkResponse({ type: [DosageFormView], description: 'The §P5 dosage-form table' })
  list(): DosageFormView[] {
    return DOSAGE_FORMS.map((f) => DosageFormView.of(f));
  }
}
