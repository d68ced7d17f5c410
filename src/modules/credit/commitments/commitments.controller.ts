import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Actor } from '../../../common/auth/actor';
import { CurrentActor, Roles } from '../../../common/auth/decorators';
import { CREDIT_READERS } from '../cases/cases.controller';
import { CommitmentsService } from './commitments.service';
import {
  CommitmentTextView,
  GeneralCommitmentView,
  SignCommitmentRequest,
  SupplierCommitmentsView,
} from './dto/commitment.dto';

@ApiTags('credit')
@ApiBearerAuth()
@Controller('credit')
export class CommitmentsController {
  constructor(private readonly commitments: CommitmentsService) {}

  @Get('commitment-text')
  @ApiOperation({ summary: 'The current general integrity commitment text (信用承诺书, §K4)' })
  @ApiOkResponse({ type: CommitmentTextView })
  text(): Promise<CommitmentTextView> {
    return this.commitments.current();
  }

  @Post('commitments')
  @Roles('supplier_user')
  @ApiOperation({ summary: 'Sign the current general integrity commitment for your organisation' })
  @ApiCreatedResponse({ type: GeneralCommitmentView })
  sign(
    @CurrentActor() actor: Actor,
    @Body() body: SignCommitmentRequest,
  ): Promise<GeneralCommitmentView> {
    return this.commitments.sign(actor, body);
  }

  @Get('suppliers/:supplierId/commitments')
  @Roles(...CREDIT_READERS, 'procurement_officer')
  @ApiOperation({ summary: "A supplier's general and per-round integrity commitments" })
  @ApiOkResponse({ type: SupplierCommitmentsView })
  ofSupplier(
    @CurrentActor() actor: Actor,
    @Param('supplierId') supplierId: string,
  ): Promise<SupplierCommitmentsView> {
    return this.commitments.ofSupplier(actor, supplierId);
  }
}
