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
  PublishCommitmentTextRequest,
  SignCommitmentRequest,
  SupplierCommitmentsView,
} from './dto/commitment.dto';

@ApiTags('credit')
@ApiBearerAuth()
@Controller('credit')
export class CommitmentsController {
  constructor(private readonly commitments: CommitmentsService) {}

  @Get('commitment-text')
  @ApiOperation({
    summary: 'The integrity commitment text in force (信用承诺书, §K4)',
    description: 'The same as GET /credit/commitment-texts/current.',
  })
  @ApiOkResponse({ type: CommitmentTextView })
  text(): Promise<CommitmentTextView> {
    return this.commitments.current();
  }

  @Get('commitment-texts')
  @ApiOperation({
    summary: 'Every published version of the commitment text, the one in force first',
  })
  @ApiOkResponse({ type: [CommitmentTextView] })
  history(): Promise<CommitmentTextView[]> {
    return this.commitments.history();
  }

  @Get('commitment-texts/current')
  @ApiOperation({ summary: 'The integrity commitment text in force (信用承诺书, §K4)' })
  @ApiOkResponse({ type: CommitmentTextView })
  currentText(): Promise<CommitmentTextView> {
    return this.commitments.current();
  }

  @Post('commitment-texts')
  @Roles('supervisor')
  @ApiOperation({
    summary: 'Publish a new version of the commitment text; suppliers sign it from now on',
    description:
      'Earlier signatures stay valid: a general commitment names its version, a round commitment ' +
      'its round. 409 CREDIT.COMMITMENT_TEXT_VERSION_TAKEN for a version already published, ' +
      'CREDIT.COMMITMENT_TEXT_UNCHANGED for the words already in force.',
  })
  @ApiCreatedResponse({ type: CommitmentTextView })
  publish(
    @CurrentActor() actor: Actor,
    @Body() body: PublishCommitmentTextRequest,
  ): Promise<CommitmentTextView> {
    return this.commitments.publish(actor, body);
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
