import { InProcessBroker, InProcessClient, InProcessServer, ServiceBus } from '#messaging';
import { busContract } from './bus.contract.js';

const broker = new InProcessBroker();
busContract({
  name: 'the in-process transport',
  skip: false,
  createServer: (queue) => new InProcessServer(broker, queue),
  createBus: (timeoutMs) => new ServiceBus(new InProcessClient(broker), timeoutMs),
});
