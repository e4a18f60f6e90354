/**
 * Prompts to token ids: CLIP's byte-pair-encoding tokenizer, Automatic1111's emphasis syntax ({@code (word:1.2)},
 * {@code (word)}, {@code [word]}, {@code BREAK}) and its 75-token chunking. The merges are OpenAI CLIP's
 * ({@code clip_bpe_simple_vocab_16e6.txt.gz}, MIT licence in {@code CLIP-LICENSE.txt} beside it).
 */
package koboldj.image.prompt;
