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
import {
  CancelOrderRequest,
  CreateOrderRequest,
  OrderPage,
  OrderQuery,
  OrderView,
} from './dto/order.dto';
import { OrdersService } from './orders.service';

@ApiTags('execution')
@ApiBearerAuth()
@Controller('execution/orders')
export class OrdersController {
  constructor(private readonly orders: OrdersService) {}

  @Post()
  @Roles('hospital_user')
  @ApiOperation({
    summary:
      'Draft a purchase order (§E1); line prices default to the agreement, else the listing price',
  })
  @ApiCreatedResponse({ type: OrderView })
  create(@CurrentActor() actor: Actor, @Body() body: CreateOrderRequest): Promise<OrderView> {
    return this.orders.create(actor, body);
  }

  @Get()
  @Roles(...AUTHORITY_ROLES, 'hospital_user', 'supplier_user')
  @ApiOperation({
    summary: "Orders the caller may see: its hospital's, those addressed to it, or its region's",
  })
  @ApiOkResponse({ type: OrderPage })
  list(@CurrentActor() actor: Actor, @Query() query: OrderQuery): Promise<OrderPage> {
    return this.orders.list(actor, query);
  }

  @Get(':id')
  @Roles(...AUTHORITY_ROLES, 'hospital_user', 'supplier_user')
  @ApiOkResponse({ type: OrderView })
  get(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<OrderView> {
    return this.orders.get(actor, id);
  }

  @Post(':id/place')
  @HttpCode(200)
  @Roles('hospital_user')
  @ApiOperation({
    summary: 'Send a draft to its supplier; the first delivery is due DELIVERY_DELAY_HOURS later',
  })
  @ApiOkResponse({ type: OrderView })
  place(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<OrderView> {
    return this.orders.place(actor, id);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @Roles('hospital_user')
  @ApiOperation({ summary: 'Cancel a draft or placed order nothing was delivered against' })
  @ApiOkResponse({ type: OrderView })
  cancel(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() body: CancelOrderRequest,
  ): Promise<OrderView> {
    return this.orders.cancel(actor, id, body);
  }

  @Post(':id/close')
  @HttpCode(200)
  @Roles('hospital_user')
  @ApiOperation({
    summary: 'Close a (partially) delivered order whose delivery lines are all decided',
  })
  @ApiOkResponse({ type: OrderView })
  close(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<OrderView> {
    return this.orders.close(actor, id);
  }
}
