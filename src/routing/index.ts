/**
 * Routing: rules map a notification to concrete deliveries (channel, target). Pure: no Redis, no
 * network; the plan is what the delivery queue enqueues, one job per delivery id.
 * @module
 */
export { routeNotification, ruleHandles, type RouteOptions } from './route-notification.ts';
export { peopleOf, personTarget, resolvePeople, userKeyOf, type PersonTarget, type Unreachable } from './people.ts';
export { formatLocal, holdUntil, isTimeZone, parseHours, quietUntil, weekDays, type QuietHours, type WeekDay } from './quiet-hours.ts';
export { originEdits, routeOrigin, type OriginRoute } from './route-origin.ts';
export { matchesWhen, flattenWhen, findUnknownConditionKeys, readPath, holds, conditionKeys } from './conditions.ts';
export { matchGlob } from './glob.ts';
export { makeDeliveryId } from './delivery-id.ts';
export { toOutboundMessage } from './outbound-message.ts';
export { originRule, type FallbackDelivery, type HeldDelivery, type PlannedDelivery, type RoutePlan, type RuleMatch } from './types.ts';
export { alertRoutes, describeAlertRoutes, describeHeld, describeRoutes, type AlertRoute, type EscalationStep } from './describe-routes.ts';
