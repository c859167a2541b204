import { Module } from '@nestjs/common';
import { ContentHttpRoutes } from './content.http.routes.js';

/** Serves update files to clients and downstream servers. */
@Module({ providers: [ContentHttpRoutes] })
export class ContentModule {}
