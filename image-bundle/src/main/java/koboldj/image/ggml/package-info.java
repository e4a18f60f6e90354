/**
 * The one binding of ggml (from the image engine's private copy of libjllama.so): contexts, tensor
 * operations with their shapes checked in Java, allocation and computation on the CPU backend.
 */
package koboldj.image.ggml;
