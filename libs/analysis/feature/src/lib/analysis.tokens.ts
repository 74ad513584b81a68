/** Injection tokens of the analysis service. */
export const EMBEDDING_MODEL = Symbol('EMBEDDING_MODEL');
export const LANGUAGE_DETECTOR = Symbol('LANGUAGE_DETECTOR');
export const CHINESE_SEGMENTER = Symbol('CHINESE_SEGMENTER');
export const TOPIC_CLASSIFIER = Symbol('TOPIC_CLASSIFIER');
