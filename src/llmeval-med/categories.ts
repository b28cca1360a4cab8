/** The five LLMEval-Med categories: the release's Chinese key, the paper's code and English name. */
export type CategoryCode = "MK" | "MLU" | "MR" | "MSE" | "MTG";

export interface CategoryInfo {
  code: CategoryCode;
  /** Top-level key in dataset.json and in every file the release's scripts write. */
  zh: string;
  en: string;
}

/** In the paper's Table 2 column order. */
export const CATEGORIES: readonly CategoryInfo[] = [
  { code: "MK", zh: "医疗知识", en: "Medical Knowledge" },
  { code: "MLU", zh: "医疗语言理解", en: "Medical Language Understanding" },
  { code: "MR", zh: "医疗推理", en: "Medical Reasoning" },
  { code: "MSE", zh: "医疗安全伦理", en: "Medical Ethics and Safety" },
  { code: "MTG", zh: "医疗文本生成", en: "Medical Text Generation" },
];

export const CATEGORY_CODES: readonly CategoryCode[] = CATEGORIES.map((c) => c.code);

/** Find a category by its Chinese key, code or English name (case-insensitive for the latter two). */
export function findCategory(name: string): CategoryInfo | undefined {
  const lower = name.trim().toLowerCase();
  return CATEGORIES.find(
    (c) => c.zh === name.trim() || c.code.toLowerCase() === lower || c.en.toLowerCase() === lower,
  );
}

/** The release's short code for a top-level key, or the key itself when it is not one of the five. */
export function codeOrName(key: string): string {
  return CATEGORIES.find((c) => c.zh === key)?.code ?? key;
}
