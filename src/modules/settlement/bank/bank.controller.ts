import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiResponseOptions,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { Actor } from '../../../common/auth/actor';
import { CurrentActor, Roles } from '../../../common/auth/decorators';
import { XLSX_CONTENT_TYPE } from '../../imports/excel/xlsx-export';
import { BankBatchView, PaymentInstructionQuery } from './dto/bank.dto';
import { PaymentInstructions } from './payment-instructions.service';

const FILE_RESPONSE: ApiResponseOptions = {
  description:
    'The instruction file. Headers: X-Bank-Batch-Id (the context id of its result template) and X-File-Sha256',
  schema: { type: 'string', format: 'binary' },
};

@ApiTags('settlement')
@ApiBearerAuth()
@Controller('settlement')
export class BankController {
  constructor(private readonly instructions: PaymentInstructions) {}

  @Get('payment-instructions')
  @Roles('fund_officer')
  @ApiOperation({
    summary:
      'Download the payments awaiting the bank as a new instruction batch (§S3.5); each download is a batch',
  })
  @ApiProduces(XLSX_CONTENT_TYPE, 'text/csv')
  @ApiOkResponse(FILE_RESPONSE)
  async instruct(
    @CurrentActor() actor: Actor,
    @Query() query: PaymentInstructionQuery,
    @Res() res: Response,
  ): Promise<void> {
    const file = await this.instructions.instruct(actor, query);
    res.status(200);
    res.setHeader('Content-Type', file.contentType);
    res.setHeader('Content-Disposition', `attachment; filename="${file.fileName}"`);
    res.setHeader('X-Bank-Batch-Id', file.batch.id);
    res.setHeader('X-File-Sha256', file.batch.fileSha256);
    res.end(file.body);
  }

  @Get('payment-batches/:id')
  @Roles('fund_officer')
  @ApiOperation({ summary: 'An instruction batch with each payment’s bank result' })
  @ApiOkResponse({ type: BankBatchView })
  batch(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<BankBatchView> {
    return this.instructions.detail(actor, id);
  }
}
