/**
 * Notebook 05, text as tokens: the course's corpora (the KJV, the Devil's Dictionary), character and
 * byte-level BPE tokenizers trained here, verses, train/validation splits, and the export to Hugging
 * Face's tokenizer format that checks them against an outside implementation; OpenAI's real tokenizers
 * (GPT-2, cl100k_base, o200k_base) run by the same BPE loop on their rank tables ({@code RankedBpe}),
 * checked against js-tiktoken ({@code JsTiktoken}), and their compression ({@code BytesPerToken}).
 */
package fasttrack.text;
