/** The apps' two languages; a file of its own so that texts can be read without the UI library (tests do). */
export type Lang = 'zh-CN' | 'en';
export const LANGS: readonly Lang[] = ['zh-CN', 'en'];
