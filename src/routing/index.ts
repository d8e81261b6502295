/**
 * Routing: rules map a notification to concrete deliveries (channel, target). Pure: no Redis, no
 * network; the plan is what the delivery queue enqueues, one job per delivery id.
 * @module
 */
export { routeNotification, ruleHandles } from './route-notification.ts';
export { routeOrigin, type OriginRoute } from './route-origin.ts';
export { matchesWhen, flattenWhen, findUnknownConditionKeys, readPath, holds, conditionKeys } from './conditions.ts';
export { matchGlob } from './glob.ts';
export { makeDeliveryId } from './delivery-id.ts';
export { toOutboundMessage } from './outbound-message.ts';
export { originRule, type FallbackDelivery, type PlannedDelivery, type RoutePlan, type RuleMatch } from './types.ts';
export { describeRoutes } from './describe-routes.ts';
