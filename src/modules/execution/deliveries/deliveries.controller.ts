import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
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
import { DeliveriesService } from './deliveries.service';
import {
  AcceptanceRequest,
  DeliveryPage,
  DeliveryQuery,
  DeliveryView,
  PerformanceQuery,
  RecordDeliveryRequest,
  SupplierPerformanceView,
} from './dto/delivery.dto';
import { SupplierPerformanceService } from './supplier-performance.service';

const READERS = [...AUTHORITY_ROLES, 'hospital_user', 'supplier_user'] as const;

@ApiTags('execution')
@ApiBearerAuth()
@Controller('execution')
export class DeliveriesController {
  constructor(
    private readonly deliveries: DeliveriesService,
    private readonly performance: SupplierPerformanceService,
  ) {}

  @Post('orders/:id/deliveries')
  @Roles('supplier_user')
  @ApiOperation({
    summary:
      'The supplier records a delivery against order lines (§E2); each quantity is at most what is outstanding',
  })
  @ApiCreatedResponse({ type: DeliveryView })
  record(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() body: RecordDeliveryRequest,
  ): Promise<DeliveryView> {
    return this.deliveries.record(actor, id, body);
  }

  @Get('orders/:id/deliveries')
  @Roles(...READERS)
  @ApiOkResponse({ type: DeliveryPage })
  list(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Query() query: DeliveryQuery,
  ): Promise<DeliveryPage> {
    return this.deliveries.listOfOrder(actor, id, query);
  }

  @Get('deliveries/:id')
  @Roles(...READERS)
  @ApiOkResponse({ type: DeliveryView })
  get(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<DeliveryView> {
    return this.deliveries.get(actor, id);
  }

  @Post('deliveries/:id/acceptance')
  @HttpCode(200)
  @Roles('hospital_user')
  @ApiOperation({
    summary:
      'The hospital accepts (验收) or rejects delivery lines; acceptance starts the payment clock, a decision is final',
  })
  @ApiOkResponse({ type: DeliveryView })
  decide(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() body: AcceptanceRequest,
  ): Promise<DeliveryView> {
    return this.deliveries.decide(actor, id, body);
  }

  @Get('suppliers/:id/performance')
  @Roles(...AUTHORITY_ROLES, 'supplier_user')
  @ApiOperation({
    summary:
      'Delivery delays and fill rate of a supplier over the orders placed in a window (§E2/§K4)',
  })
  @ApiOkResponse({ type: SupplierPerformanceView })
  supplierPerformance(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Query() query: PerformanceQuery,
  ): Promise<SupplierPerformanceView> {
    return this.performance.performance(actor, id, query);
  }
}
