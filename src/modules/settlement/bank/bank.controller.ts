import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
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
import {
  BankBatchPage,
  BankBatchQuery,
  BankBatchView,
  CancelBankBatchRequest,
  PaymentInstructionQuery,
} from './dto/bank.dto';
import { InstructionFile, PaymentInstructions } from './payment-instructions.service';

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
    send(res, await this.instructions.instruct(actor, query));
  }

  @Get('payment-batches')
  @Roles('fund_officer')
  @ApiOperation({ summary: 'The instruction batches of your organisation, newest last by default' })
  @ApiOkResponse({ type: BankBatchPage })
  list(@CurrentActor() actor: Actor, @Query() query: BankBatchQuery): Promise<BankBatchPage> {
    return this.instructions.list(actor, query);
  }

  @Get('payment-batches/:id/file')
  @Roles('fund_officer')
  @ApiOperation({
    summary:
      'Download a batch’s instruction file again, the same bytes with the same SHA-256 (not for a cancelled batch)',
  })
  @ApiProduces(XLSX_CONTENT_TYPE, 'text/csv')
  @ApiOkResponse(FILE_RESPONSE)
  async file(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Res() res: Response,
  ): Promise<void> {
    send(res, await this.instructions.file(actor, id));
  }

  @Post('payment-batches/:id/cancel')
  @HttpCode(200)
  @Roles('fund_officer')
  @ApiOperation({
    summary:
      'Withdraw a batch the bank has not answered: its payments go in the next instruction file, no result file can answer it',
  })
  @ApiOkResponse({ type: BankBatchView })
  cancel(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() body: CancelBankBatchRequest,
  ): Promise<BankBatchView> {
    return this.instructions.cancel(actor, id, body.reason);
  }

  @Get('payment-batches/:id')
  @Roles('fund_officer')
  @ApiOperation({ summary: 'An instruction batch with each payment’s bank result' })
  @ApiOkResponse({ type: BankBatchView })
  batch(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<BankBatchView> {
    return this.instructions.detail(actor, id);
  }
}

function send(res: Response, file: InstructionFile): void {
  res.status(200);
  res.setHeader('Content-Type', file.contentType);
  res.setHeader('Content-Disposition', `attachment; filename="${file.fileName}"`);
  res.setHeader('X-Bank-Batch-Id', file.batch.id);
  res.setHeader('X-File-Sha256', file.batch.fileSha256);
  res.end(file.body);
}
