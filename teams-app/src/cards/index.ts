// The bot's Adaptive Cards: plain JSON builders, independent of any SDK.
export * from './adaptive-card.ts';
export * from './delegation.card.ts';
export * from './lists.card.ts';
export * from './manager.card.ts';
export * from './reminder.card.ts';
export * from './share.card.ts';
