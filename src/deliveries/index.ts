/** The delivery pipeline: producer service, worker, and the pieces they share. */
export { createDeliveryService, type DeliveryServiceOptions } from './service.ts';
export { startDeliveryWorker, type DeliveryWorker, type DeliveryWorkerOptions } from './worker.ts';
export { deliveryBackoff } from './backoff.ts';
export { rateOf, type Rate } from './rate-limit.ts';
export { deliveryKeys, DELIVERY_QUEUE, DELIVERY_QUEUES, REPLY_QUEUE, type DeliveryQueueName } from './keys.ts';
export type { DeliveryJobData } from './job.ts';
export type * from './types.ts';
