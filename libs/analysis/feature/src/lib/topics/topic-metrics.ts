/** Per-topic precision, recall and F1 of a labelled evaluation. */
export interface TopicMetrics {
  topic: string;
  support: number;
  precision: number;
  recall: number;
  f1: number;
}

export interface Confusion {
  gold: string;
  predicted: string;
  count: number;
}

export interface TopicEvaluation {
  items: number;
  accuracy: number;
  /** Mean F1 over the gold topics (a topic never predicted has F1 0). */
  macroF1: number;
  perTopic: TopicMetrics[];
  /** The most frequent mistakes, most frequent first. */
  confusions: Confusion[];
}

/** Accuracy, macro-F1 and confusions of predictions against gold labels ('general' or any other label counts as a mistake). */
export function evaluateTopics(gold: readonly string[], predicted: readonly string[], maxConfusions = 10): TopicEvaluation {
  if (gold.length !== predicted.length) throw new Error(`${gold.length} gold labels but ${predicted.length} predictions`);
  const topics = [...new Set(gold)].sort();
  const truePositive = new Map<string, number>();
  const goldCount = new Map<string, number>();
  const predictedCount = new Map<string, number>();
  const mistakes = new Map<string, Confusion>();
  let correct = 0;
  gold.forEach((g, i) => {
    const p = predicted[i] as string;
    goldCount.set(g, (goldCount.get(g) ?? 0) + 1);
    predictedCount.set(p, (predictedCount.get(p) ?? 0) + 1);
    if (g === p) {
      correct++;
      truePositive.set(g, (truePositive.get(g) ?? 0) + 1);
    } else {
      const key = `${g}\u0000${p}`;
      const c = mistakes.get(key) ?? { gold: g, predicted: p, count: 0 };
      c.count++;
      mistakes.set(key, c);
    }
  });
  const perTopic = topics.map((topic) => {
    const tp = truePositive.get(topic) ?? 0;
    const precision = tp / (predictedCount.get(topic) || 1);
    const recall = tp / (goldCount.get(topic) as number);
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    return { topic, support: goldCount.get(topic) as number, precision, recall, f1 };
  });
  const confusions = [...mistakes.values()]
    .sort((a, b) => b.count - a.count || a.gold.localeCompare(b.gold) || a.predicted.localeCompare(b.predicted))
    .slice(0, maxConfusions);
  return {
    items: gold.length,
    accuracy: gold.length ? correct / gold.length : 0,
    macroF1: perTopic.length ? perTopic.reduce((s, t) => s + t.f1, 0) / perTopic.length : 0,
    perTopic,
    confusions,
  };
}
