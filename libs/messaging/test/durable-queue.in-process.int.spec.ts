import { InProcessDurableQueue } from '#messaging';
import { durableQueueContract } from './durable-queue.contract.js';

durableQueueContract({ name: 'the in-process queue', skip: false, open: async () => new InProcessDurableQueue() });
