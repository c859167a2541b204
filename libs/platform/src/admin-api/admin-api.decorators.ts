import { applyDecorators, createParamDecorator, type ExecutionContext, UseFilters, UseGuards } from '@nestjs/common';
import { AdminApiExceptionFilter } from './admin-api-exception.filter.js';
import { type AdminPrincipal, AdminBearerGuard, adminPrincipalOf } from './admin-bearer.guard.js';

/** Put on every admin HTTP controller: bearer auth and the admin error format. */
export const AdminApi = (): ClassDecorator & MethodDecorator => applyDecorators(UseFilters(AdminApiExceptionFilter), UseGuards(AdminBearerGuard));

/** The authenticated admin, as a handler parameter. */
export const Admin = createParamDecorator((_: unknown, ctx: ExecutionContext): AdminPrincipal => adminPrincipalOf(ctx.switchToHttp().getRequest()));
