import { Module } from '@nestjs/common';
import { ContentHttpController } from './content.http.controller.js';

/** Serves update files to clients and downstream servers. */
@Module({ controllers: [ContentHttpController] })
export class ContentModule {}
