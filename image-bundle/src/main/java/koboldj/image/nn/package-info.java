/**
 * Stable Diffusion's networks as ggml graphs: building blocks, CLIP text encoders, UNet, VAE, and
 * the {@link koboldj.image.nn.StableDiffusion} facade the image jobs call.
 */
package koboldj.image.nn;
