import { Body, Controller, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Actor } from '../../../common/auth/actor';
import { CurrentActor, Roles } from '../../../common/auth/decorators';
import { AUTHORITY_ROLES } from '../../../common/auth/roles';
import { BidsService } from './bids.service';
import {
  AmendBidRequest,
  BidPage,
  BidQuery,
  BidSubmission,
  BidVersionView,
  BidView,
  LotBidCount,
  ReceiptVerification,
  RoundReceiptPage,
  SubmitBidRequest,
  VerifyReceiptRequest,
} from './dto/bid.dto';

// Hospitals never read bids; who sees what among the others is decided in BidsService (§P4).
const READERS = [...AUTHORITY_ROLES, 'supplier_user'] as const;

@ApiTags('procurement')
@ApiBearerAuth()
@Controller('procurement')
export class BidsController {
  constructor(private readonly bids: BidsService) {}

  @Post('rounds/:roundId/bids')
  @Roles('supplier_user')
  @ApiOperation({
    summary:
      'Submit a sealed bid for one product in one lot (§P4); answers the bid and its receipt',
  })
  @ApiCreatedResponse({ type: BidSubmission })
  submit(
    @CurrentActor() actor: Actor,
    @Param('roundId') roundId: string,
    @Body() body: SubmitBidRequest,
  ): Promise<BidSubmission> {
    return this.bids.submit(actor, roundId, body);
  }

  @Get('rounds/:roundId/bids')
  @Roles(...READERS)
  @ApiOperation({
    summary:
      'Suppliers: their own bids, any time. Authorities: all bids once the round is opened (before: 409 BIDS_SEALED, see bid-counts)',
  })
  @ApiOkResponse({ type: BidPage })
  list(
    @CurrentActor() actor: Actor,
    @Param('roundId') roundId: string,
    @Query() query: BidQuery,
  ): Promise<BidPage> {
    return this.bids.list(actor, roundId, query);
  }

  @Get('rounds/:roundId/bid-counts')
  @Roles(...AUTHORITY_ROLES)
  @ApiOperation({ summary: 'Number of active bids per lot: all that is visible before opening' })
  @ApiOkResponse({ type: [LotBidCount] })
  counts(@CurrentActor() actor: Actor, @Param('roundId') roundId: string): Promise<LotBidCount[]> {
    return this.bids.counts(actor, roundId);
  }

  @Get('rounds/:roundId/receipts')
  @Roles('supplier_user')
  @ApiOperation({ summary: 'The latest receipt of each of your bids in the round' })
  @ApiOkResponse({ type: RoundReceiptPage })
  receipts(
    @CurrentActor() actor: Actor,
    @Param('roundId') roundId: string,
    @Query() query: BidQuery,
  ): Promise<RoundReceiptPage> {
    return this.bids.receipts(actor, roundId, query);
  }

  @Get('bids/:bidId')
  @Roles(...READERS)
  @ApiOkResponse({ type: BidView })
  get(@CurrentActor() actor: Actor, @Param('bidId') bidId: string): Promise<BidView> {
    return this.bids.get(actor, bidId);
  }

  @Put('bids/:bidId')
  @Roles('supplier_user')
  @ApiOperation({ summary: 'Amend your bid: a new version that replaces the one in force' })
  @ApiOkResponse({ type: BidSubmission })
  amend(
    @CurrentActor() actor: Actor,
    @Param('bidId') bidId: string,
    @Body() body: AmendBidRequest,
  ): Promise<BidSubmission> {
    return this.bids.amend(actor, bidId, body);
  }

  @Post('bids/:bidId/withdraw')
  @HttpCode(200)
  @Roles('supplier_user')
  @ApiOperation({ summary: 'Withdraw your bid until the deadline; it can be submitted again' })
  @ApiOkResponse({ type: BidView })
  withdraw(@CurrentActor() actor: Actor, @Param('bidId') bidId: string): Promise<BidView> {
    return this.bids.withdraw(actor, bidId);
  }

  @Get('bids/:bidId/versions')
  @Roles(...READERS)
  @ApiOkResponse({ type: [BidVersionView] })
  versions(@CurrentActor() actor: Actor, @Param('bidId') bidId: string): Promise<BidVersionView[]> {
    return this.bids.versionsOf(actor, bidId);
  }

  @Post('receipts/verify')
  @HttpCode(200)
  @Roles(...READERS)
  @ApiOperation({
    summary:
      'Check a receipt: whether its digest is that of the bid version, and whether that version counts',
  })
  @ApiOkResponse({ type: ReceiptVerification })
  verify(
    @CurrentActor() actor: Actor,
    @Body() body: VerifyReceiptRequest,
  ): Promise<ReceiptVerification> {
    return this.bids.verify(actor, body);
  }
}
