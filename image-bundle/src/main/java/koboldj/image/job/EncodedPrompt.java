package koboldj.image.job;

/**
 * A prompt as the text encoders give it: hidden states {@code [chunks][77][textWidth]} and the pooled embedding of its
 * first chunk (SDXL's, which its UNet takes with the sizes; empty for models that pool nothing).
 */
record EncodedPrompt(float[] states, float[] pooled) {
}
