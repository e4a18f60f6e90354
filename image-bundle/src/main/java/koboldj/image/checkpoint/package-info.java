/** Model files: safetensors and GGUF checkpoints, memory-mapped, their tensors by name, and what architecture they hold. */
package koboldj.image.checkpoint;
