/**
 * LoRA files (kohya and diffusers/PEFT naming) mapped onto a checkpoint's LDM tensors and merged into copies of
 * them for a job: W' = W + multiplier · (alpha / rank) · up · down.
 */
package koboldj.image.lora;
