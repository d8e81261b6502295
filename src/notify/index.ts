/**
 * The notification core: pick the triggers that fire, apply the alias's overrides, render messages
 * and data, and build one {@link Notification} per notify channel name. Pure: no Redis, no network.
 * @module
 */
export { buildNotifications, type BuildNotificationsInput } from './build-notifications.ts';
export { buildAck, type BuildAckInput } from './build-ack.ts';
export { buildProgress, type BuildProgressInput } from './build-progress.ts';
export { buildOriginReply, type OriginReplyInput } from './build-origin-reply.ts';
export { notificationFromApi, type ApiNotifyBody } from './notification-from-api.ts';
export { selectTriggers } from './select-triggers.ts';
export { mergeNotify, channelNames, type EffectiveEntry } from './merge-notify.ts';
export { makeNotificationId } from './notification-id.ts';
export { defaultAckText, defaultMessageTemplate, defaultResultText, formatResult } from './default-texts.ts';
export { notifyKeys, originName, originSynonyms, type Notification, type NotifyKey, type NotifyTrigger, type ProgressRef, type RenderFn } from './types.ts';
