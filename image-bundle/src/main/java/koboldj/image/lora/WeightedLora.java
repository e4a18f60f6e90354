package koboldj.image.lora;

/**
 * A LoRA file at the strengths a prompt or --sdloramult asks for.
 *
 * @param textWeight multiplier of its text encoder layers
 * @param unetWeight multiplier of its UNet layers
 */
public record WeightedLora(LoraFile file, float textWeight, float unetWeight) {
}
